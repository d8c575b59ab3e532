"""employee advocacy: shareable posts, tracked links, opens, clicks, leaderboard choice

Revision ID: b8a9c0d1e2f3
Revises: 5a1c3e7b9d20
Create Date: 2026-12-05 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b8a9c0d1e2f3"
down_revision = "a5d6e7f8b9c0"
branch_labels = None
depends_on = None


def _user_fk(table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    column = "created_by_id" if table == "shareables" else "user_id"
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "shareables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("target_url", sa.String(length=2000), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_shareables_post_id_posts"), ondelete="CASCADE"
        ),
        _user_fk("shareables", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shareables")),
        sa.UniqueConstraint("post_id", name=op.f("uq_shareables_post_id")),
    )
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shareable_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("campaign", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "network IN ('linkedin', 'x', 'facebook')", name=op.f("ck_share_links_network_known")
        ),
        sa.ForeignKeyConstraint(
            ["shareable_id"],
            ["shareables.id"],
            name=op.f("fk_share_links_shareable_id_shareables"),
            ondelete="CASCADE",
        ),
        _user_fk("share_links", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("campaign", name=op.f("uq_share_links_campaign")),
        sa.UniqueConstraint("code", name=op.f("uq_share_links_code")),
        sa.UniqueConstraint(
            "shareable_id",
            "user_id",
            "network",
            name=op.f("uq_share_links_shareable_id_user_id_network"),
        ),
    )
    op.create_index("ix_share_links_user_id", "share_links", ["user_id"])
    op.create_table(
        "share_opens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_share_opens_link_id_share_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_opens")),
    )
    op.create_index("ix_share_opens_link_id_created_at", "share_opens", ["link_id", "created_at"])
    op.create_table(
        "share_clicks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("visitor", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["share_links.id"],
            name=op.f("fk_share_clicks_link_id_share_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_clicks")),
        sa.UniqueConstraint(
            "link_id", "visitor", "hour", name=op.f("uq_share_clicks_link_id_visitor_hour")
        ),
    )
    op.create_index("ix_share_clicks_created_at", "share_clicks", ["created_at"])
    op.create_table(
        "advocacy_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("leaderboard", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _user_fk("advocacy_profiles", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_advocacy_profiles")),
    )


def downgrade():
    op.drop_table("advocacy_profiles")
    op.drop_index("ix_share_clicks_created_at", table_name="share_clicks")
    op.drop_table("share_clicks")
    op.drop_index("ix_share_opens_link_id_created_at", table_name="share_opens")
    op.drop_table("share_opens")
    op.drop_index("ix_share_links_user_id", table_name="share_links")
    op.drop_table("share_links")
    op.drop_table("shareables")
