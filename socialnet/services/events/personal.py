"""A person's event data, for their personal-data export (``personal_data.collect``):
their answers (RSVPs: status, place on the waiting list, whether they came) and whether
they keep a calendar feed (never its secret address).

Every answer is theirs and is listed wherever the event is now; the event's own words
(title, times) come with it only while the person may still read the event
(``policy.visible_posts_filter``): an event of a secret group they have left is listed by
its id alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import CalendarFeed, EventDetails, EventRsvp, Post, User
from ...serializers import iso


def export_entries(user: User) -> dict[str, Any]:
    """``{"event_rsvps": [...], "calendar_feed": {"created_at"} | None}``."""
    rows = db.session.execute(
        select(EventRsvp, EventDetails, Post)
        .join(EventDetails, EventDetails.post_id == EventRsvp.post_id)
        .join(Post, Post.id == EventRsvp.post_id)
        .where(EventRsvp.user_id == user.id)
        .order_by(EventRsvp.id)
    ).all()
    ids = [rsvp.post_id for rsvp, _d, _p in rows]
    readable = (
        set(
            db.session.scalars(
                select(Post.id).where(Post.id.in_(ids), policy.visible_posts_filter(user))
            )
        )
        if ids
        else set()
    )
    feed = db.session.get(CalendarFeed, user.id)
    return {
        "event_rsvps": [
            {
                "event_id": rsvp.post_id,
                "status": rsvp.status,
                "waiting_position": rsvp.waiting_position,
                "attended": rsvp.attended,
                "answered_at": iso(rsvp.created_at),
                "updated_at": iso(rsvp.updated_at),
                **_event(post, details, post.id in readable),
            }
            for rsvp, details, post in rows
        ],
        "calendar_feed": {"created_at": iso(feed.created_at)} if feed is not None else None,
    }


def _event(post: Post, details: EventDetails, readable: bool) -> dict[str, Any]:
    """The event as the person may still read it; nulls once they may not."""
    if not readable:
        return {"title": None, "starts_at": None, "ends_at": None, "cancelled": None}
    return {
        "title": post.title,
        "starts_at": iso(details.starts_at),
        "ends_at": iso(details.ends_at),
        "cancelled": details.cancelled_at is not None,
    }
