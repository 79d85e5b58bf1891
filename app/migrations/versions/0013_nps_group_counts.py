"""benchmark contributions: NPS groups as counts only, as the rebuilt cells now hold them

Published snapshots name their members' contributions by fingerprint. The cells of NPS groups no
longer carry sums, so the fingerprint of every NPS contribution changes with the next rebuild.
Without renaming the published ones, the next recompute would see every member of every NPS
snapshot as changed and publish new figures however few organisations really changed (rule R7 in
docs/anonymity.md). This revision gives the stored cells, contributions and snapshots the new form.

Revision ID: 0013_nps_group_counts
Revises: 0012_benchmark_rebuild
Create Date: 2026-11-22 11:00:00.000000

"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0013_nps_group_counts'
down_revision = '0012_benchmark_rebuild'
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
NPS_GROUPS = ('promoter', 'passive', 'detractor')

cells_table = sa.table(
    'benchmark_cell',
    sa.column('question_key', sa.String),
    sa.column('option_code', sa.String),
    sa.column('value_sum', sa.Float),
    sa.column('value_sum_sq', sa.Float),
)
question_map = sa.table(
    'benchmark_question_map', sa.column('question_key', sa.String), sa.column('kind', sa.String)
)
contributions = sa.table(
    'benchmark_contribution',
    sa.column('id', sa.Integer),
    sa.column('organisation_id', sa.Integer),
    sa.column('period', sa.String),
    sa.column('question_key', sa.String),
    sa.column('fingerprint', sa.String),
    sa.column('cells', sa.JSON),
)
snapshots = sa.table(
    'benchmark_snapshot',
    sa.column('id', sa.Integer),
    sa.column('period', sa.String),
    sa.column('question_key', sa.String),
    sa.column('fingerprints', DOCUMENT),
    sa.column('membership_digest', sa.String),
)


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def upgrade():
    connection = op.get_bind()
    nps_keys = sa.select(question_map.c.question_key).where(question_map.c.kind == 'nps').distinct()
    connection.execute(
        sa.update(cells_table)
        .where(cells_table.c.question_key.in_(nps_keys), cells_table.c.option_code.in_(NPS_GROUPS))
        .values(value_sum=None, value_sum_sq=None)
    )

    # As app/benchmarks/snapshots.py fingerprints a contribution.
    renamed, taken = {}, {}
    for row in connection.execute(sa.select(contributions)).all():
        taken[(row.organisation_id, row.period, row.question_key, row.fingerprint)] = row.id
    for row in connection.execute(sa.select(contributions)).all():
        if not set(NPS_GROUPS) & row.cells.keys():
            continue
        cells = {
            option: [figures[0], None, None] if option in NPS_GROUPS else figures
            for option, figures in row.cells.items()
        }
        new = _sha1(json.dumps(cells, sort_keys=True))
        if new == row.fingerprint:
            continue
        identity = (row.organisation_id, row.period, row.question_key)
        renamed[(*identity, row.fingerprint)] = new
        if (*identity, new) in taken:  # a stored contribution with the same counts already
            connection.execute(sa.delete(contributions).where(contributions.c.id == row.id))
        else:
            connection.execute(
                sa.update(contributions)
                .where(contributions.c.id == row.id)
                .values(cells=cells, fingerprint=new)
            )
            taken[(*identity, new)] = row.id

    keys = {key for _, _, key, _ in renamed}
    for snapshot in connection.execute(sa.select(snapshots).where(snapshots.c.question_key.in_(keys))).all():
        prints = {
            org: renamed.get((int(org), snapshot.period, snapshot.question_key, print_), print_)
            for org, print_ in snapshot.fingerprints.items()
        }
        if prints == snapshot.fingerprints:
            continue
        # Members in id order, as compute_snapshots digests a membership.
        ordered = sorted(prints.items(), key=lambda item: int(item[0]))
        digest = _sha1(','.join(f'{org}:{print_}' for org, print_ in ordered))
        connection.execute(
            sa.update(snapshots)
            .where(snapshots.c.id == snapshot.id)
            .values(fingerprints=prints, membership_digest=digest)
        )


def downgrade():
    # The sums of NPS groups are not kept anywhere to restore; the older code's next rebuild gives
    # the cells their sums again.
    pass
