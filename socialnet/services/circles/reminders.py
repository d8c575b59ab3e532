"""The synthesis clock, from the job loop (``socialnet/jobs.py``): the scribe is reminded
on the morning of D+1, the facilitator told on the morning of D+2 if the synthesis is
still missing (see :mod:`.reading` for the times).

Each is claimed with ``UPDATE circle_sessions SET … WHERE id = … AND … IS NULL``: only the
pass whose update changed the row sends, so two passes — or two processes — never send
twice. A session escalated without its reminder (the loop was down on D+1) is not sent a
stale reminder afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ...extensions import db
from ...models import (
    Circle,
    CircleSession,
    CircleSynthesis,
    EventDetails,
    NotificationType,
    Post,
)
from ...models._time import utcnow
from .. import notifications
from .reading import synthesis_clock

#: Sessions older than this are no longer chased.
CHASED_FOR = timedelta(days=14)


def _claim(session_id: int, column, now: datetime, *, also=None) -> bool:
    """Set ``column`` (and ``also``, if still empty) unless another pass did: True if
    this pass claimed it."""
    values = {column.key: now}
    if also is not None:
        values[also.key] = func.coalesce(also, now)
    changed = db.session.execute(
        update(CircleSession)
        .where(CircleSession.id == session_id, column.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def _candidates(now: datetime):
    return db.session.execute(
        select(CircleSession, EventDetails, Post, Circle)
        .join(EventDetails, EventDetails.post_id == CircleSession.event_post_id)
        .join(Post, Post.id == CircleSession.event_post_id)
        .join(Circle, Circle.group_id == CircleSession.circle_id)
        .outerjoin(CircleSynthesis, CircleSynthesis.session_id == CircleSession.id)
        .where(
            CircleSynthesis.session_id.is_(None),
            CircleSession.escalated_at.is_(None),
            EventDetails.cancelled_at.is_(None),
            EventDetails.ends_at <= now,
            EventDetails.starts_at > now - CHASED_FOR,
            Post.deleted_at.is_(None),
        )
        .order_by(CircleSession.id)
    ).all()


def do_send_synthesis_reminders(now: datetime | None = None) -> int:
    """Send the reminders and escalations due at ``now``; returns how many were sent."""
    now = now or utcnow()
    sent = 0
    for session, details, event, circle in _candidates(now):
        clock = synthesis_clock(details.starts_at)
        if now >= clock.escalate_at:
            claimed = _claim(
                session.id, CircleSession.escalated_at, now, also=CircleSession.reminded_at
            )
            to, kind = circle.facilitator_id, NotificationType.SYNTHESIS_LATE
        elif now >= clock.remind_at and session.reminded_at is None:
            claimed = _claim(session.id, CircleSession.reminded_at, now)
            to, kind = session.scribe_id, NotificationType.SYNTHESIS_DUE
        else:
            continue
        if claimed and to is not None:
            rows = notifications.do_notify(
                [to], kind, actor=None, post=event, text=event.title or ""
            )
            sent += len(rows)
    return sent
