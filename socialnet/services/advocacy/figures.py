"""Advocacy figures: shares opened and clicks, per shareable post, per person, by network.

Community managers and admins read everyone's (``policy.can_read_advocacy_figures``) for a
range of company days (``analytics.periods``); each person reads their own, all time; the
leaderboard ranks only the active people who opted in (``advocacy_profiles``), and anyone
may read it. Every figure is a SQL ``COUNT`` grouped by shareable or person and network.
A post the reader may no longer see (moved to a private group) is left out of their lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    NETWORKS,
    AdvocacyProfile,
    Post,
    Shareable,
    ShareClick,
    ShareLink,
    ShareOpen,
    User,
)
from ...models._time import utcnow
from ...serializers import iso, user_summary
from ..analytics.periods import Range, check_range
from ..csv_export import to_csv
from ..validation import check_known_fields
from .offers import post_summary

LEADERBOARD_SIZE = 10


def _empty() -> dict[str, Any]:
    return {"opens": 0, "clicks": 0, "networks": {n: {"opens": 0, "clicks": 0} for n in NETWORKS}}


def _counts(model, key, conditions) -> list[tuple[Any, str, int]]:
    """``(key, network, count)`` of ``model`` rows (opens or clicks) meeting ``conditions``."""
    query = (
        select(key, ShareLink.network, func.count(model.id))
        .join(ShareLink, ShareLink.id == model.link_id)
        .where(*conditions)
        .group_by(key, ShareLink.network)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _tally(key, conditions_for) -> dict[Any, dict[str, Any]]:
    """Figures per ``key`` (a column of ``share_links``), opens and clicks by network."""
    figures: dict[Any, dict[str, Any]] = {}
    for measure, model in (("opens", ShareOpen), ("clicks", ShareClick)):
        for owner, network, count in _counts(model, key, conditions_for(model)):
            entry = figures.setdefault(owner, _empty())
            entry[measure] += count
            entry["networks"][network][measure] += count
    return figures


def _in_range(period: Range):
    return lambda model: (model.created_at >= period.since, model.created_at < period.until)


def check_can_read(user: User) -> None:
    if not policy.can_read_advocacy_figures(user):
        raise Forbidden(_("Advocacy figures are for community managers and administrators."))


def _posts_rows(viewer: User, shareable_ids) -> list[tuple[Shareable, Post]]:
    if not shareable_ids:
        return []
    query = (
        select(Shareable, Post)
        .join(Post, Post.id == Shareable.post_id)
        .options(joinedload(Post.author))
        .where(Shareable.id.in_(list(shareable_ids)), policy.visible_posts_filter(viewer))
        .order_by(Shareable.id.desc())
    )
    return [(s, p) for s, p in db.session.execute(query).all()]


def per_post(viewer: User, period: Range) -> list[dict[str, Any]]:
    """Every shareable the viewer may see, with its figures in ``period`` (all offers,
    withdrawn ones too, that were offered or had activity)."""
    figures = _tally(ShareLink.shareable_id, _in_range(period))
    ids = set(figures) | set(
        db.session.scalars(select(Shareable.id).where(Shareable.created_at < period.until))
    )
    return [
        {
            "shareable_id": s.id,
            "post": post_summary(p),
            "target_url": s.target_url,
            "withdrawn": s.withdrawn_at is not None,
            **figures.get(s.id, _empty()),
        }
        for s, p in _posts_rows(viewer, ids)
    ]


def per_person(period: Range) -> list[dict[str, Any]]:
    """Everyone who shared or whose links were followed in ``period``, most clicks first."""
    figures = _tally(ShareLink.user_id, _in_range(period))
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(figures))))}
    rows = [{"user": user_summary(people[uid]), **f} for uid, f in figures.items()]
    return sorted(rows, key=lambda r: (-r["clicks"], -r["opens"], r["user"]["id"]))


def report(viewer: User, args: Mapping[str, Any]) -> dict[str, Any]:
    """``{"range", "posts", "people"}`` for the ``from``/``to`` of ``args``.

    :raise Forbidden: not a community manager or admin. :raise ValidationFailed: bad range.
    """
    check_can_read(viewer)
    period = check_range(args.get("from"), args.get("to"))
    return {
        "range": period.as_dict(),
        "posts": per_post(viewer, period),
        "people": per_person(period),
    }


def own(user: User) -> dict[str, Any]:
    """``user``'s own figures, all time: totals and per shareable post they can still see."""
    mine = (ShareLink.user_id == user.id,)
    figures = _tally(ShareLink.shareable_id, lambda _model: mine)
    totals = _empty()
    for entry in figures.values():
        totals["opens"] += entry["opens"]
        totals["clicks"] += entry["clicks"]
        for network, counts in entry["networks"].items():
            for measure in ("opens", "clicks"):
                totals["networks"][network][measure] += counts[measure]
    posts = [
        {"shareable_id": s.id, "post": post_summary(p), **figures[s.id]}
        for s, p in _posts_rows(user, set(figures))
    ]
    return {"leaderboard": opted_in(user), "totals": totals, "posts": posts}


def opted_in(user: User) -> bool:
    profile = db.session.get(AdvocacyProfile, user.id)
    return bool(profile and profile.leaderboard)


def do_set_preferences(user: User, data: Any) -> dict[str, Any]:
    """``{"leaderboard": bool}``: be ranked on the advocacy leaderboard, or not."""
    data = check_known_fields(data, {"leaderboard"})
    choice = data.get("leaderboard")
    if not isinstance(choice, bool):
        raise ValidationFailed(
            _("leaderboard must be true or false."), fields={"leaderboard": "not_boolean"}
        )
    profile = db.session.get(AdvocacyProfile, user.id)
    if profile is None:
        profile = AdvocacyProfile(user_id=user.id)
        db.session.add(profile)
    profile.leaderboard, profile.updated_at = choice, utcnow()
    db.session.flush()
    return {"leaderboard": choice}


def leaderboard(viewer: User, args: Mapping[str, Any]) -> dict[str, Any]:
    """The people who opted in, ranked by clicks then shares opened in the range (30 days
    by default); nobody else is named. Any employee reads it."""
    if not policy.can_advocate(viewer):
        raise Forbidden(_("Sharing is for employees."))
    period = check_range(args.get("from"), args.get("to"))
    ranked = (
        select(AdvocacyProfile.user_id)
        .join(User, User.id == AdvocacyProfile.user_id)
        .where(AdvocacyProfile.leaderboard.is_(True), User.active.is_(True))
    )
    in_range = _in_range(period)
    figures = _tally(
        ShareLink.user_id, lambda model: (*in_range(model), ShareLink.user_id.in_(ranked))
    )
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(figures))))}
    rows = sorted(
        (
            {"user": user_summary(people[uid]), "opens": f["opens"], "clicks": f["clicks"]}
            for uid, f in figures.items()
        ),
        key=lambda r: (-r["clicks"], -r["opens"], r["user"]["display_name"]),
    )
    return {"range": period.as_dict(), "items": rows[:LEADERBOARD_SIZE], "me": opted_in(viewer)}


def _network_cells(entry: dict[str, Any]) -> list[int]:
    return [entry["networks"][n][m] for n in NETWORKS for m in ("opens", "clicks")]


_NETWORK_HEADER = [f"{n}_{m}" for n in NETWORKS for m in ("opens", "clicks")]
CSV_TABLES = ("posts", "people")


def export_csv(viewer: User, table: str, args: Mapping[str, Any]) -> str:
    """The ``posts`` or ``people`` table of :func:`report` as CSV (formula-safe cells).

    :raise Forbidden: not a community manager or admin. :raise NotFound: another table.
    """
    check_can_read(viewer)
    if table not in CSV_TABLES:
        raise NotFound(_("No such analytics table."))
    data = report(viewer, args)
    if table == "posts":
        header = ["shareable_id", "post_id", "excerpt", "target_url", "withdrawn"]
        rows = [
            [r["shareable_id"], r["post"]["id"], r["post"]["excerpt"], r["target_url"]]
            + [r["withdrawn"], r["opens"], r["clicks"], *_network_cells(r)]
            for r in data["posts"]
        ]
    else:
        header = ["user_id", "display_name", "handle"]
        rows = [
            [r["user"]["id"], r["user"]["display_name"], r["user"]["handle"]]
            + [r["opens"], r["clicks"], *_network_cells(r)]
            for r in data["people"]
        ]
    return to_csv([*header, "opens", "clicks", *_NETWORK_HEADER], rows)


def export_entry(user: User) -> dict[str, Any]:
    """What the personal-data export holds of ``user``'s advocacy: their leaderboard choice
    and each tracked link they made (network, public code, campaign code, shares opened,
    clicks counted). Clicks are counted per visitor digest; no visitor is named."""
    opens = (
        select(func.count(ShareOpen.id)).where(ShareOpen.link_id == ShareLink.id).scalar_subquery()
    )
    clicks = (
        select(func.count(ShareClick.id))
        .where(ShareClick.link_id == ShareLink.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(ShareLink, Shareable.post_id, opens, clicks)
        .join(Shareable, Shareable.id == ShareLink.shareable_id)
        .where(ShareLink.user_id == user.id)
        .order_by(ShareLink.id)
    ).all()
    return {
        "leaderboard": opted_in(user),
        "links": [
            {
                "shareable_id": link.shareable_id,
                "post_id": post_id,
                "network": link.network,
                "code": link.code,
                "campaign": link.campaign,
                "created_at": iso(link.created_at),
                "opens": n_opens,
                "clicks": n_clicks,
            }
            for link, post_id, n_opens, n_clicks in rows
        ],
    }
