"""The register as lists: by votes, by recent growth or newest first, filtered by status,
site, department or group; the totals (time at stake, time given back) by site or
department; and the CSV export. Only pain points the reader may see, never a merged
duplicate (its votes live on in the pain point that absorbed it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import NotFound, ValidationFailed
from ...extensions import db
from ...models import CLOSED_STATUSES, PAIN_POINT_STATUSES, PainPoint, PainPointVote, Post, User
from ...pagination import decode_cursor, encode_cursor, parse_limit
from ...serializers import hours, iso
from ..csv_export import to_csv
from ..validation import check_filter_text, check_optional_id
from .reading import KIND, growth_since, pain_points_for_posts

SORTS = ("votes", "growth", "recent")
STATUS_FILTERS = ("all", "open", "closed", *PAIN_POINT_STATUSES)
GROUP_BYS = ("site", "department", "status")
#: Most rows one CSV export holds.
EXPORT_MAX_ROWS = 10_000


@dataclass(frozen=True)
class Filters:
    sort: str = "votes"
    status: str = "all"
    site: str | None = None
    department: str | None = None
    group_id: int | None = None


def _choice(args: Mapping[str, str], name: str, values: tuple[str, ...], default: str) -> str:
    raw = args.get(name) or default
    if raw not in values:
        raise ValidationFailed(
            _("%(name)s must be one of: %(values)s.", name=name, values=", ".join(values)),
            fields={name: "unknown"},
        )
    return raw


def parse_filters(user: User, args: Mapping[str, str], *, with_sort: bool = True) -> Filters:
    """``sort`` (unless not ``with_sort``), ``status``, ``site``, ``department`` and
    ``group_id`` from a query string.

    :raise ValidationFailed: an unknown sort or status, a bad group id, control characters.
    :raise NotFound: a group ``user`` may not read.
    """
    group_id = None
    raw_group = args.get("group_id")
    if raw_group not in (None, ""):
        value: Any = int(raw_group) if raw_group.isascii() and raw_group.isdigit() else raw_group
        group_id = check_optional_id(value, "group_id")
        if not policy.can_read_group(user, group_id):
            raise NotFound(_("No such group."))
    return Filters(
        sort=_choice(args, "sort", SORTS, "votes") if with_sort else "votes",
        status=_choice(args, "status", STATUS_FILTERS, "all"),
        site=check_filter_text(args.get("site") or None, "site", max_len=100),
        department=check_filter_text(args.get("department") or None, "department", max_len=100),
        group_id=group_id,
    )


def _vote_totals() -> Subquery:
    since = growth_since()
    return (
        select(
            PainPointVote.post_id.label("post_id"),
            func.count().label("votes"),
            func.count().filter(PainPointVote.created_at >= since).label("recent"),
        )
        .group_by(PainPointVote.post_id)
        .subquery()
    )


def _matching(user: User, filters: Filters) -> tuple[Select, ColumnElement[int]]:
    """SELECT Post, PainPoint, votes, recent votes of the pain points ``filters`` keep."""
    totals = _vote_totals()
    votes = func.coalesce(totals.c.votes, 0)
    recent = func.coalesce(totals.c.recent, 0)
    query = (
        select(Post, PainPoint, votes.label("votes"), recent.label("recent"))
        .join(PainPoint, PainPoint.post_id == Post.id)
        .outerjoin(totals, totals.c.post_id == Post.id)
        .where(
            Post.kind == KIND,
            policy.visible_posts_filter(user),
            PainPoint.merged_into_id.is_(None),
        )
    )
    if filters.status == "open":
        query = query.where(PainPoint.status.not_in(CLOSED_STATUSES))
    elif filters.status == "closed":
        query = query.where(PainPoint.status.in_(CLOSED_STATUSES))
    elif filters.status != "all":
        query = query.where(PainPoint.status == filters.status)
    if filters.site is not None:
        query = query.where(PainPoint.site == filters.site)
    if filters.department is not None:
        query = query.where(PainPoint.department == filters.department)
    if filters.group_id is not None:
        query = query.where(Post.group_id == filters.group_id)
    order = {
        "votes": (votes.desc(), Post.id.desc()),
        "growth": (recent.desc(), votes.desc(), Post.id.desc()),
        "recent": (Post.id.desc(),),
    }[filters.sort]
    return query.order_by(*order), votes


def list_pain_points(user: User, args: Mapping[str, str]) -> dict[str, Any]:
    """A page of the register as ``user`` sees it: ``{"items", "next_cursor"}``. The
    cursor is signed and bound to the sort, filters included (an offset: a ranked list
    moves as people vote).

    :raise ValidationFailed: bad filters, limit or cursor. :raise NotFound: a group
        ``user`` may not read.
    """
    filters = parse_filters(user, args)
    limit = parse_limit(args.get("limit"))
    scope = f"pain-points:{filters}"
    offset = decode_cursor(scope, args.get("cursor")) or 0
    query, _votes = _matching(user, filters)
    rows = db.session.execute(
        query.options(joinedload(Post.author)).offset(offset).limit(limit + 1)
    ).all()
    posts = [row[0] for row in rows[:limit]]
    by_id = pain_points_for_posts(user, posts)
    more = len(rows) > limit
    return {
        "items": [by_id[p.id] for p in posts],
        "next_cursor": encode_cursor(scope, offset + limit) if more else None,
    }


def _empty_totals() -> dict[str, Any]:
    return {
        "count": 0,
        "open": 0,
        "solved": 0,
        "wont_fix": 0,
        "votes": 0,
        "hours_at_stake": 0.0,
        "hours_given_back": 0.0,
        "_stake": 0,
        "_back": 0,
    }


def _add(totals: dict[str, Any], status: str, votes: int, minutes: int | None) -> None:
    weekly = (minutes or 0) * votes
    totals["count"] += 1
    totals["votes"] += votes
    if status == "solved":
        totals["solved"] += 1
        totals["_back"] += weekly
    elif status == "wont_fix":
        totals["wont_fix"] += 1
    else:
        totals["open"] += 1
        totals["_stake"] += weekly


def _finish(totals: dict[str, Any]) -> dict[str, Any]:
    totals["hours_at_stake"] = hours(totals.pop("_stake"))
    totals["hours_given_back"] = hours(totals.pop("_back"))
    return totals


def summarize(user: User, args: Mapping[str, str]) -> dict[str, Any]:
    """The figures a communication team shows its management, over the pain points the
    filters keep: ``{"totals", "groups": [{"key", ...totals}]}`` grouped by ``group_by``
    (site, department or status; default site). Hours are a week, for everyone affected
    (each pain point's estimate × its voters); a pain point without an estimate counts
    for none. One query.
    """
    filters = parse_filters(user, args, with_sort=False)
    group_by = _choice(args, "group_by", GROUP_BYS, "site")
    query, votes = _matching(user, filters)
    column = getattr(PainPoint, group_by)
    query = query.with_only_columns(column, PainPoint.status, PainPoint.minutes_per_week, votes)
    overall = _empty_totals()
    groups: dict[str, dict[str, Any]] = {}
    for key, status, minutes, n in db.session.execute(query.order_by(None)):
        _add(overall, status, n, minutes)
        _add(groups.setdefault(key, _empty_totals()), status, n, minutes)
    listed = [{"key": key, **_finish(t)} for key, t in groups.items()]
    listed.sort(key=lambda g: (-g["hours_at_stake"], -g["votes"], g["key"]))
    return {"group_by": group_by, "totals": _finish(overall), "groups": listed}


CSV_HEADER = (
    "id",
    "title",
    "status",
    "site",
    "department",
    "group_id",
    "votes",
    "votes_last_7_days",
    "hours_per_week",
    "hours_at_stake",
    "hours_given_back",
    "owner",
    "resolution_note",
    "created_at",
    "url",
)


def export_csv(user: User, args: Mapping[str, str]) -> str:
    """The register as CSV (the list's filters and sort, every row up to
    :data:`EXPORT_MAX_ROWS`), cells safe for spreadsheets. Only what ``user`` may see."""
    filters = parse_filters(user, args)
    query, _votes = _matching(user, filters)
    posts = [row[0] for row in db.session.execute(query.limit(EXPORT_MAX_ROWS))]
    items = pain_points_for_posts(user, posts)
    rows = []
    for post in posts:
        item = items[post.id]
        rows.append(
            (
                item["id"],
                item["title"],
                item["status"],
                item["site"],
                item["department"],
                item["group_id"] or "",
                item["votes"],
                item["recent_votes"],
                "" if item["hours_per_week"] is None else item["hours_per_week"],
                item["hours_at_stake"],
                item["hours_given_back"],
                item["owner"]["display_name"] if item["owner"] else "",
                item["resolution_note"] or "",
                iso(post.created_at),
                item["url"],
            )
        )
    return to_csv(CSV_HEADER, rows)
