"""benchmarks: sufficient statistics, question map, contributions and peer-group snapshots

Revision ID: 0007_benchmarks
Revises: 0006_reviews
Create Date: 2026-11-22 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0007_benchmarks'
down_revision = '0006_reviews'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('benchmark_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('group_key', sa.String(length=120), nullable=False),
    sa.Column('group_kind', sa.String(length=32), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('organisation_count', sa.Integer(), nullable=False),
    sa.Column('response_count', sa.Integer(), nullable=False),
    sa.Column('members', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('totals', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('organisation_values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_snapshot')),
    sa.UniqueConstraint('period', 'group_key', 'question_key', name=op.f('uq_benchmark_snapshot_period_group_key_question_key'))
    )
    op.create_table('benchmark_contribution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=40), nullable=False),
    sa.Column('cells', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_benchmark_contribution_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_contribution')),
    sa.UniqueConstraint('organisation_id', 'period', 'question_key', 'fingerprint', name='uq_benchmark_contribution_identity')
    )
    op.create_table('benchmark_watermark',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('response_watermark', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_benchmark_watermark_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_benchmark_watermark'))
    )
    op.create_table('benchmark_cell',
    sa.Column('survey_revision_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('option_code', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('value_sum', sa.Float(), nullable=True),
    sa.Column('value_sum_sq', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['survey_revision_id'], ['survey_revision.id'], name=op.f('fk_benchmark_cell_survey_revision_id_survey_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_revision_id', 'period', 'question_key', 'option_code', name=op.f('pk_benchmark_cell'))
    )
    op.create_index('ix_benchmark_cell_period_organisation', 'benchmark_cell', ['period', 'organisation_id'], unique=False)
    op.create_index(op.f('ix_benchmark_cell_survey_id'), 'benchmark_cell', ['survey_id'], unique=False)
    op.create_table('benchmark_question_map',
    sa.Column('survey_revision_id', sa.Integer(), nullable=False),
    sa.Column('answer_code', sa.String(length=32), nullable=False),
    sa.Column('question_key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['survey_revision_id'], ['survey_revision.id'], name=op.f('fk_benchmark_question_map_survey_revision_id_survey_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_revision_id', 'answer_code', name=op.f('pk_benchmark_question_map'))
    )


def downgrade():
    op.drop_table('benchmark_question_map')
    op.drop_index(op.f('ix_benchmark_cell_survey_id'), table_name='benchmark_cell')
    op.drop_index('ix_benchmark_cell_period_organisation', table_name='benchmark_cell')
    op.drop_table('benchmark_cell')
    op.drop_table('benchmark_watermark')
    op.drop_table('benchmark_contribution')
    op.drop_table('benchmark_snapshot')
