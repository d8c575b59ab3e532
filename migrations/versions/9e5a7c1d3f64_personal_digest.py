"""personal digest: each person's digest frequency, and the digests sent (one per period)

Revision ID: 9e5a7c1d3f64
Revises: d9e4c1b7a2f0
Create Date: 2026-12-05 17:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e5a7c1d3f64"
down_revision = "8d4f6b0c2e53"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch): SQLite then does not rebuild ``users``, which would drop
    # the search index triggers on it. The values are checked by the service.
    op.add_column(
        "users",
        sa.Column("digest", sa.String(length=8), server_default="weekly", nullable=False),
    )
    op.create_table(
        "digest_sends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digest_sends_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sends")),
        sa.UniqueConstraint(
            "user_id", "period_start", name=op.f("uq_digest_sends_user_id_period_start")
        ),
    )
    op.create_index("ix_digest_sends_period_start", "digest_sends", ["period_start"])


def downgrade():
    op.drop_index("ix_digest_sends_period_start", table_name="digest_sends")
    op.drop_table("digest_sends")
    op.drop_column("users", "digest")  # plain DROP COLUMN (SQLite 3.35+): triggers stay
