"""Onboarding journeys: templates written by HR, and each new joiner's journey.

A template's steps are kept as a JSON list (they are edited as a whole, and checked by
``services.onboarding.templates``). A journey *copies* its template's steps when it starts
(:class:`OnboardingStep` rows), so editing or deleting a template never rewrites the
journeys already under way; each copied step carries its due day, its completion and
``reminded_at`` (claimed once by the job loop: one reminder per step).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: What a step asks the new joiner to do.
STEP_ACTIONS: tuple[str, ...] = ("none", "link", "group", "person", "question")
#: How the buddy was chosen: by the manager (or HR), suggested, or nobody could be found.
BUDDY_SOURCES: tuple[str, ...] = ("chosen", "suggested", "none")
TEMPLATE_NAME_MAX = 120
STEP_TITLE_MAX = 200
STEP_DESCRIPTION_MAX = 2000
STEP_URL_MAX = 500
QUESTION_MAX = 300
ANSWER_MAX = 5000
STEPS_MAX = 50
DAY_OFFSET_MAX = 365


class OnboardingTemplate(db.Model):
    """A journey template: its steps (JSON, see module doc), the final feedback question,
    whether answers are anonymous, and the group where answers become lessons learned
    (``None``: the company space)."""

    __tablename__ = "onboarding_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    feedback_question: Mapped[str] = mapped_column(String(QUESTION_MAX), default="")
    anonymous_feedback: Mapped[bool] = mapped_column(default=False)
    feedback_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OnboardingJourney(db.Model):
    """One person's journey (one per person). ``completed_at``: every step done.

    When the feedback is anonymous, nothing here links the person to their answer:
    ``feedback_post_id`` stays empty and ``feedback_answered_at`` holds the start of the
    company's day, like the post's ``created_at`` (no second to match them by)."""

    __tablename__ = "onboarding_journeys"
    __table_args__ = (
        CheckConstraint(
            "buddy_source IN ('chosen', 'suggested', 'none')", name="buddy_source_known"
        ),
        CheckConstraint("buddy_id IS NULL OR buddy_id <> user_id", name="buddy_not_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("onboarding_templates.id", ondelete="SET NULL"), index=True
    )
    template_name: Mapped[str] = mapped_column(String(TEMPLATE_NAME_MAX))
    hire_date: Mapped[date]
    buddy_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    buddy_source: Mapped[str] = mapped_column(String(16), default="none")
    #: When the buddy last changed because the previous one was deactivated.
    buddy_replaced_at: Mapped[datetime | None]
    feedback_question: Mapped[str] = mapped_column(String(QUESTION_MAX), default="")
    anonymous_feedback: Mapped[bool] = mapped_column(default=False)
    feedback_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("groups.id", ondelete="SET NULL")
    )
    feedback_answered_at: Mapped[datetime | None]
    feedback_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class OnboardingStep(db.Model):
    """A step of a journey, copied from its template; due on ``hire_date + day_offset``."""

    __tablename__ = "onboarding_steps"
    __table_args__ = (
        UniqueConstraint("journey_id", "position"),
        CheckConstraint("day_offset >= 0", name="day_offset_not_negative"),
        CheckConstraint(
            "action IN ('none', 'link', 'group', 'person', 'question')", name="action_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(
        ForeignKey("onboarding_journeys.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    day_offset: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(STEP_TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(String(16), default="none")
    url: Mapped[str | None] = mapped_column(String(STEP_URL_MAX))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question: Mapped[str | None] = mapped_column(String(QUESTION_MAX))
    answer: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    #: Set once, by the pass of the job loop that sends the overdue reminder.
    reminded_at: Mapped[datetime | None]
