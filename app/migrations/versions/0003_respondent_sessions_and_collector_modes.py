"""respondent sessions and collector modes

Revision ID: 0003_respondent_sessions
Revises: 0002_accounts_mail
Create Date: 2026-11-22 01:00:24.674019

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0003_respondent_sessions'
down_revision = '0002_accounts_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('embed_origins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))

    with op.batch_alter_table('collector', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_repeat', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('is_test', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resume_key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('next_section', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_response_resume_key_hash'), ['resume_key_hash'])



def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('embed_origins')

    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_response_resume_key_hash'), type_='unique')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('next_section')
        batch_op.drop_column('resume_key_hash')

    with op.batch_alter_table('collector', schema=None) as batch_op:
        batch_op.drop_column('is_test')
        batch_op.drop_column('allow_repeat')

