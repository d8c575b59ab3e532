"""analytics: partial index of open questions (posts with a "?" and no comment)

Revision ID: e5b19c7d3a82
Revises: c4d8f2a61e37
Create Date: 2026-11-22 23:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b19c7d3a82'
down_revision = 'c4d8f2a61e37'
branch_labels = None
depends_on = None

_WHERE = (
    "kind = 'post' AND comment_count = 0 AND deleted_at IS NULL "
    "AND moderation_state = 'published' AND {find}(body, '?') > 0"
)


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_posts_open_questions_created_at',
            ['created_at'],
            unique=False,
            sqlite_where=sa.text(_WHERE.format(find='instr')),
            postgresql_where=sa.text(_WHERE.format(find='strpos')),
        )


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_open_questions_created_at')
