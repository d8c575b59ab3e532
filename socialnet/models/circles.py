"""Peer-learning circles: a small secret group with a facilitator and a rhythm, the topics
its members propose and vote for, its sessions (each an event in the circle's group), who
came, and the synthesis the scribe owes the day after.

A circle *is* a group (``circles.group_id`` is its id): membership, visibility (a secret
group: a 404 to outsiders), rooms and posts are the group's. The session's event and the
synthesis are posts in that group, so they are exactly as private as the circle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: How often a circle meets.
CADENCES: tuple[str, ...] = ("weekly", "fortnightly", "monthly", "quarterly")
TOPIC_STATUSES: tuple[str, ...] = ("proposed", "picked", "held")
#: The structured form of a synthesis, in the order it reads.
SYNTHESIS_SECTIONS: tuple[str, ...] = (
    "context",
    "what_was_done",
    "what_worked",
    "tips",
    "open_questions",
)
TOPIC_TITLE_MAX = 200
TOPIC_DESCRIPTION_MAX = 2000
SECTION_MAX = 5000


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Circle(db.Model):
    """The circle part of a group: who facilitates it and how often it meets."""

    __tablename__ = "circles"
    __table_args__ = (CheckConstraint(f"cadence IN ({_in(CADENCES)})", name="cadence_known"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    cadence: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CircleTopic(db.Model):
    """A topic a member proposed. ``proposed`` → ``picked`` (the facilitator's choice for
    the next session) → ``held`` (a session was planned on it)."""

    __tablename__ = "circle_topics"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(TOPIC_STATUSES)})", name="status_known"),
        Index("ix_circle_topics_circle_id_status", "circle_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.group_id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TOPIC_TITLE_MAX))
    description: Mapped[str] = mapped_column(String(TOPIC_DESCRIPTION_MAX), default="")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    picked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CircleTopicVote(db.Model):
    """One member's vote for one topic: the primary key makes it once."""

    __tablename__ = "circle_topic_votes"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("circle_topics.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CircleSession(db.Model):
    """A meeting of the circle on a topic: its event (a post in the circle's group) holds
    the time; the presenter presents, the scribe owes the synthesis.

    ``reminded_at`` / ``escalated_at`` are claimed by the job loop with ``UPDATE … WHERE
    … IS NULL``, so the scribe's reminder and the facilitator's escalation go once each.
    """

    __tablename__ = "circle_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(
        ForeignKey("circles.group_id", ondelete="CASCADE"), index=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("circle_topics.id", ondelete="CASCADE"))
    event_post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), unique=True
    )
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scribe_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attendance_taken_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CircleAttendance(db.Model):
    """Whether one member came to one session (recorded by the facilitator)."""

    __tablename__ = "circle_attendances"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("circle_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    attended: Mapped[bool]


class CircleSynthesis(db.Model):
    """The synthesis of a session, in its structured form; one per session (the primary
    key: a second publication is a 409). ``post_id`` is its post in the circle;
    ``shared_post_id`` its copy in the company space (the knowledge base) once shared."""

    __tablename__ = "circle_syntheses"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("circle_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    context: Mapped[str] = mapped_column(Text, default="")
    what_was_done: Mapped[str] = mapped_column(Text, default="")
    what_worked: Mapped[str] = mapped_column(Text, default="")
    tips: Mapped[str] = mapped_column(Text, default="")
    open_questions: Mapped[str] = mapped_column(Text, default="")
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    shared_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), unique=True
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    shared_at: Mapped[datetime | None]
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
