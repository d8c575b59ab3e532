"""pain-point register and feedback summaries: two post kinds, the register's rows, votes
and followers, and the sections of a feedback summary

``posts.kind`` learns 'pain_point' and 'feedback' without rebuilding ``posts`` (the way 7c3e5a9b1d42
does: PostgreSQL drops and re-creates the CHECK; SQLite rewrites its text in place).

Revision ID: e3b4c5d6f7a8
Revises: 5a1c3e7b9d20
Create Date: 2026-12-05 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3b4c5d6f7a8"
down_revision = "d2a3b4c5e6f7"
branch_labels = None
depends_on = None

#: The post kinds before this revision (the lead adjusts it when revisions are chained).
POST_KINDS_BEFORE = (
    "post",
    "announcement",
    "poll",
    "kudos",
    "celebration",
    "question",
    "event",
    "synthesis",
)
#: The sections of a feedback summary (``models.knowledge.FEEDBACK_SECTIONS``).
FEEDBACK_SECTIONS = ("context", "what_worked", "what_did_not", "lessons", "next_steps")
#: The kinds this revision adds.
POST_KINDS_ADDED = ("pain_point", "feedback")


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


def _people_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["pain_points.post_id"],
            name=op.f(f"fk_{name}_post_id_pain_points"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{name}_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "user_id", name=op.f(f"pk_{name}")),
    )
    op.create_index(f"ix_{name}_user_id", name, ["user_id"])


def upgrade():
    _set_post_kinds(
        _kinds_check(POST_KINDS_BEFORE), _kinds_check(POST_KINDS_BEFORE + POST_KINDS_ADDED)
    )
    op.create_table(
        "pain_points",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("department", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("minutes_per_week", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'solved', 'wont_fix')",
            name=op.f("ck_pain_points_status_known"),
        ),
        sa.CheckConstraint(
            "minutes_per_week IS NULL OR (minutes_per_week >= 0 AND minutes_per_week <= 2400)",
            name=op.f("ck_pain_points_minutes_range"),
        ),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> post_id",
            name=op.f("ck_pain_points_not_self"),
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_pain_points_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_pain_points_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["posts.id"],
            name=op.f("fk_pain_points_merged_into_id_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_pain_points")),
    )
    op.create_index("ix_pain_points_status", "pain_points", ["status"])
    op.create_index("ix_pain_points_merged_into_id", "pain_points", ["merged_into_id"])
    _people_table("pain_point_votes")
    op.create_index(
        "ix_pain_point_votes_post_id_created_at", "pain_point_votes", ["post_id", "created_at"]
    )
    _people_table("pain_point_followers")
    op.create_table(
        "feedback_summaries",
        sa.Column("post_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in FEEDBACK_SECTIONS),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_feedback_summaries_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("post_id", name=op.f("pk_feedback_summaries")),
    )


def downgrade():
    op.drop_table("feedback_summaries")
    op.drop_table("pain_point_followers")
    op.drop_table("pain_point_votes")
    op.drop_table("pain_points")
    op.execute(
        "DELETE FROM posts WHERE kind IN (" + ", ".join(f"'{k}'" for k in POST_KINDS_ADDED) + ")"
    )
    _set_post_kinds(
        _kinds_check(POST_KINDS_BEFORE + POST_KINDS_ADDED), _kinds_check(POST_KINDS_BEFORE)
    )
