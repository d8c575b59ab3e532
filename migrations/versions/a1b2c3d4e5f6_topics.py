"""topics: hashtag pages with a description and merges, and people following topics

Revision ID: a1b2c3d4e5f6
Revises: f8d3b0e52c47
Create Date: 2026-12-04 17:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a1b2c3d4e5f6"
down_revision = "f8d3b0e52c47"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "topics",
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("merged_into", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "merged_into IS NULL OR merged_into <> tag", name=op.f("ck_topics_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into"],
            ["topics.tag"],
            name=op.f("fk_topics_merged_into_topics"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("tag", name=op.f("pk_topics")),
    )
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topics_merged_into"), ["merged_into"], unique=False)
    op.create_table(
        "topic_follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_topic_follows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "tag", name=op.f("pk_topic_follows")),
    )
    with op.batch_alter_table("topic_follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_follows_tag"), ["tag"], unique=False)


def downgrade():
    with op.batch_alter_table("topic_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_follows_tag"))
    op.drop_table("topic_follows")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topics_merged_into"))
    op.drop_table("topics")
