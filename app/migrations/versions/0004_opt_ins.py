"""opt-ins stored apart from responses

Revision ID: 0004_opt_ins
Revises: 0003_respondent_sessions
Create Date: 2026-11-23 10:12:41.208311

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_opt_ins'
down_revision = '0003_respondent_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opt_in',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('opt_in_code', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_opt_in_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opt_in'))
    )
    with op.batch_alter_table('opt_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opt_in_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('opt_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opt_in_survey_id'))

    op.drop_table('opt_in')
