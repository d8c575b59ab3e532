"""analytics: index ballots (created_at, user_id), read by the daily rollup

Revision ID: f3a6d0b8c915
Revises: e5b19c7d3a82
Create Date: 2026-11-22 23:45:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3a6d0b8c915'
down_revision = 'e5b19c7d3a82'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index('ix_ballots_created_at_user_id', ['created_at', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_ballots_created_at_user_id')
