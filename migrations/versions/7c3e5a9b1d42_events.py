"""events: a post kind with its details, answers (RSVPs), reminders and calendar feeds

``posts.kind`` learns 'event'. On PostgreSQL its CHECK is dropped and created again; on
SQLite the CHECK's text is rewritten in place in ``sqlite_master`` (``writable_schema``)
rather than rebuilding ``posts`` with a batch operation, which would drop the full-text
search triggers and copy every post.

Revision ID: 7c3e5a9b1d42
Revises: d9e4c1b7a2f0
Create Date: 2026-12-05 17:11:53.493539

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c3e5a9b1d42"
down_revision = "d9e4c1b7a2f0"
branch_labels = None
depends_on = None

_KINDS_BEFORE = "kind IN ('post', 'announcement', 'poll', 'kudos', 'celebration', 'question')"
_KINDS_AFTER = (
    "kind IN ('post', 'announcement', 'poll', 'kudos', 'celebration', 'question', 'event')"
)


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


def upgrade():
    _set_post_kinds(_KINDS_BEFORE, _KINDS_AFTER)
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_table(
        "event_details",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("rsvp_closes_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("attendance_taken_at", sa.DateTime(), nullable=True),
        sa.Column("source_poll_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "capacity IS NULL OR (capacity >= 1 AND capacity <= 10000)",
            name=op.f("ck_event_details_capacity_range"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_details_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_event_details_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_poll_id"],
            ["polls.id"],
            name=op.f("fk_event_details_source_poll_id_polls"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_event_details")),
        sa.UniqueConstraint("source_poll_id", name=op.f("uq_event_details_source_poll_id")),
    )
    with op.batch_alter_table("event_details", schema=None) as batch_op:
        batch_op.create_index("ix_event_details_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "event_reminders",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('day', 'hour')", name=op.f("ck_event_reminders_kind_known")),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["event_details.post_id"],
            name=op.f("fk_event_reminders_post_id_event_details"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_reminders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", "user_id", "kind", name=op.f("pk_event_reminders")),
    )
    op.create_table(
        "event_rsvps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("waiting_position", sa.Integer(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(status = 'waiting') = (waiting_position IS NOT NULL)",
            name=op.f("ck_event_rsvps_position_when_waiting"),
        ),
        sa.CheckConstraint(
            "status IN ('going', 'maybe', 'declined', 'waiting')",
            name=op.f("ck_event_rsvps_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["event_details.post_id"],
            name=op.f("fk_event_rsvps_post_id_event_details"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_rsvps_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_rsvps")),
        sa.UniqueConstraint("post_id", "user_id", name=op.f("uq_event_rsvps_post_id_user_id")),
    )
    with op.batch_alter_table("event_rsvps", schema=None) as batch_op:
        batch_op.create_index("ix_event_rsvps_post_id_status", ["post_id", "status"], unique=False)
        batch_op.create_index("ix_event_rsvps_user_id", ["user_id"], unique=False)


def downgrade():
    op.execute("DELETE FROM posts WHERE kind = 'event'")
    with op.batch_alter_table("event_rsvps", schema=None) as batch_op:
        batch_op.drop_index("ix_event_rsvps_user_id")
        batch_op.drop_index("ix_event_rsvps_post_id_status")
    op.drop_table("event_rsvps")
    op.drop_table("event_reminders")
    with op.batch_alter_table("event_details", schema=None) as batch_op:
        batch_op.drop_index("ix_event_details_starts_at")
    op.drop_table("event_details")
    op.drop_table("calendar_feeds")
    _set_post_kinds(_KINDS_AFTER, _KINDS_BEFORE)
