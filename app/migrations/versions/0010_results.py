"""data lifecycle: how many months an organisation keeps its responses

Revision ID: 0010_results
Revises: 0009_api_tokens
Create Date: 2026-11-22 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_results'
down_revision = '0009_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    # Null keeps responses until someone deletes them, as before this revision.
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response_retention_months', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('response_retention_months')
