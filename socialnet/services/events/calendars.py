"""Calendars: an event as an .ics file, and each person's calendar feed at a secret,
revocable URL, both built with the ``icalendar`` library for Outlook and Google
Calendar: times in the company's zone (``SOCIALNET_COMPANY_TIMEZONE``) with its
VTIMEZONE, a stable UID per event, cancelled events marked CANCELLED.

A feed's token is shown once; only its SHA-256 is stored (``CalendarFeed``). The feed
lists the events its owner answered going, maybe or waiting, re-checked against what
they may see *now* (an event of a group they left drops out).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import CalendarFeed, EventDetails, EventRsvp, Post, User, hash_token
from ...models._time import utcnow
from ..celebrations import company_tz
from .reading import access_event

FEED_TOKEN_PREFIX = "cal_"
#: How far back a feed reaches (calendars keep their own history).
FEED_PAST = timedelta(days=90)
FEED_MAX_EVENTS = 500
FEED_STATUSES = ("going", "maybe", "waiting")


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//socialnet//events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(company_tz()))
    return calendar


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC).astimezone(company_tz())


def _component(post: Post, details: EventDetails, base_url: str, host: str) -> IcsEvent:
    url = f"{base_url.rstrip('/')}/posts/{post.id}"
    item = IcsEvent()
    item.add("uid", f"event-{post.id}@{host}")
    item.add("dtstamp", details.updated_at.replace(tzinfo=UTC))
    item.add("last-modified", details.updated_at.replace(tzinfo=UTC))
    item.add("created", post.created_at.replace(tzinfo=UTC))
    item.add("dtstart", _local(details.starts_at))
    item.add("dtend", _local(details.ends_at))
    item.add("summary", post.title or "")
    description = "\n\n".join(p for p in (post.body, details.online_url or "", url) if p)
    item.add("description", description)
    location = details.location or details.online_url or ""
    if location:
        item.add("location", location)
    item.add("url", url)
    item.add("status", "CANCELLED" if details.cancelled_at is not None else "CONFIRMED")
    # Calendars apply an update only when its sequence grows: seconds since creation do.
    item.add("sequence", int((details.updated_at - post.created_at).total_seconds()) // 60)
    return item


def _ics(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(user: User, event_id: int, base_url: str, host: str) -> bytes:
    """The event as a one-event calendar. :raise NotFound: ``user`` may not see it."""
    post, details = access_event(user, event_id)
    calendar = _calendar(post.title or "")
    calendar.add_component(_component(post, details, base_url, host))
    return _ics(calendar)


def do_create_feed(user: User) -> str:
    """A new secret token for ``user``'s feed, replacing any previous one (whose URL stops
    working). Returned once; only its hash is kept."""
    token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.add(CalendarFeed(user_id=user.id, token_hash=hash_token(token)))
    db.session.flush()
    return token


def do_revoke_feed(user: User) -> bool:
    """Revoke ``user``'s feed; True when there was one."""
    result = db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return result.rowcount > 0


def feed_owner(token: str) -> User:
    """The active person whose feed ``token`` opens. :raise NotFound: unknown, revoked, an
    account no longer active or suspended (like their tokens) — the same answer for all."""
    if not token.startswith(FEED_TOKEN_PREFIX) or len(token) > 100:
        raise NotFound(_("No such calendar."))
    user = db.session.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == hash_token(token))
    )
    if user is None or not user.active or user.is_suspended(utcnow()):
        raise NotFound(_("No such calendar."))
    return user


def feed_ics(token: str, base_url: str, host: str) -> bytes:
    """The feed of ``token``'s owner: the events they answered going, maybe or waiting
    (from 90 days ago), that they may still see. :raise NotFound: see :func:`feed_owner`."""
    user = feed_owner(token)
    rows = db.session.execute(
        select(Post, EventDetails)
        .join(EventDetails, EventDetails.post_id == Post.id)
        .join(EventRsvp, EventRsvp.post_id == Post.id)
        .options(joinedload(Post.author))
        .where(
            Post.kind == "event",
            policy.visible_posts_filter(user),
            policy.NOT_A_DRAFT,
            EventRsvp.user_id == user.id,
            EventRsvp.status.in_(FEED_STATUSES),
            EventDetails.ends_at > utcnow() - FEED_PAST,
        )
        .order_by(EventDetails.starts_at, Post.id)
        .limit(FEED_MAX_EVENTS)
    )
    calendar = _calendar(_("Events of %(name)s", name=user.display_name))
    for post, details in rows:
        calendar.add_component(_component(post, details, base_url, host))
    return _ics(calendar)
