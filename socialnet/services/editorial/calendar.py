"""The editorial calendar as people look at it: a month or a week of days (company time
zone) with the items due or published on each, and the same span as an .ics file for
Outlook or Google Calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as IcsEvent

from ...errors import ValidationFailed
from ...models import EditorialItem, User
from ...models._time import now_utc
from ..celebrations import company_tz
from ..validation import check_filter_text, check_optional_id, parse_date
from .items import item_dict, list_items

VIEWS = ("month", "week")
SLOT = timedelta(minutes=30)


@dataclass(frozen=True)
class Span:
    view: str
    first: date
    end: date  # the day after the last

    @property
    def since(self) -> datetime:
        return _utc(self.first)

    @property
    def until(self) -> datetime:
        return _utc(self.end)

    @property
    def previous(self) -> date:
        return (
            (self.first - timedelta(days=1)).replace(day=1)
            if self.view == "month"
            else (self.first - timedelta(days=7))
        )

    @property
    def following(self) -> date:
        return self.end


def _utc(day: date) -> datetime:
    local = datetime.combine(day, time(0), tzinfo=company_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(company_tz())


def check_span(view: Any, day: Any) -> Span:
    """``view`` (month by default) holding ``day`` (default: today, company time).

    :raise ValidationFailed: ``fields.view`` ``invalid``; a bad ``date``.
    """
    view = view or "month"
    if view not in VIEWS:
        raise ValidationFailed(_("view must be month or week."), fields={"view": "invalid"})
    chosen = parse_date(day, "date") or now_utc().astimezone(company_tz()).date()
    if view == "week":
        first = chosen - timedelta(days=chosen.weekday())
        return Span(view, first, first + timedelta(days=7))
    first = chosen.replace(day=1)
    end = (first + timedelta(days=32)).replace(day=1)
    return Span(view, first, end)


def filters(args: Any) -> dict[str, Any]:
    """``assignee_id`` and ``site`` from a query string. :raise ValidationFailed:"""
    raw = args.get("assignee_id")
    try:
        assignee = int(raw) if raw not in (None, "") else None
    except ValueError as exc:
        raise ValidationFailed(
            _("assignee_id must be a positive integer id."), fields={"assignee_id": "not_id"}
        ) from exc
    return {
        "assignee_id": check_optional_id(assignee, "assignee_id"),
        "site": check_filter_text(args.get("site") or None, "site", max_len=120),
    }


def _day_of(item: EditorialItem) -> date:
    moment = item.publish_at or item.due_at
    return _local(moment).date()


def view(user: User, args: Any) -> dict[str, Any]:
    """``{"view", "from", "to", "days": [{"date", "items"}]}`` for the query ``args``
    (``view``, ``date``, ``assignee_id``, ``site``); ``to`` is the last day."""
    span = check_span(args.get("view"), args.get("date"))
    found = list_items(user, span.since, span.until, **filters(args))
    by_day: dict[date, list[dict[str, Any]]] = {}
    for item in found:
        by_day.setdefault(_day_of(item), []).append(item_dict(item, user))
    days = [span.first + timedelta(days=n) for n in range((span.end - span.first).days)]
    return {
        "view": span.view,
        "from": span.first.isoformat(),
        "to": (span.end - timedelta(days=1)).isoformat(),
        "previous": span.previous.isoformat(),
        "next": span.following.isoformat(),
        "days": [{"date": d.isoformat(), "items": by_day.get(d, [])} for d in days],
    }


def ics(user: User, args: Any, base_url: str, host: str) -> bytes:
    """The same span and filters as an .ics calendar: each item at its publication time
    (else its due time), half an hour long, with its status and brief."""
    span = check_span(args.get("view"), args.get("date"))
    calendar = Calendar()
    calendar.add("prodid", "-//socialnet//editorial calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Editorial calendar"))
    for item in list_items(user, span.since, span.until, **filters(args)):
        start = _local(item.publish_at or item.due_at)
        event = IcsEvent()
        event.add("uid", f"editorial-{item.id}@{host}")
        event.add("dtstamp", item.updated_at.replace(tzinfo=UTC))
        event.add("dtstart", start)
        event.add("dtend", start + SLOT)
        event.add("summary", f"[{item.status}] {item.title}")
        event.add("description", item.brief)
        event.add("url", f"{base_url.rstrip('/')}/editorial?date={start.date().isoformat()}")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
