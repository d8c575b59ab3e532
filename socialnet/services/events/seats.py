"""Seats and the waiting list of one event, under the event's lock.

:func:`lock_event` serialises everything about one event's answers; the waiting list's
positions are always 1..n (:func:`leave_waiting_list` moves everyone behind up by one in
the same statement); :func:`promote_waiting` gives free seats to the first in line.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from ...extensions import db
from ...models import EventDetails, EventRsvp, NotificationType, Post, User
from ...models._time import utcnow
from .. import notifications
from .texts import notification_text


def lock_event(event_id: int) -> EventDetails:
    """Take the event's row for this transaction: answers, promotions and edits of one
    event happen one at a time. PostgreSQL: ``SELECT … FOR UPDATE`` on the row; SQLite:
    a write to the row, which takes the database's single write lock (SQLite starts
    a transaction at the first write, so what is read after it is current)."""
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(
            update(EventDetails)
            .where(EventDetails.post_id == event_id)
            .values(updated_at=EventDetails.updated_at)
        )
    return db.session.scalars(
        select(EventDetails)
        .where(EventDetails.post_id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def count_status(event_id: int, status: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(EventRsvp)
        .where(EventRsvp.post_id == event_id, EventRsvp.status == status)
    )


def leave_waiting_list(rsvp: EventRsvp, status: str) -> None:
    """Take ``rsvp`` off its list with its new ``status``; everyone behind moves up."""
    position = rsvp.waiting_position
    rsvp.status = status
    rsvp.waiting_position = None
    rsvp.updated_at = utcnow()
    db.session.flush()
    db.session.execute(
        update(EventRsvp)
        .where(
            EventRsvp.post_id == rsvp.post_id,
            EventRsvp.status == "waiting",
            EventRsvp.waiting_position > position,
        )
        .values(waiting_position=EventRsvp.waiting_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def promote_waiting(post: Post, details: EventDetails, *, actor: User | None) -> list[int]:
    """Give free seats to the first on the waiting list, in order; each is told. The
    caller holds the event's lock. Returns the promoted people's ids."""
    free = None if details.capacity is None else details.capacity - count_status(post.id, "going")
    waiting = select(EventRsvp).where(EventRsvp.post_id == post.id, EventRsvp.status == "waiting")
    if free is not None:
        waiting = waiting.limit(max(free, 0))
    promoted = list(db.session.scalars(waiting.order_by(EventRsvp.waiting_position)))
    for rsvp in reversed(promoted):  # the last first: the others' positions stay right
        leave_waiting_list(rsvp, "going")
    ids = [r.user_id for r in promoted]
    if ids:
        text = notification_text("event_promoted", post.title or "")
        notifications.do_notify(
            ids, NotificationType.EVENT_PROMOTED, actor=actor, post=post, text=text
        )
    return ids
