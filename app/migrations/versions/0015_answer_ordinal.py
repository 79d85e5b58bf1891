"""answers: each row's place among the rows of its question in its response

The benchmark rebuild counts the respondents of a multiple choice as the rows numbered 1, in its
one pass over the answers. Stored rows are numbered in the order they were written.

Revision ID: 0015_answer_ordinal
Revises: 0014_benchmark_cell_key
Create Date: 2026-12-07 18:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015_answer_ordinal'
down_revision = '0014_benchmark_cell_key'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('answer', sa.Column('ordinal', sa.SmallInteger(), server_default='1', nullable=False))
    op.execute(
        'UPDATE answer SET ordinal = numbered.place FROM ('
        ' SELECT id, row_number() OVER (PARTITION BY response_id, question_code ORDER BY id) AS place'
        ' FROM answer) AS numbered'
        ' WHERE answer.id = numbered.id AND numbered.place > 1'
    )


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_column('ordinal')
