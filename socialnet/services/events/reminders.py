"""Reminders: the day before and an hour before an event, to the people going or maybe
going, from the job loop (``socialnet/jobs.py``).

Each (event, person, kind) is sent once: the ``event_reminders`` primary key decides, with
``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``, so a second pass — or two at
once — tells nobody twice. Moving an event's start forgets its reminders
(:func:`forget_reminders`), so people are reminded of the new time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ... import policy
from ...extensions import db
from ...models import EventDetails, EventReminder, EventRsvp, NotificationType, Post, User
from ...models._time import utcnow
from .. import notifications
from .texts import notification_text

#: (kind, how long before the start, the text's kind). A day reminder is not sent in the
#: last hour: the hour reminder says it then.
REMINDERS = (
    ("day", timedelta(days=1), "reminder_day"),
    ("hour", timedelta(hours=1), "reminder_hour"),
)
REMINDED_STATUSES = ("going", "maybe")


def _due(kind: str, ahead: timedelta, now: datetime) -> list[Post]:
    earliest = now + timedelta(hours=1) if kind == "day" else now
    return list(
        db.session.scalars(
            select(Post)
            .join(EventDetails, EventDetails.post_id == Post.id)
            .where(
                Post.kind == "event",
                Post.deleted_at.is_(None),
                policy.NOT_A_DRAFT,
                EventDetails.cancelled_at.is_(None),
                EventDetails.starts_at > earliest,
                EventDetails.starts_at <= now + ahead,
            )
            .order_by(EventDetails.starts_at, Post.id)
        )
    )


def _claim(post_id: int, kind: str, now: datetime) -> list[int]:
    """Record the reminders of ``post_id`` not yet sent; returns whom they are for."""
    insert = (
        postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    source = (
        select(EventRsvp.post_id, EventRsvp.user_id, literal(kind), literal(now))
        .join(User, User.id == EventRsvp.user_id)
        .where(
            EventRsvp.post_id == post_id,
            EventRsvp.status.in_(REMINDED_STATUSES),
            User.active.is_(True),
        )
    )
    rows = db.session.execute(
        insert(EventReminder)
        .from_select(["post_id", "user_id", "kind", "sent_at"], source)
        .on_conflict_do_nothing()
        .returning(EventReminder.user_id)
    )
    return sorted(rows.scalars())


def do_send_reminders(now: datetime | None = None) -> int:
    """Send the reminders due at ``now`` (default: now); returns how many were sent."""
    now = now or utcnow()
    sent = 0
    for kind, ahead, text_kind in REMINDERS:
        for post in _due(kind, ahead, now):
            user_ids = _claim(post.id, kind, now)
            if user_ids:
                text = notification_text(text_kind, post.title or "")
                rows = notifications.do_notify(
                    user_ids, NotificationType.EVENT_REMINDER, actor=None, post=post, text=text
                )
                sent += len(rows)
    return sent


def forget_reminders(post_id: int) -> None:
    """The event moved: its reminders are due again, at the new time."""
    db.session.execute(delete(EventReminder).where(EventReminder.post_id == post_id))
