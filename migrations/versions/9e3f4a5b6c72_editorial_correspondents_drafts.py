"""editorial calendar, second part: correspondents and their space, items' drafts
(post, publication claim, reminder claim), the weekly summaries of late items; the
newsletters' unsubscribed readers

Revision ID: 9e3f4a5b6c72
Revises: 8d2e3f4a5b61
Create Date: 2026-12-06 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9e3f4a5b6c72"
down_revision = "8d2e3f4a5b61"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "correspondents",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("scope_value", sa.String(length=120), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "scope_kind IN ('site', 'department')",
            name=op.f("ck_correspondents_scope_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_correspondents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_correspondents_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_correspondents")),
    )
    op.create_table(
        "correspondent_spaces",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_correspondent_spaces_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_correspondent_spaces")),
    )
    op.create_table(
        "editorial_summaries",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("late_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_editorial_summaries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "week_start", name=op.f("pk_editorial_summaries")),
    )
    op.create_table(
        "newsletter_opt_outs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_newsletter_opt_outs_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_newsletter_opt_outs")),
    )
    with op.batch_alter_table("editorial_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_editorial_items_post_id"), ["post_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_editorial_items_post_id_posts"),
            "posts",
            ["post_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("editorial_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_editorial_items_post_id_posts"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_editorial_items_post_id"))
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("published_at")
        batch_op.drop_column("post_id")
    # drafts never published go with the calendar that held them
    op.execute("UPDATE posts SET deleted_at = CURRENT_TIMESTAMP, moderation_state = 'removed' "
               "WHERE moderation_state = 'draft'")
    op.drop_table("newsletter_opt_outs")
    op.drop_table("editorial_summaries")
    op.drop_table("correspondent_spaces")
    op.drop_table("correspondents")
