"""Reading events: who may see one, the event as each viewer sees it, the calendar list,
and ``event.updated`` (the public view, after the change that caused it)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import NotFound, ValidationFailed
from ...extensions import db
from ...models import EventDetails, EventRsvp, ModerationState, Post, User
from ...models._time import now_utc, utcnow
from ...realtime.publisher import lock_event_log, publish
from ...serializers import event_dict
from .. import attachments
from ..celebrations import company_tz
from ..validation import check_optional_id, parse_date

EVENT_UPDATED = "event.updated"
#: The widest window ``GET /events`` answers (a year and a bit: any month grid fits).
LIST_MAX_DAYS = 400
LIST_MAX_ITEMS = 500


def access_event(user: User, event_id: int) -> tuple[Post, EventDetails]:
    """The event ``event_id`` (its post id) if ``user`` may see it.

    :raise NotFound: missing, not an event, deleted, or somewhere ``user`` cannot read.
    """
    post = db.session.scalar(
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.id == event_id, Post.kind == "event", policy.visible_posts_filter(user))
    )
    details = db.session.get(EventDetails, event_id) if post is not None else None
    if post is None or details is None:
        raise NotFound(_("No such event."))
    return post, details


def answers_open(details: EventDetails, now: datetime | None = None) -> bool:
    """People may still answer: not cancelled, not started, answers not closed."""
    now = now or utcnow()
    if details.cancelled_at is not None or details.starts_at <= now:
        return False
    return details.rsvp_closes_at is None or now < details.rsvp_closes_at


def _counts(ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        rows = db.session.execute(
            select(EventRsvp.post_id, EventRsvp.status, func.count())
            .where(EventRsvp.post_id.in_(ids))
            .group_by(EventRsvp.post_id, EventRsvp.status)
        )
        for post_id, status, n in rows:
            counts[post_id][status] = n
    return counts


def events_for_posts(viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """The attachment loader of ``event`` posts: ``{post_id: event}`` in three queries for
    a whole page, as ``viewer`` sees them."""
    ids = [p.id for p in posts]
    details = {
        d.post_id: d
        for d in db.session.scalars(select(EventDetails).where(EventDetails.post_id.in_(ids)))
    }
    counts = _counts(ids)
    mine = (
        {
            r.post_id: r
            for r in db.session.scalars(
                select(EventRsvp).where(EventRsvp.post_id.in_(ids), EventRsvp.user_id == viewer.id)
            )
        }
        if ids
        else {}
    )
    now = utcnow()
    return {
        post.id: event_dict(
            post,
            details[post.id],
            counts[post.id],
            my_rsvp=mine.get(post.id),
            can_rsvp=viewer.active
            and post.moderation_state != ModerationState.DRAFT.value  # answers wait for it
            and answers_open(details[post.id], now),
            can_manage=policy.can_manage_event(viewer, post),
        )
        for post in posts
        if post.id in details
    }


attachments.register("event", events_for_posts)


def event_for(viewer: User, post: Post) -> dict[str, Any]:
    """One event as ``viewer`` sees it (``GET /events/{id}``, every answer about it)."""
    return events_for_posts(viewer, [post])[post.id]


def publish_update(post: Post, details: EventDetails) -> None:
    """``event.updated`` to the event's audience: the public view (counts, seats left,
    times), read after :func:`lock_event_log` so it carries the figures of this commit.
    Each client re-reads its own answer and waiting position if it cares."""
    lock_event_log()
    data = event_dict(post, details, _counts([post.id])[post.id])
    publish(EVENT_UPDATED, data, room=policy.room_for_post(post), post_id=post.id)


def _window(raw_from: str | None, raw_to: str | None) -> tuple[datetime, datetime]:
    """``from``/``to`` (company days, both included) as a naive-UTC half-open window.
    Default: from today, for 31 days."""
    zone = company_tz()
    first = parse_date(raw_from, "from")
    last = parse_date(raw_to, "to")
    if first is None:
        first = now_utc().astimezone(zone).date() if last is None else last - timedelta(days=30)
    if last is None:
        last = first + timedelta(days=30)
    if last < first:
        raise ValidationFailed(_("'to' must not be before 'from'."), fields={"to": "before_from"})
    if (last - first).days > LIST_MAX_DAYS:
        raise ValidationFailed(
            _("Ask for %(days)s days at most.", days=LIST_MAX_DAYS), fields={"to": "too_far"}
        )
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    return naive_utc(start), naive_utc(end)


def naive_utc(value: datetime) -> datetime:
    """An aware instant as the database stores instants: naive UTC."""
    return value.astimezone(UTC).replace(tzinfo=None)


def list_events(
    user: User, raw_from: str | None, raw_to: str | None, raw_group_id: str | None
) -> list[dict[str, Any]]:
    """The events of ``user``'s calendar (company and their groups, visible only, no
    editorial draft) that overlap the window, by start. ``group_id``: one group's (which
    they may read).

    :raise ValidationFailed: bad days, ``to`` before ``from``, too wide, a bad group id.
    :raise NotFound: a group ``user`` may not read.
    """
    start, end = _window(raw_from, raw_to)
    condition = policy.calendar_events_filter(user)
    if raw_group_id not in (None, ""):
        group_id = check_optional_id(_int_or_none(raw_group_id), "group_id")
        if not policy.can_read_group(user, group_id):
            raise NotFound(_("No such group."))
        condition = (Post.kind == "event") & policy.visible_posts_filter(user)
        condition = condition & policy.NOT_A_DRAFT & (Post.group_id == group_id)
    posts = list(
        db.session.scalars(
            select(Post)
            .join(EventDetails, EventDetails.post_id == Post.id)
            .options(joinedload(Post.author))
            .where(condition, EventDetails.starts_at < end, EventDetails.ends_at > start)
            .order_by(EventDetails.starts_at, Post.id)
            .limit(LIST_MAX_ITEMS)
        )
    )
    by_id = events_for_posts(user, posts)
    return [by_id[p.id] for p in posts if p.id in by_id]


def _int_or_none(raw: str) -> int | str:
    """The query parameter as an int when it is digits (so ``check_optional_id`` refuses
    anything else with its usual message)."""
    return int(raw) if raw.isascii() and raw.isdigit() else raw
