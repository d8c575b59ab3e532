"""manager cascades: briefings, the managers briefed (read, relayed, reminded) and the Q&A

Revision ID: 8d2e3f4a5b61
Revises: e3b4c5d6f7a8
Create Date: 2026-12-06 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d2e3f4a5b61"
down_revision = "e3b4c5d6f7a8"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str, ondelete: str = "SET NULL") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def upgrade():
    op.create_table(
        "briefings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("key_messages", sa.JSON(), nullable=False),
        sa.Column("talking_points", sa.Text(), nullable=False),
        sa.Column("embargo_at", sa.DateTime(), nullable=False),
        sa.Column("audience_kind", sa.String(length=16), nullable=False),
        sa.Column("audience_value", sa.String(length=120), nullable=False),
        sa.Column("remind_after_hours", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "audience_kind IN ('managers', 'site', 'department')",
            name=op.f("ck_briefings_audience_kind_known"),
        ),
        sa.CheckConstraint(
            "remind_after_hours >= 1 AND remind_after_hours <= 168",
            name=op.f("ck_briefings_remind_after_hours_range"),
        ),
        _user_fk("briefings", "author_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefings")),
    )
    op.create_index(op.f("ix_briefings_author_id"), "briefings", ["author_id"])
    op.create_table(
        "briefing_recipients",
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("relayed_at", sa.DateTime(), nullable=True),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name=op.f("fk_briefing_recipients_briefing_id_briefings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_briefing_recipients_announcement_id_announcements"),
            ondelete="SET NULL",
        ),
        _user_fk("briefing_recipients", "manager_id", "CASCADE"),
        sa.PrimaryKeyConstraint("briefing_id", "manager_id", name=op.f("pk_briefing_recipients")),
        sa.UniqueConstraint("announcement_id", name=op.f("uq_briefing_recipients_announcement_id")),
    )
    op.create_index(
        "ix_briefing_recipients_manager_id", "briefing_recipients", ["manager_id", "briefing_id"]
    )
    op.create_table(
        "briefing_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("briefing_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=2000), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("relay_manager_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["briefing_id"],
            ["briefings.id"],
            name=op.f("fk_briefing_questions_briefing_id_briefings"),
            ondelete="CASCADE",
        ),
        _user_fk("briefing_questions", "asked_by_id", "CASCADE"),
        _user_fk("briefing_questions", "relay_manager_id"),
        _user_fk("briefing_questions", "answered_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_briefing_questions")),
    )
    op.create_index(
        "ix_briefing_questions_briefing_id", "briefing_questions", ["briefing_id", "id"]
    )
    op.create_index(
        op.f("ix_briefing_questions_asked_by_id"), "briefing_questions", ["asked_by_id"]
    )


def downgrade():
    op.execute(
        "DELETE FROM notifications WHERE type IN "
        "('briefing', 'briefing_reminder', 'briefing_answered')"
    )
    op.drop_index(op.f("ix_briefing_questions_asked_by_id"), table_name="briefing_questions")
    op.drop_index("ix_briefing_questions_briefing_id", table_name="briefing_questions")
    op.drop_table("briefing_questions")
    op.drop_index("ix_briefing_recipients_manager_id", table_name="briefing_recipients")
    op.drop_table("briefing_recipients")
    op.drop_index(op.f("ix_briefings_author_id"), table_name="briefings")
    op.drop_table("briefings")
