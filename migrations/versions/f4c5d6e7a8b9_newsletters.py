"""newsletters: issues, their sections and items, recipients (the send claim, opens) and
clicks; the editorial calendar's items

Revision ID: f4c5d6e7a8b9
Revises: 5a1c3e7b9d20
Create Date: 2026-12-05 21:53:41.914866

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4c5d6e7a8b9"
down_revision = "b8a9c0d1e2f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "newsletters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("intro_html", sa.Text(), nullable=False),
        sa.Column("audience_kind", sa.String(length=16), nullable=False),
        sa.Column("audience_value", sa.String(length=120), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("publish_at", sa.DateTime(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "audience_kind IN ('company', 'site', 'department', 'group')",
            name=op.f("ck_newsletters_audience_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')",
            name=op.f("ck_newsletters_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_newsletters_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_newsletters_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletters")),
    )
    op.create_index("ix_newsletters_author_id", "newsletters", ["author_id"])
    op.create_index("ix_newsletters_status_publish_at", "newsletters", ["status", "publish_at"])

    op.create_table(
        "newsletter_recipients",
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("items_sent", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("open_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_recipients_newsletter_id_newsletters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_newsletter_recipients_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("newsletter_id", "user_id", name=op.f("pk_newsletter_recipients")),
    )
    op.create_index(
        "ix_newsletter_recipients_user_id", "newsletter_recipients", ["user_id", "newsletter_id"]
    )

    op.create_table(
        "newsletter_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_html", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_sections_newsletter_id_newsletters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_sections")),
        sa.UniqueConstraint(
            "newsletter_id", "position", name=op.f("uq_newsletter_sections_newsletter_id_position")
        ),
    )
    op.create_table(
        "newsletter_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_items_newsletter_id_newsletters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_newsletter_items_post_id_posts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["newsletter_sections.id"],
            name=op.f("fk_newsletter_items_section_id_newsletter_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_items")),
        sa.UniqueConstraint(
            "newsletter_id", "post_id", name=op.f("uq_newsletter_items_newsletter_id_post_id")
        ),
    )
    op.create_index("ix_newsletter_items_post_id", "newsletter_items", ["post_id"])
    op.create_index("ix_newsletter_items_section_id", "newsletter_items", ["section_id"])

    op.create_table(
        "newsletter_clicks",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("newsletter_id", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["newsletter_items.id"],
            name=op.f("fk_newsletter_clicks_item_id_newsletter_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["newsletter_id"],
            ["newsletters.id"],
            name=op.f("fk_newsletter_clicks_newsletter_id_newsletters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_newsletter_clicks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "user_id", name=op.f("pk_newsletter_clicks")),
    )
    op.create_index("ix_newsletter_clicks_newsletter_id", "newsletter_clicks", ["newsletter_id"])

    op.create_table(
        "editorial_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("publish_at", sa.DateTime(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_value", sa.String(length=120), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('idea', 'assigned', 'draft', 'scheduled', 'published', 'dropped')",
            name=op.f("ck_editorial_items_status_known"),
        ),
        sa.CheckConstraint(
            "target_kind IN ('company', 'site', 'department', 'group')",
            name=op.f("ck_editorial_items_target_known"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_editorial_items_assignee_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_editorial_items_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_editorial_items_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editorial_items")),
    )
    op.create_index("ix_editorial_items_assignee_id", "editorial_items", ["assignee_id"])
    op.create_index("ix_editorial_items_due_at", "editorial_items", ["due_at"])
    op.create_index("ix_editorial_items_publish_at", "editorial_items", ["publish_at"])


def downgrade():
    op.drop_index("ix_editorial_items_publish_at", table_name="editorial_items")
    op.drop_index("ix_editorial_items_due_at", table_name="editorial_items")
    op.drop_index("ix_editorial_items_assignee_id", table_name="editorial_items")
    op.drop_table("editorial_items")
    op.drop_index("ix_newsletter_clicks_newsletter_id", table_name="newsletter_clicks")

    op.drop_table("newsletter_clicks")
    op.drop_index("ix_newsletter_items_section_id", table_name="newsletter_items")
    op.drop_index("ix_newsletter_items_post_id", table_name="newsletter_items")

    op.drop_table("newsletter_items")
    op.drop_table("newsletter_sections")
    op.drop_index("ix_newsletter_recipients_user_id", table_name="newsletter_recipients")

    op.drop_table("newsletter_recipients")
    op.drop_index("ix_newsletters_status_publish_at", table_name="newsletters")
    op.drop_index("ix_newsletters_author_id", table_name="newsletters")

    op.drop_table("newsletters")
