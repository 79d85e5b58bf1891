"""benchmark rebuild: answers indexed by question, response and option; statistics on question and option

Revision ID: 0012_benchmark_rebuild
Revises: 0011_snapshot_layout
Create Date: 2026-11-24 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_benchmark_rebuild'
down_revision = '0011_snapshot_layout'
branch_labels = None
depends_on = None


def upgrade():
    # Replaces (question_code, option_code): results filters read the new index by question and
    # response, and the benchmark rebuild reads the respondents of a question from it in order.
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_question_option')
        batch_op.create_index(
            'ix_answer_question_response_option', ['question_code', 'response_id', 'option_code'], unique=False
        )
    if op.get_bind().dialect.name == 'postgresql':
        # The true number of (question, option) pairs for the planner, instead of the product of
        # the two columns' distinct values; ANALYZE computes it now rather than at autovacuum's leisure.
        op.execute(
            'CREATE STATISTICS st_answer_question_option (ndistinct) ON question_code, option_code FROM answer'
        )
        op.execute('ANALYZE answer')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP STATISTICS IF EXISTS st_answer_question_option')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_question_response_option')
        batch_op.create_index('ix_answer_question_option', ['question_code', 'option_code'], unique=False)
