"""topic counts in shards: a tag's count per place is spread over 16 rows (the post's id
modulo 16) and read as their sum, so people posting with the same busy tag at once no
longer queue on one row's lock until COMMIT (issue #16: PostgreSQL writes p99 ×3)

The counts are derived data: the table is created again with its new key, the triggers
re-created and everything recounted (a few seconds at a million posts).

Revision ID: b6d2f8a4c1e9
Revises: 5e7a9c1d3f46
Create Date: 2026-12-07 13:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b6d2f8a4c1e9"
down_revision = "5e7a9c1d3f46"
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


def _rebuild(sharded: bool) -> None:
    from socialnet.models.topics import recount_topics, topic_count_triggers

    dialect = op.get_bind().dialect.name
    for trigger in TRIGGERS.get(dialect, ()):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.drop_table("topic_counts")
    key = ["tag", "group_key", "shard"] if sharded else ["tag", "group_key"]
    shard = [sa.Column("shard", sa.Integer(), autoincrement=False, nullable=False)]
    op.create_table(
        "topic_counts",
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.Integer(), autoincrement=False, nullable=False),
        *(shard if sharded else []),
        sa.Column("posts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_topic_counts")),
    )
    for statement in (*topic_count_triggers(dialect, sharded), *recount_topics(sharded)):
        op.execute(statement)


def upgrade():
    _rebuild(sharded=True)


def downgrade():
    _rebuild(sharded=False)
