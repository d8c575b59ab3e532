"""Engagement analytics for community managers and admins (``policy.can_read_analytics``).

Every figure is a SQL aggregate over a range of company days (``periods``); nothing
is counted in Python (the medians of ``answers`` are taken in Python over one row per
question: see there). What "active" means is in ``activity``.

Visibility: company-wide totals (activity, volume, kudos per value, moderation)
count everything, secret groups included, since they name nothing. Lists that name
a group or show content list only what the viewer may know or read: groups per
``policy.visible_groups_filter``, questions (``answers`` too) and polls per
``policy.visible_posts_filter``,
announcements per ``policy.can_see_reach``, newsletters per
``policy.newsletters_managed_filter``.

Public contract: :func:`report` (JSON-ready dict) and :func:`export_csv` (text), both
:raise Forbidden: for anyone but community managers and admins, and
:raise ValidationFailed: on a bad range or table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _

from ... import policy
from ...errors import Forbidden, NotFound
from ...models import User
from ..company_day import company_today
from ..csv_export import to_csv
from ..newsletters.tracking import analytics_rows as newsletter_rows
from ..onboarding.figures import onboarding_figures
from . import answers, content, programs
from .periods import Range, check_range

__all__ = [
    "JSON_REPORTS",
    "CSV_TABLES",
    "check_can_read",
    "export_csv",
    "report",
]


def check_can_read(user: User) -> None:
    """:raise Forbidden: ``user`` is not an active community manager or admin."""
    if not policy.can_read_analytics(user):
        raise Forbidden(_("Engagement analytics are for community managers and administrators."))


def _items(build: Callable[[User, Range], list]) -> Callable[[User, Range], dict]:
    return lambda viewer, period: {"range": period.as_dict(), "items": build(viewer, period)}


JSON_REPORTS: dict[str, Callable[[User, Range], dict[str, Any]]] = {
    "overview": lambda _viewer, period: content.overview(period),
    "groups": _items(content.groups),
    "contributors": _items(lambda _v, period: content.contributors(period)),
    "questions": lambda viewer, period: {
        "range": period.as_dict(),
        **content.questions(viewer, period),
    },
    "answers": lambda viewer, period: {
        "range": period.as_dict(),
        **answers.per_group(viewer, period),
    },
    "announcements": _items(programs.announcements),
    "newsletters": _items(lambda viewer, p: newsletter_rows(viewer, p.since, p.until)),
    "polls": _items(programs.polls),
    "kudos": _items(lambda _v, period: programs.kudos_per_value(period)),
    "moderation": lambda _viewer, period: programs.moderation(period),
    # as of today, whatever the range (journeys span weeks): see services/onboarding/figures
    "onboarding": lambda _viewer, period: {
        "range": period.as_dict(),
        **onboarding_figures(company_today()),
    },
}


def report(viewer: User, name: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON report ``name`` for the ``from``/``to`` of ``args``."""
    check_can_read(viewer)
    period = check_range(args.get("from"), args.get("to"))
    return JSON_REPORTS[name](viewer, period)


def _person(user: dict[str, Any]) -> list[Any]:
    return [user["id"], user["display_name"], user["handle"]]


#: CSV tables: (header, rows from the JSON report's data).
CSV_TABLES: dict[str, tuple[str, list[str], Callable[[dict], list[list[Any]]]]] = {
    "daily": (
        "overview",
        ["day", "active_people", "posts", "comments", "reactions"],
        lambda r: [
            [d["day"], d["active"], d["posts"], d["comments"], d["reactions"]] for d in r["daily"]
        ],
    ),
    "weekly": (
        "overview",
        ["week_start", "active_people"],
        lambda r: [[w["start"], w["active"]] for w in r["weekly"]],
    ),
    "monthly": (
        "overview",
        ["month_start", "active_people"],
        lambda r: [[m["start"], m["active"]] for m in r["monthly"]],
    ),
    "groups": (
        "groups",
        ["group_id", "name", "visibility", "archived", "members", "active_members", "posts"]
        + ["comments", "replies_per_post"],
        lambda r: [
            [g["group_id"], g["name"], g["visibility"], g["archived"], g["members"]]
            + [g["active_members"], g["posts"], g["comments"], g["replies_per_post"]]
            for g in r["items"]
        ],
    ),
    "contributors": (
        "contributors",
        ["user_id", "display_name", "handle", "posts", "comments", "reactions_given"],
        lambda r: [
            [*_person(c["user"]), c["posts"], c["comments"], c["reactions_given"]]
            for c in r["items"]
        ],
    ),
    "questions": (
        "questions",
        ["post_id", "created_at", "author_id", "author", "group_id", "group", "excerpt", "url"],
        lambda r: [
            [q["post_id"], q["created_at"], q["author"]["id"], q["author"]["display_name"]]
            + [q["group_id"], q["group_name"], q["excerpt"], q["url"]]
            for q in r["items"]
        ],
    ),
    "announcements": (
        "announcements",
        ["announcement_id", "published_at", "title", "audience_kind", "audience_value"]
        + ["recipients", "read", "read_rate"],
        lambda r: [
            [a["announcement_id"], a["published_at"], a["title"], a["audience_kind"]]
            + [a["audience_value"], a["recipients"], a["read"], a["read_rate"]]
            for a in r["items"]
        ],
    ),
    "newsletters": (
        "newsletters",
        ["newsletter_id", "published_at", "title", "recipients", "sent", "opened", "open_rate"]
        + ["clicked", "click_rate"],
        lambda r: [
            [n["id"], n["published_at"], n["title"], n["recipients"], n["sent"], n["opened"]]
            + [n["open_rate"], n["clicked"], n["click_rate"]]
            for n in r["items"]
        ],
    ),
    "polls": (
        "polls",
        ["poll_id", "created_at", "question", "group_id", "closed", "ballots", "audience"]
        + ["participation"],
        lambda r: [
            [p["poll_id"], p["created_at"], p["question"], p["group_id"], p["closed"]]
            + [p["ballots"], p["audience"], p["participation"]]
            for p in r["items"]
        ],
    ),
    "kudos": (
        "kudos",
        ["value_id", "value", "kudos", "recipients"],
        lambda r: [[v["value_id"], v["name"], v["kudos"], v["recipients"]] for v in r["items"]],
    ),
    "moderation": (
        "moderation",
        ["day", "opened", "closed"],
        lambda r: [[d["day"], d["opened"], d["closed"]] for d in r["daily"]],
    ),
    "onboarding": (
        "onboarding",
        ["template", "step", "late", "total", "late_rate"],
        lambda r: [
            [s["template_name"], s["title"], s["late"], s["total"], s["late_rate"]]
            for s in r["late_steps"]
        ],
    ),
}


def export_csv(viewer: User, table: str, args: Mapping[str, Any]) -> str:
    """The table ``table`` as CSV (cells made formula-safe by ``csv_export.to_csv``).

    :raise NotFound: no such table.
    """
    check_can_read(viewer)
    if table not in CSV_TABLES:
        raise NotFound(_("No such analytics table."))
    source, header, rows = CSV_TABLES[table]
    return to_csv(header, rows(report(viewer, source, args)))


def dashboard(viewer: User, args: Mapping[str, Any]) -> dict[str, Any]:
    """Every JSON report for one range, keyed by name (the dashboard page)."""
    check_can_read(viewer)
    period = check_range(args.get("from"), args.get("to"))
    return {name: build(viewer, period) for name, build in JSON_REPORTS.items()}
