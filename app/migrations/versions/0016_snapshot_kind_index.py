"""benchmark snapshots: an index by question and group kind

Every comparison page looks up the periods an organisation has figures in from the country-wide
snapshots of the response counts; without this index that reads the whole unique index.

Revision ID: 0016_snapshot_kind_index
Revises: 0015_answer_ordinal
Create Date: 2026-12-07 19:55:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016_snapshot_kind_index'
down_revision = '0015_answer_ordinal'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('benchmark_snapshot', schema=None) as batch_op:
        batch_op.create_index('ix_benchmark_snapshot_question_kind', ['question_key', 'group_kind'], unique=False)


def downgrade():
    with op.batch_alter_table('benchmark_snapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_benchmark_snapshot_question_kind')
