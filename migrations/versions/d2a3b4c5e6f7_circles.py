"""peer-learning circles: circles, topics and votes, sessions, attendance, syntheses

``posts.kind`` learns 'synthesis' the way 7c3e5a9b1d42 taught it 'event': on PostgreSQL
the CHECK is dropped and created again; on SQLite its text is rewritten in place in
``sqlite_master``, so ``posts`` (and its search triggers) is not rebuilt.

Revision ID: d2a3b4c5e6f7
Revises: 5a1c3e7b9d20
Create Date: 2026-12-05 22:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2a3b4c5e6f7"
down_revision = "f4c5d6e7a8b9"
branch_labels = None
depends_on = None

#: The post kinds before and after this migration (the lead re-chains "before" at merge).
_KINDS = ("post", "announcement", "poll", "kudos", "celebration", "question", "event")
_ADDED = ("synthesis",)


def _kinds_check(kinds) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _set_post_kinds(old: str, new: str) -> None:
    """Replace the ``ck_posts_kind_known`` condition ``old`` by ``new``."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_posts_kind_known"), "posts", type_="check")
        op.create_check_constraint(op.f("ck_posts_kind_known"), "posts", new)
        return
    select_sql = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'posts'"
    sql = bind.exec_driver_sql(select_sql).scalar()
    if f"CHECK ({old})" not in sql:
        raise RuntimeError("posts.kind's CHECK is not the one this migration expects")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'posts'",
        (sql.replace(f"CHECK ({old})", f"CHECK ({new})"),),
    )
    # a new schema cookie makes every connection (this one too) re-read the schema
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _user_fk(table: str, column: str, ondelete: str = "SET NULL"):
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def upgrade():
    _set_post_kinds(_kinds_check(_KINDS), _kinds_check(_KINDS + _ADDED))
    op.create_table(
        "circles",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("facilitator_id", sa.Integer(), nullable=True),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'fortnightly', 'monthly', 'quarterly')",
            name=op.f("ck_circles_cadence_known"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_circles_group_id_groups"), ondelete="CASCADE"
        ),
        _user_fk("circles", "facilitator_id"),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_circles")),
    )
    op.create_index(op.f("ix_circles_facilitator_id"), "circles", ["facilitator_id"])
    op.create_table(
        "circle_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("picked_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'picked', 'held')", name=op.f("ck_circle_topics_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circles.group_id"],
            name=op.f("fk_circle_topics_circle_id_circles"),
            ondelete="CASCADE",
        ),
        _user_fk("circle_topics", "proposed_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_topics")),
    )
    op.create_index("ix_circle_topics_circle_id_status", "circle_topics", ["circle_id", "status"])
    op.create_table(
        "circle_topic_votes",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["circle_topics.id"],
            name=op.f("fk_circle_topic_votes_topic_id_circle_topics"),
            ondelete="CASCADE",
        ),
        _user_fk("circle_topic_votes", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("topic_id", "user_id", name=op.f("pk_circle_topic_votes")),
    )
    op.create_index(op.f("ix_circle_topic_votes_user_id"), "circle_topic_votes", ["user_id"])
    op.create_table(
        "circle_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("event_post_id", sa.Integer(), nullable=False),
        sa.Column("presenter_id", sa.Integer(), nullable=True),
        sa.Column("scribe_id", sa.Integer(), nullable=True),
        sa.Column("attendance_taken_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["circle_id"],
            ["circles.group_id"],
            name=op.f("fk_circle_sessions_circle_id_circles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["circle_topics.id"],
            name=op.f("fk_circle_sessions_topic_id_circle_topics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_post_id"],
            ["posts.id"],
            name=op.f("fk_circle_sessions_event_post_id_posts"),
            ondelete="CASCADE",
        ),
        _user_fk("circle_sessions", "presenter_id"),
        _user_fk("circle_sessions", "scribe_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_circle_sessions")),
        sa.UniqueConstraint("event_post_id", name=op.f("uq_circle_sessions_event_post_id")),
    )
    op.create_index(op.f("ix_circle_sessions_circle_id"), "circle_sessions", ["circle_id"])
    op.create_table(
        "circle_attendances",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_sessions.id"],
            name=op.f("fk_circle_attendances_session_id_circle_sessions"),
            ondelete="CASCADE",
        ),
        _user_fk("circle_attendances", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_circle_attendances")),
    )
    op.create_table(
        "circle_syntheses",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("what_was_done", sa.Text(), nullable=False),
        sa.Column("what_worked", sa.Text(), nullable=False),
        sa.Column("tips", sa.Text(), nullable=False),
        sa.Column("open_questions", sa.Text(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("shared_post_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=True),
        sa.Column("shared_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["circle_sessions.id"],
            name=op.f("fk_circle_syntheses_session_id_circle_sessions"),
            ondelete="CASCADE",
        ),
        _user_fk("circle_syntheses", "author_id"),
        _user_fk("circle_syntheses", "shared_by_id"),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_circle_syntheses_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shared_post_id"],
            ["posts.id"],
            name=op.f("fk_circle_syntheses_shared_post_id_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_circle_syntheses")),
        sa.UniqueConstraint("post_id", name=op.f("uq_circle_syntheses_post_id")),
        sa.UniqueConstraint("shared_post_id", name=op.f("uq_circle_syntheses_shared_post_id")),
    )


def downgrade():
    op.execute("DELETE FROM notifications WHERE type IN ('synthesis_due', 'synthesis_late')")
    op.drop_table("circle_syntheses")
    op.drop_table("circle_attendances")
    op.drop_index(op.f("ix_circle_sessions_circle_id"), table_name="circle_sessions")
    op.drop_table("circle_sessions")
    op.drop_index(op.f("ix_circle_topic_votes_user_id"), table_name="circle_topic_votes")
    op.drop_table("circle_topic_votes")
    op.drop_index("ix_circle_topics_circle_id_status", table_name="circle_topics")
    op.drop_table("circle_topics")
    op.drop_index(op.f("ix_circles_facilitator_id"), table_name="circles")
    op.drop_table("circles")
    op.execute("DELETE FROM posts WHERE kind = 'synthesis'")
    _set_post_kinds(_kinds_check(_KINDS + _ADDED), _kinds_check(_KINDS))
