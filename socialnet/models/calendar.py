"""Events (a post kind): their details, answers (RSVPs), reminders and calendar feeds.

The model module is ``calendar`` because :mod:`.events` already names the realtime event
log. An event *is* a post of kind ``event``: the post carries its title, description,
audience, visibility, comments and moderation; :class:`EventDetails` adds the when,
where and how many.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: Most seats an event may offer (a capacity of 100,000 is a typo, not a breakfast).
EVENT_CAPACITY_MAX = 10_000
EVENT_LOCATION_MAX = 200
EVENT_URL_MAX = 500


class RsvpStatus(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    DECLINED = "declined"
    WAITING = "waiting"  # asked for "going" when every seat was taken


RSVP_STATUSES: tuple[str, ...] = tuple(s.value for s in RsvpStatus)
#: What a person may answer; "waiting" is what "going" becomes past capacity.
RSVP_ANSWERS: tuple[str, ...] = ("going", "maybe", "declined")
REMINDER_KINDS: tuple[str, ...] = ("day", "hour")


class EventDetails(db.Model):
    """When, where and for how many: one row per post of kind ``event``.

    Times are naive UTC like every other instant in the database. ``capacity`` NULL:
    no limit. ``cancelled_at`` set: the event stays readable, answers are closed.
    """

    __tablename__ = "event_details"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            f"capacity IS NULL OR (capacity >= 1 AND capacity <= {EVENT_CAPACITY_MAX})",
            name="capacity_range",
        ),
        Index("ix_event_details_starts_at", "starts_at"),
    )

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(EVENT_LOCATION_MAX), default="")
    online_url: Mapped[str | None] = mapped_column(String(EVENT_URL_MAX))
    capacity: Mapped[int | None]
    rsvp_closes_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    #: When the organisers recorded who came (after the event).
    attendance_taken_at: Mapped[datetime | None]
    #: The date poll whose final slot became this event, if any.
    source_poll_id: Mapped[int | None] = mapped_column(
        ForeignKey("polls.id", ondelete="SET NULL"), unique=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventRsvp(db.Model):
    """One person's answer to one event. ``waiting_position`` (1 = next in) is set only
    while ``status`` is "waiting"; positions of an event's list are always 1..n."""

    __tablename__ = "event_rsvps"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        CheckConstraint("status IN ('going', 'maybe', 'declined', 'waiting')", name="status_known"),
        CheckConstraint(
            "(status = 'waiting') = (waiting_position IS NOT NULL)", name="position_when_waiting"
        ),
        Index("ix_event_rsvps_post_id_status", "post_id", "status"),
        Index("ix_event_rsvps_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("event_details.post_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    waiting_position: Mapped[int | None]
    #: Attendance taken after the event: True came, False did not, NULL not recorded.
    attended: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EventReminder(db.Model):
    """A reminder sent: the primary key makes each (event, person, kind) happen once."""

    __tablename__ = "event_reminders"
    __table_args__ = (CheckConstraint("kind IN ('day', 'hour')", name="kind_known"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("event_details.post_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarFeed(db.Model):
    """A person's secret calendar-feed URL: only its token's SHA-256 is stored, so a
    database leak gives no working URL. Re-creating replaces it; deleting revokes it."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
