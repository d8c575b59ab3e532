"""Notifications and per-user mutes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class NotificationType(StrEnum):
    MENTIONED = "mentioned"
    GROUP_MENTIONED = "group_mentioned"  # a member of a group you belong to @mentioned it
    REPLIED = "replied"
    REACTED = "reacted"
    JOIN_REQUESTED = "join_requested"
    REQUEST_APPROVED = "request_approved"
    INVITED = "invited"
    ANNOUNCEMENT = "announcement"
    POLL_DECIDED = "poll_decided"
    KUDOS = "kudos"
    CELEBRATED = "celebrated"
    BEST_ANSWER = "best_answer"  # your answer was chosen as a question's best answer
    MODERATION = "moderation"  # an action on your content or account, with its message
    EVENT_PROMOTED = "event_promoted"  # a seat freed up: off the waiting list, going
    EVENT_CHANGED = "event_changed"  # an event you answered changed (what, in ``text``)
    EVENT_CANCELLED = "event_cancelled"  # an event you answered was cancelled
    EVENT_REMINDER = "event_reminder"  # an event you go to starts tomorrow / in an hour
    EVENT_INVITED = "event_invited"  # invited (a date poll you said yes to became an event)
    EVENT_MESSAGE = "event_message"  # the organisers wrote to the attendees
    PAIN_POINT_STATUS = "pain_point_status"  # a pain point you voted for or follow moved on
    PAIN_POINT_MERGED = "pain_point_merged"  # ... was merged into another (your vote moved)
    ADDED = "added"  # a group admin added you to their group directly
    SYNTHESIS_DUE = "synthesis_due"  # scribe: the synthesis of yesterday's session is due
    SYNTHESIS_LATE = "synthesis_late"  # facilitator: a session's synthesis is late
    BRIEFING = "briefing"  # manager: the communication team sent you a briefing
    BRIEFING_REMINDER = "briefing_reminder"  # manager: a briefing is still to relay
    BRIEFING_ANSWERED = "briefing_answered"  # your question on a briefing was answered
    EDITORIAL_DUE = "editorial_due"  # assignee: an editorial item is due within a day
    EDITORIAL_LATE = "editorial_late"  # communication team: the week's late items
    ONBOARDING_STEP_OVERDUE = "onboarding_step_overdue"  # a step of your journey is overdue


NOTIFICATION_TYPES: tuple[str, ...] = tuple(t.value for t in NotificationType)
#: What a person may turn off: everything but moderation notices (what they may appeal).
MUTABLE_NOTIFICATION_TYPES: tuple[str, ...] = tuple(
    t for t in NOTIFICATION_TYPES if t != NotificationType.MODERATION.value
)


class Notification(db.Model):
    """One line in a person's notification centre.

    Reactions on one post are grouped into one unread row whose ``count``
    grows and whose ``actor_id`` is the latest reactor ("Ana and 4 others").
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_id", "user_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(default=1)
    #: The detail as worded when written (company language): the fallback of ``params``.
    text: Mapped[str] = mapped_column(Text, default="")
    #: What happened, as data (``system_text.notification_text`` words it when read):
    #: a celebration's occasion, a reminder's title, a moderation notice's action and
    #: message, the comment whose words a "commented" notification previews…
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class NotificationMute(db.Model):
    __tablename__ = "notification_mutes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    type: Mapped[str] = mapped_column(String(32), primary_key=True)
