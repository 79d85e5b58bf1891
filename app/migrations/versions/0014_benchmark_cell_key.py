"""benchmark cells: no foreign key, the survey leading the primary key instead of its own index

Checking the foreign key to the revision cost a third of a rebuild's writes, and the index on the
survey a sixth. Deleting a survey now deletes its cells explicitly.

Revision ID: 0014_benchmark_cell_key
Revises: 0013_nps_group_counts
Create Date: 2026-12-07 18:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014_benchmark_cell_key'
down_revision = '0013_nps_group_counts'
branch_labels = None
depends_on = None

OLD_KEY = ['survey_revision_id', 'period', 'question_key', 'option_code']
NEW_KEY = ['survey_id', *OLD_KEY]


def upgrade():
    with op.batch_alter_table('benchmark_cell', schema=None) as batch_op:
        batch_op.drop_constraint('fk_benchmark_cell_survey_revision_id_survey_revision', type_='foreignkey')
        batch_op.drop_index('ix_benchmark_cell_survey_id')
        batch_op.drop_constraint('pk_benchmark_cell', type_='primary')
        batch_op.create_primary_key('pk_benchmark_cell', NEW_KEY)


def downgrade():
    with op.batch_alter_table('benchmark_cell', schema=None) as batch_op:
        batch_op.drop_constraint('pk_benchmark_cell', type_='primary')
        batch_op.create_primary_key('pk_benchmark_cell', OLD_KEY)
        batch_op.create_index('ix_benchmark_cell_survey_id', ['survey_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_benchmark_cell_survey_revision_id_survey_revision',
            'survey_revision',
            ['survey_revision_id'],
            ['id'],
            ondelete='CASCADE',
        )
