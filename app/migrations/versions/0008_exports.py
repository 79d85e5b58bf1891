"""exports of responses and their audit log

Revision ID: 0008_exports
Revises: 0007_benchmarks
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_exports'
down_revision = '0007_benchmarks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('survey_title', sa.String(length=200), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('format', sa.Enum('csv', 'csv_excel_nb', 'xlsx', 'sav', name='exportformat', native_enum=False, length=24), nullable=False),
    sa.Column('scope', sa.Enum('complete', 'all', name='exportscope', native_enum=False, length=24), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('include_test', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'running', 'done', 'failed', name='exportstate', native_enum=False, length=24), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('response_count', sa.Integer(), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('file_deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_export_request_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_export_request_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_export_request_survey_id_survey'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_request'))
    )
    with op.batch_alter_table('export_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_export_request_survey_id'), ['survey_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_request_survey_id'))
        batch_op.drop_index(batch_op.f('ix_export_request_organisation_id'))

    op.drop_table('export_request')
