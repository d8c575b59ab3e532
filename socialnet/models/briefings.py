"""Manager cascades: a briefing the communication team sends to managers before news goes
out, which each manager then relays to their reporting line as an announcement.

A :class:`Briefing` is written (draft) then sent once; sending copies its audience of
managers into :class:`BriefingRecipient` rows (one per manager, the primary key), so the
cascade's figures are COUNTs and later org-chart changes do not rewrite who was briefed.
A recipient row records when the manager read the briefing, relayed it (the
announcement it became) and was reminded — each claimed with ``UPDATE … WHERE … IS NULL``
so nothing happens twice. :class:`BriefingQuestion` holds the Q&A: the team's own
entries (``asked_by_id`` empty) and questions raised by the teams on a relay, which the
team answers.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

BRIEFING_TITLE_MAX = 200
KEY_MESSAGE_MAX = 500
KEY_MESSAGES_MAX = 10
TALKING_POINTS_MAX = 10_000
QA_TEXT_MAX = 2000
QA_MAX = 30
#: Hours after the embargo before a manager who has not relayed is reminded.
REMIND_AFTER_HOURS_DEFAULT = 24
REMIND_AFTER_HOURS_MAX = 168


class BriefingAudience(StrEnum):
    MANAGERS = "managers"
    SITE = "site"
    DEPARTMENT = "department"


BRIEFING_AUDIENCES: tuple[str, ...] = tuple(a.value for a in BriefingAudience)


class Briefing(db.Model):
    """What managers must know before the news is out: key messages, talking points, a Q&A
    and the embargo (the moment they may relay it). ``sent_at`` empty: a draft."""

    __tablename__ = "briefings"
    __table_args__ = (
        CheckConstraint(
            "audience_kind IN ('managers', 'site', 'department')", name="audience_kind_known"
        ),
        CheckConstraint(
            f"remind_after_hours >= 1 AND remind_after_hours <= {REMIND_AFTER_HOURS_MAX}",
            name="remind_after_hours_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(BRIEFING_TITLE_MAX))
    key_messages: Mapped[list[str]] = mapped_column(JSON, default=list)
    talking_points: Mapped[str] = mapped_column(Text, default="")
    embargo_at: Mapped[datetime]
    audience_kind: Mapped[str] = mapped_column(String(16), default="managers")
    audience_value: Mapped[str] = mapped_column(String(120), default="")
    remind_after_hours: Mapped[int] = mapped_column(default=REMIND_AFTER_HOURS_DEFAULT)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BriefingRecipient(db.Model):
    """One manager a sent briefing addresses, and how far they took it."""

    __tablename__ = "briefing_recipients"
    __table_args__ = (Index("ix_briefing_recipients_manager_id", "manager_id", "briefing_id"),)

    briefing_id: Mapped[int] = mapped_column(
        ForeignKey("briefings.id", ondelete="CASCADE"), primary_key=True
    )
    manager_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    read_at: Mapped[datetime | None]
    relayed_at: Mapped[datetime | None]
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id", ondelete="SET NULL"), unique=True
    )
    reminded_at: Mapped[datetime | None]


class BriefingQuestion(db.Model):
    """An entry of a briefing's Q&A: written by the team with its answer, or asked by
    someone on a manager's relay (``asked_by_id``, ``relay_manager_id``) and answered later."""

    __tablename__ = "briefing_questions"
    __table_args__ = (Index("ix_briefing_questions_briefing_id", "briefing_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    briefing_id: Mapped[int] = mapped_column(ForeignKey("briefings.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(QA_TEXT_MAX))
    answer: Mapped[str | None] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    relay_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
