"""topic counts: per hashtag and place (group, 0 for the company), how many posts every
reader of that place may see, kept exact by triggers, so topic type-ahead sums a few rows
instead of counting every visible use of a busy tag (issue #13's 50 ms at 1M posts)

Revision ID: 8d4f6b0c2e53
Revises: d9e4c1b7a2f0
Create Date: 2026-12-05 17:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d4f6b0c2e53"
down_revision = "7c3e5a9b1d42"
branch_labels = None
depends_on = None

TRIGGERS = {
    "sqlite": (
        "trg_post_hashtags_topic_counts_ins",
        "trg_post_hashtags_topic_counts_del",
        "trg_post_hashtags_topic_counts_upd",
        "trg_posts_topic_counts_upd",
        "trg_posts_topic_counts_del",
    ),
    "postgresql": (
        "trg_post_hashtags_topic_counts ON post_hashtags",
        "trg_posts_topic_counts_upd ON posts",
        "trg_posts_topic_counts_del ON posts",
    ),
}


def upgrade():
    # The models' DDL (the same statements db.create_all runs), so both stay in step.
    # (unsharded: the form of this revision; b6d2f8a4c1e9 shards the counts)
    from socialnet.models.topics import recount_topics, topic_count_triggers

    op.create_table(
        "topic_counts",
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tag", "group_key", name=op.f("pk_topic_counts")),
    )
    dialect = op.get_bind().dialect.name
    for statement in (*topic_count_triggers(dialect, sharded=False), *recount_topics(False)):
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for trigger in TRIGGERS.get(dialect, ()):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS topic_counts_tag()")
        op.execute("DROP FUNCTION IF EXISTS topic_counts_post()")
    op.drop_table("topic_counts")
