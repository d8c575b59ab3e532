"""Events pages: the calendar (a month grid and the month's list), the composer's event
form, answering an event without JavaScript, and the personal calendar feed that calendar
applications subscribe to (its secret token is its only credential)."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import login_required

from ..downloads import calendar_download, site_address
from ..errors import DomainError
from ..services import events
from ..services.celebrations import company_tz
from ..unit_of_work import attempt, failed
from ._common import form_next, keep_draft, me
from .announcements import _publish_at

bp = Blueprint("events", __name__)


def _month(raw: str | None) -> date:
    """``?month=YYYY-MM`` (default: this month in the company's zone); a bad one is ignored."""
    if raw and len(raw) == 7:
        try:
            return date.fromisoformat(raw + "-01")
        except ValueError:
            pass
    return datetime.now(company_tz()).date().replace(day=1)


def _local_day(iso_value: str) -> date:
    instant = datetime.fromisoformat(iso_value.replace("Z", "+00:00"))
    return instant.astimezone(company_tz()).date()


@bp.get("/events")
@login_required
def calendar_page():
    first = _month(request.args.get("month"))
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    status = 200
    try:
        items = events.list_events(me(), first.isoformat(), last.isoformat(), None)
    except DomainError as error:
        status, items = failed(error), []
    by_day: dict[date, list[dict]] = {}
    for item in items:
        day = max(_local_day(item["starts_at"]), first)
        by_day.setdefault(day, []).append(item)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render_template(
        "events.html",
        month=first,
        weeks=weeks,
        by_day=by_day,
        items=items,
        today=datetime.now(company_tz()).date(),
        month_label=format_date(first, "LLLL y"),
        weekdays=[(format_date(d, "EEEE"), format_date(d, "EEE")) for d in weeks[0]],
        previous=previous.strftime("%Y-%m"),
        following=following.strftime("%Y-%m"),
    ), status


@bp.post("/events/<id:event_id>/rsvp")
@login_required
def rsvp(event_id: int):
    with attempt():
        events.do_rsvp(me(), event_id, {"status": request.form.get("status", "")})
    return redirect(form_next() or url_for("events.calendar_page"))


@bp.get("/calendar/<string:token>.ics")
def calendar_feed(token: str) -> Response:
    """A person's feed: no session, no CSRF; an unknown or revoked token is a 404."""
    return calendar_download(events.feed_ics(token, *site_address()), "socialnet.ics")


@bp.post("/events/new")
@login_required
def create_event():
    """The composer's event form (``datetime-local`` times in the browser's zone, as
    ``tz_offset`` says); a refused form comes back filled, with the reason."""
    form, offset = request.form, request.form.get("tz_offset", "")
    raw_group = form.get("group_id", "")
    data = {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "starts_at": _publish_at(form.get("starts_at", ""), offset),
        "ends_at": _publish_at(form.get("ends_at", ""), offset),
        "location": form.get("location", ""),
        "group_id": int(raw_group) if raw_group.isascii() and raw_group.isdigit() else None,
    }
    back = form_next() or url_for("feed.home")
    with attempt() as outcome:
        post = events.do_create_event(me(), data)
    if outcome.failed:
        keep_draft("event")
        return redirect(back.partition("#")[0] + "#event-composer")
    flash(_("Your event is live."), "success")
    return redirect(f"{back.partition('#')[0]}#post-{post.id}")
