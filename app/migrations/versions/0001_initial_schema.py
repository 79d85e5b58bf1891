"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-21 23:55:22.939656

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('sort_key', sa.String(length=64), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_module')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_bank_module_code_version'))
    )
    op.create_table('demo_seed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('logins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demo_seed'))
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('orgnr', sa.String(length=9), nullable=False),
    sa.Column('sector_code', sa.String(length=32), nullable=False),
    sa.Column('fylke_code', sa.String(length=8), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.Column('size_band_code', sa.String(length=32), nullable=True),
    sa.Column('is_member', sa.Boolean(), nullable=False),
    sa.Column('benchmark_opt_in', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('orgnr', name=op.f('uq_organisation_orgnr'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_fylke_code'), ['fylke_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_sector_code'), ['sector_code'], unique=False)

    op.create_table('pending_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task', sa.String(length=64), nullable=False),
    sa.Column('args', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('coalesce_key', sa.String(length=128), nullable=False),
    sa.Column('state', sa.Enum('pending', 'queued', 'running', 'done', 'failed', name='jobstate', native_enum=False, length=24), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('run_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_job'))
    )
    with op.batch_alter_table('pending_job', schema=None) as batch_op:
        batch_op.create_index('ix_pending_job_state', ['state'], unique=False)
        batch_op.create_index('uq_pending_job_waiting_key', ['coalesce_key'], unique=True, sqlite_where=sa.text("state IN ('pending', 'queued')"), postgresql_where=sa.text("state IN ('pending', 'queued')"))

    op.create_table('questionnaire_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=32), nullable=False),
    sa.Column('sort_key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_version')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_questionnaire_version_code_version'))
    )
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_version_sort_key'), ['sort_key'], unique=False)

    op.create_table('reference_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('labels', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Integer(), nullable=True),
    sa.Column('valid_to', sa.Integer(), nullable=True),
    sa.Column('replaced_by', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_item')),
    sa.UniqueConstraint('list_name', 'code', name=op.f('uq_reference_item_list_name_code'))
    )
    with op.batch_alter_table('reference_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_item_list_name'), ['list_name'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('global_role', sa.Enum('advisor', 'admin', name='globalrole', native_enum=False, length=24), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('is_active_account', sa.Boolean(), nullable=False),
    sa.Column('session_generation', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'editor', 'viewer', name='orgrole', native_enum=False, length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_membership_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('user_id', 'organisation_id', name=op.f('uq_membership_user_id_organisation_id'))
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)

    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'approved', 'published', 'closed', 'archived', name='surveystatus', native_enum=False, length=24), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_version_id'], ['questionnaire_version.id'], name=op.f('fk_survey_base_version_id_questionnaire_version')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_survey_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_survey_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('collector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('event_tag', sa.String(length=64), nullable=True),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_cap', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_collector_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collector')),
    sa.UniqueConstraint('token', name=op.f('uq_collector_token'))
    )
    with op.batch_alter_table('collector', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_collector_survey_id'), ['survey_id'], unique=False)

    op.create_table('response_summary',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('complete_count', sa.Integer(), nullable=False),
    sa.Column('partial_count', sa.Integer(), nullable=False),
    sa.Column('last_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('watermark', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_response_summary_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_response_summary'))
    )
    op.create_table('survey_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_revision_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_revision')),
    sa.UniqueConstraint('survey_id', 'number', name=op.f('uq_survey_revision_survey_id_number'))
    )
    with op.batch_alter_table('survey_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_revision_survey_id'), ['survey_id'], unique=False)

    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('survey_revision_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('partial', 'complete', 'screened_out', name='responsestatus', native_enum=False, length=24), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('is_test', sa.Boolean(), nullable=False),
    sa.Column('is_imported', sa.Boolean(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('duration_seconds', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['collector_id'], ['collector.id'], name=op.f('fk_response_collector_id_collector'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_response_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_response_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_revision_id'], ['survey_revision.id'], name=op.f('fk_response_survey_revision_id_survey_revision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_response_submission_key'))
    )
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_response_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_response_survey_revision_id'), ['survey_revision_id'], unique=False)
        batch_op.create_index('ix_response_survey_submitted', ['survey_id', 'submitted_at'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_code', sa.String(length=32), nullable=False),
    sa.Column('option_code', sa.String(length=32), nullable=True),
    sa.Column('number_value', sa.Float(), nullable=True),
    sa.Column('text_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_answer_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index('ix_answer_question_option', ['question_code', 'option_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_response_id'))
        batch_op.drop_index('ix_answer_question_option')

    op.drop_table('answer')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_survey_submitted')
        batch_op.drop_index(batch_op.f('ix_response_survey_revision_id'))
        batch_op.drop_index(batch_op.f('ix_response_organisation_id'))

    op.drop_table('response')
    with op.batch_alter_table('survey_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_revision_survey_id'))

    op.drop_table('survey_revision')
    op.drop_table('response_summary')
    with op.batch_alter_table('collector', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collector_survey_id'))

    op.drop_table('collector')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_organisation_id'))

    op.drop_table('survey')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))
        batch_op.drop_index(batch_op.f('ix_membership_organisation_id'))

    op.drop_table('membership')
    op.drop_table('user_account')
    with op.batch_alter_table('reference_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_item_list_name'))

    op.drop_table('reference_item')
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_version_sort_key'))

    op.drop_table('questionnaire_version')
    with op.batch_alter_table('pending_job', schema=None) as batch_op:
        batch_op.drop_index('uq_pending_job_waiting_key', sqlite_where=sa.text("state IN ('pending', 'queued')"), postgresql_where=sa.text("state IN ('pending', 'queued')"))
        batch_op.drop_index('ix_pending_job_state')

    op.drop_table('pending_job')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_sector_code'))
        batch_op.drop_index(batch_op.f('ix_organisation_fylke_code'))

    op.drop_table('organisation')
    op.drop_table('demo_seed')
    op.drop_table('bank_module')
