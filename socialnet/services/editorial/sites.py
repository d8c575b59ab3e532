"""The correspondents' per-site view: what the calendar published for each site, and how
it did (reactions and comments on the published posts), over a span of days."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import policy
from ...errors import Forbidden, ValidationFailed
from ...extensions import db
from ...models import EditorialItem, Post, Reaction, User
from ...models._time import utcnow
from ...serializers import iso
from ..validation import parse_date
from .calendar import _utc

DEFAULT_DAYS = 30
MAX_DAYS = 366


def _span(args: Any) -> tuple[datetime, datetime]:
    since_day = parse_date(args.get("since"), "since")
    until_day = parse_date(args.get("until"), "until")
    until = _utc(until_day + timedelta(days=1)) if until_day else utcnow()
    since = _utc(since_day) if since_day else until - timedelta(days=DEFAULT_DAYS)
    if since >= until or until - since > timedelta(days=MAX_DAYS + 1):
        raise ValidationFailed(
            _("since must come before until, at most a year apart."),
            fields={"since": "invalid"},
        )
    return since, until


def site_view(user: User, args: Any) -> dict[str, Any]:
    """``{"since", "until", "sites": [{"site", "published", "reactions", "comments",
    "items": [{"id", "title", "published_at", "post_id", "reactions", "comments"}]}]}``:
    the items aimed at a site and published in ``[since, until]`` (default: the last 30
    days), among those ``user`` may see, busiest site first.

    :raise Forbidden: not one of the communication team (planners).
    :raise ValidationFailed: a bad ``since`` / ``until``.
    """
    if not policy.can_plan_editorial(user):
        raise Forbidden(_("Only the communication team sees the editorial calendar's results."))
    since, until = _span(args)
    reactions = (
        select(Reaction.post_id, func.count().label("n")).group_by(Reaction.post_id).subquery()
    )
    rows = db.session.execute(
        select(
            EditorialItem,
            Post.comment_count,
            func.coalesce(reactions.c.n, 0),
        )
        .join(Post, Post.id == EditorialItem.post_id)
        .outerjoin(reactions, reactions.c.post_id == Post.id)
        .where(
            policy.editorial_items_visible_filter(user),
            EditorialItem.status == "published",
            EditorialItem.target_kind == "site",
            EditorialItem.published_at >= since,
            EditorialItem.published_at < until,
            Post.deleted_at.is_(None),
        )
        .order_by(EditorialItem.published_at, EditorialItem.id)
    ).all()
    sites: dict[str, dict[str, Any]] = {}
    for item, comments, reacted in rows:
        site = sites.setdefault(
            item.target_value,
            {"site": item.target_value, "published": 0, "reactions": 0, "comments": 0, "items": []},
        )
        site["published"] += 1
        site["reactions"] += reacted
        site["comments"] += comments
        site["items"].append(
            {
                "id": item.id,
                "title": item.title,
                "published_at": iso(item.published_at),
                "post_id": item.post_id,
                "reactions": reacted,
                "comments": comments,
            }
        )
    ordered = sorted(sites.values(), key=lambda s: (-s["reactions"] - s["comments"], s["site"]))
    return {"since": iso(since), "until": iso(until), "sites": ordered}
