"""onboarding journeys: templates, journeys and their steps

Revision ID: 7c1d2e3f4a50
Revises: 9e3f4a5b6c72
Create Date: 2026-12-06 03:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1d2e3f4a50"
down_revision = "9e3f4a5b6c72"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "onboarding_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("feedback_question", sa.String(length=300), nullable=False),
        sa.Column("anonymous_feedback", sa.Boolean(), nullable=False),
        sa.Column("feedback_group_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_group_id"],
            ["groups.id"],
            name=op.f("fk_onboarding_templates_feedback_group_id_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_onboarding_templates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_templates")),
    )
    op.create_table(
        "onboarding_journeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("template_name", sa.String(length=120), nullable=False),
        sa.Column("hire_date", sa.Date(), nullable=False),
        sa.Column("buddy_id", sa.Integer(), nullable=True),
        sa.Column("buddy_source", sa.String(length=16), nullable=False),
        sa.Column("buddy_replaced_at", sa.DateTime(), nullable=True),
        sa.Column("feedback_question", sa.String(length=300), nullable=False),
        sa.Column("anonymous_feedback", sa.Boolean(), nullable=False),
        sa.Column("feedback_group_id", sa.Integer(), nullable=True),
        sa.Column("feedback_answered_at", sa.DateTime(), nullable=True),
        sa.Column("feedback_post_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "buddy_source IN ('chosen', 'suggested', 'none')",
            name=op.f("ck_onboarding_journeys_buddy_source_known"),
        ),
        sa.CheckConstraint(
            "buddy_id IS NULL OR buddy_id <> user_id",
            name=op.f("ck_onboarding_journeys_buddy_not_self"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_onboarding_journeys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["onboarding_templates.id"],
            name=op.f("fk_onboarding_journeys_template_id_onboarding_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["buddy_id"],
            ["users.id"],
            name=op.f("fk_onboarding_journeys_buddy_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["feedback_group_id"],
            ["groups.id"],
            name=op.f("fk_onboarding_journeys_feedback_group_id_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["feedback_post_id"],
            ["posts.id"],
            name=op.f("fk_onboarding_journeys_feedback_post_id_posts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_journeys")),
    )
    op.create_index(
        op.f("ix_onboarding_journeys_user_id"), "onboarding_journeys", ["user_id"], unique=True
    )
    op.create_index(
        op.f("ix_onboarding_journeys_template_id"), "onboarding_journeys", ["template_id"]
    )
    op.create_index(op.f("ix_onboarding_journeys_buddy_id"), "onboarding_journeys", ["buddy_id"])
    op.create_table(
        "onboarding_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("day_offset", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.String(length=300), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "day_offset >= 0", name=op.f("ck_onboarding_steps_day_offset_not_negative")
        ),
        sa.CheckConstraint(
            "action IN ('none', 'link', 'group', 'person', 'question')",
            name=op.f("ck_onboarding_steps_action_known"),
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["onboarding_journeys.id"],
            name=op.f("fk_onboarding_steps_journey_id_onboarding_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_onboarding_steps_group_id_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_onboarding_steps_person_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_steps")),
        sa.UniqueConstraint(
            "journey_id", "position", name=op.f("uq_onboarding_steps_journey_id_position")
        ),
    )
    op.create_index(op.f("ix_onboarding_steps_journey_id"), "onboarding_steps", ["journey_id"])
    op.create_index(op.f("ix_onboarding_steps_due_on"), "onboarding_steps", ["due_on"])


def downgrade():
    op.execute("DELETE FROM notifications WHERE type = 'onboarding_step_overdue'")
    op.execute("DELETE FROM notification_mutes WHERE type = 'onboarding_step_overdue'")
    op.drop_table("onboarding_steps")
    op.drop_table("onboarding_journeys")
    op.drop_table("onboarding_templates")
