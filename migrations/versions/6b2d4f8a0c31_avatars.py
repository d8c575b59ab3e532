"""people: avatars (storage keys by size, and a version for their URL)

Revision ID: 6b2d4f8a0c31
Revises: d9e4c1b7a2f0
Create Date: 2026-12-05 17:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "6b2d4f8a0c31"
down_revision = "9e5a7c1d3f64"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch): SQLite then does not rebuild ``users``, which would drop
    # the search index triggers on it.
    op.add_column("users", sa.Column("avatar_keys", sa.JSON(), nullable=True))
    op.add_column(
        "users", sa.Column("avatar_version", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+), again so that ``users`` keeps its triggers.
    op.drop_column("users", "avatar_version")
    op.drop_column("users", "avatar_keys")
