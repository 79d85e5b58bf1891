"""survey lifecycle: events (who did what, when) and when a survey's links closed

Revision ID: 0005_survey_events
Revises: 0004_opt_ins
Create Date: 2026-11-22 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_survey_events'
down_revision = '0004_opt_ins'
branch_labels = None
depends_on = None

SURVEY_STATUS = sa.Enum(
    'draft', 'submitted', 'changes_requested', 'approved', 'published', 'closed', 'archived',
    name='surveystatus', native_enum=False, length=24,
)


def upgrade():
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    # Surveys closed before this revision: their links stay closed.
    op.execute("UPDATE survey SET closed_at = updated_at WHERE status IN ('closed', 'archived')")

    op.create_table('survey_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('from_status', SURVEY_STATUS, nullable=True),
    sa.Column('to_status', SURVEY_STATUS, nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_survey_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_event_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_event'))
    )
    with op.batch_alter_table('survey_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_event_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('survey_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_event_survey_id'))

    op.drop_table('survey_event')

    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
