"""i18n: the language each person chose

Revision ID: c3d4e5f6a7b8
Revises: b2c3d4e5f6a7
Create Date: 2026-12-04 19:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3d4e5f6a7b8"
down_revision = "b2c3d4e5f6a7"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch): SQLite then does not rebuild ``users``, which would drop
    # the search index triggers on it.
    op.add_column("users", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    op.drop_column("users", "language")  # plain DROP COLUMN (SQLite 3.35+): triggers stay
