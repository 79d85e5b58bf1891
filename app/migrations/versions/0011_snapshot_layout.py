"""benchmark snapshots: members' fingerprints apart from their counts, packed distributions

Revision ID: 0011_snapshot_layout
Revises: 0010_results
Create Date: 2026-11-22 10:30:00.000000

"""
import hashlib

import numpy as np
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0011_snapshot_layout'
down_revision = '0010_results'
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
# Little-endian float64, as app/benchmarks/distributions.py packs them.
VALUE_TYPE = np.dtype('<f8')


def _snapshots(*columns):
    return sa.table('benchmark_snapshot', sa.column('id', sa.Integer), *columns)


def upgrade():
    with op.batch_alter_table('benchmark_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fingerprints', DOCUMENT, nullable=True))
        batch_op.add_column(sa.Column('membership_digest', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('distribution_index', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('distributions', sa.LargeBinary(), nullable=True))

    # Published snapshots are converted, not dropped: the next recompute must compare memberships
    # with what was published, or it would publish changes of fewer organisations than the rules allow.
    old = _snapshots(sa.column('members', DOCUMENT), sa.column('organisation_values', DOCUMENT))
    new = _snapshots(
        sa.column('members', DOCUMENT),
        sa.column('fingerprints', DOCUMENT),
        sa.column('membership_digest', sa.String),
        sa.column('distribution_index', sa.JSON),
        sa.column('distributions', sa.LargeBinary),
    )
    connection = op.get_bind()
    for snapshot_id, members, values in connection.execute(sa.select(old)).all():
        prints = {org: entry[0] for org, entry in members.items()}
        ordered = sorted(prints.items(), key=lambda item: int(item[0]))
        digest = hashlib.sha1(
            ",".join(f"{org}:{print_}" for org, print_ in ordered).encode(), usedforsecurity=False
        ).hexdigest()
        connection.execute(
            sa.update(new)
            .where(new.c.id == snapshot_id)
            .values(
                members={org: entry[1] for org, entry in members.items()},
                fingerprints=prints,
                membership_digest=digest,
                distribution_index=[[measure, len(sorted_)] for measure, sorted_ in values.items()],
                distributions=np.asarray(
                    [value for sorted_values in values.values() for value in sorted_values],
                    dtype=VALUE_TYPE,
                ).tobytes(),
            )
        )

    with op.batch_alter_table('benchmark_snapshot', schema=None) as batch_op:
        batch_op.alter_column('fingerprints', existing_type=DOCUMENT, nullable=False)
        batch_op.alter_column('membership_digest', existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column('distribution_index', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('distributions', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column('organisation_values')
        # Read whole by every report: plain JSON is sent as stored, JSONB rebuilt as text each time.
        for column in ('members', 'totals'):
            batch_op.alter_column(
                column, existing_type=DOCUMENT, type_=sa.JSON(), postgresql_using=f'{column}::json'
            )
    with op.batch_alter_table('benchmark_contribution', schema=None) as batch_op:
        batch_op.alter_column(
            'cells', existing_type=DOCUMENT, type_=sa.JSON(), postgresql_using='cells::json'
        )


def downgrade():
    with op.batch_alter_table('benchmark_contribution', schema=None) as batch_op:
        batch_op.alter_column(
            'cells', existing_type=sa.JSON(), type_=DOCUMENT, postgresql_using='cells::jsonb'
        )
    with op.batch_alter_table('benchmark_snapshot', schema=None) as batch_op:
        for column in ('members', 'totals'):
            batch_op.alter_column(
                column, existing_type=sa.JSON(), type_=DOCUMENT, postgresql_using=f'{column}::jsonb'
            )
        batch_op.add_column(sa.Column('organisation_values', DOCUMENT, nullable=True))

    new = _snapshots(
        sa.column('members', DOCUMENT),
        sa.column('fingerprints', DOCUMENT),
        sa.column('distribution_index', sa.JSON),
        sa.column('distributions', sa.LargeBinary),
    )
    old = _snapshots(sa.column('members', DOCUMENT), sa.column('organisation_values', DOCUMENT))
    connection = op.get_bind()
    for snapshot_id, members, prints, index, data in connection.execute(sa.select(new)).all():
        values = np.frombuffer(data, dtype=VALUE_TYPE).tolist()
        organisation_values, start = {}, 0
        for measure, count in index:
            organisation_values[measure] = values[start : start + count]
            start += count
        connection.execute(
            sa.update(old)
            .where(old.c.id == snapshot_id)
            .values(
                members={org: [prints[org], responses] for org, responses in members.items()},
                organisation_values=organisation_values,
            )
        )

    with op.batch_alter_table('benchmark_snapshot', schema=None) as batch_op:
        batch_op.alter_column('organisation_values', existing_type=DOCUMENT, nullable=False)
        batch_op.drop_column('distributions')
        batch_op.drop_column('distribution_index')
        batch_op.drop_column('membership_digest')
        batch_op.drop_column('fingerprints')

