"""Events pages: the calendar (a month grid and the month's list), the composer's event
form, answering an event without JavaScript, and the personal calendar feed that calendar
applications subscribe to (its secret token is its only credential)."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import login_required

from ..downloads import calendar_download, site_address
from ..errors import DomainError
from ..models._time import now_utc
from ..services import events
from ..services.celebrations import company_tz
from ..unit_of_work import attempt, commit, failed
from ._common import company_instant, form_next, keep_draft, me
from .announcements import _publish_at

bp = Blueprint("events", __name__)


def _month(raw: str | None) -> date:
    """``?month=YYYY-MM`` (default: this month in the company's zone); a bad one is ignored."""
    if raw and len(raw) == 7:
        try:
            return date.fromisoformat(raw + "-01")
        except ValueError:
            pass
    return now_utc().astimezone(company_tz()).date().replace(day=1)


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
        today=now_utc().astimezone(company_tz()).date(),
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
        "online_url": form.get("online_url", "").strip() or None,
        "capacity": _capacity(form.get("capacity", "")),
        "rsvp_closes_at": _publish_at(form.get("rsvp_closes_at", ""), offset),
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


# --- organisers' pages: edit, cancel, attendance, messages; one's calendar feed -----------

EDIT_TEXT_FIELDS = ("title", "description", "location", "online_url")
EDIT_TIME_FIELDS = ("starts_at", "ends_at", "rsvp_closes_at")


def _capacity(raw: str) -> int | str | None:
    """A form's seat count: a number, None when empty (no limit), else the text as typed
    (the service says why it is refused)."""
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else raw


def _local_input(iso_value: str | None) -> str:
    """An event's instant as a ``datetime-local`` value in the company's zone."""
    if not iso_value:
        return ""
    instant = datetime.fromisoformat(iso_value.replace("Z", "+00:00"))
    return instant.astimezone(company_tz()).strftime("%Y-%m-%dT%H:%M")


def _edit_form_data() -> dict:
    form = request.form
    data: dict = {name: form.get(name, "") for name in EDIT_TEXT_FIELDS}
    data["online_url"] = data["online_url"] or None
    for name in EDIT_TIME_FIELDS:
        data[name] = company_instant(form.get(name, ""))
    data["capacity"] = _capacity(form.get("capacity", ""))
    return data


def _edit_page(event: dict, values: dict, status: int = 200):
    return render_template("event_edit.html", event=event, values=values), status


@bp.route("/events/<id:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    """Organisers change an event; the people who answered are told what changed."""
    post, _details = events.access_event(me(), event_id)
    event = events.event_for(me(), post)
    if not event["can_manage"]:
        abort(403)
    if request.method == "GET":
        values = {name: event[name] or "" for name in EDIT_TEXT_FIELDS}
        values |= {name: _local_input(event[name]) for name in EDIT_TIME_FIELDS}
        values["capacity"] = event["capacity"] or ""
        return _edit_page(event, values)
    with attempt() as outcome:
        events.do_edit_event(me(), event_id, _edit_form_data())
    if outcome.failed:
        return _edit_page(event, request.form.to_dict(), outcome.status)
    flash(_("The event is updated; the people who answered are told what changed."), "success")
    return redirect(f"/posts/{event_id}")


@bp.post("/events/<id:event_id>/cancel")
@login_required
def cancel(event_id: int):
    with attempt() as outcome:
        events.do_cancel_event(me(), event_id)
    if not outcome.failed:
        flash(_("The event is cancelled; everyone who answered is told."), "success")
    return redirect(form_next() or f"/posts/{event_id}")


@bp.post("/events/<id:event_id>/message")
@login_required
def message(event_id: int):
    with attempt() as outcome:
        told = events.do_message_attendees(me(), event_id, {"body": request.form.get("body", "")})
    if not outcome.failed:
        flash(ngettext("%(num)d person told.", "%(num)d people told.", told), "success")
    return redirect(form_next() or f"/posts/{event_id}")


@bp.route("/events/<id:event_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(event_id: int):
    """Organisers tick who came, once the event has started."""
    status = 200
    if request.method == "POST":
        ids = [int(v) for v in request.form.getlist("user_id") if v.isascii() and v.isdigit()]
        with attempt() as outcome:
            events.do_take_attendance(me(), event_id, {"user_ids": ids[:10_000]})
        if not outcome.failed:
            flash(_("Attendance saved."), "success")
            return redirect(f"/posts/{event_id}")
        status = outcome.status
    post, _details = events.access_event(me(), event_id)
    event = events.event_for(me(), post)
    if not event["can_manage"]:
        abort(403)
    people = events.attendees(me(), event_id)
    return render_template("event_attendance.html", event=event, people=people), status


@bp.post("/events/calendar-feed")
@login_required
def create_feed():
    """Shown once, on this page: the secret address of one's calendar feed (a new one
    replaces the old)."""
    token = events.do_create_feed(me())
    commit()
    base, _host = site_address()
    url = base.rstrip("/") + url_for("events.calendar_feed", token=token)
    return render_template("calendar_feed.html", url=url)


@bp.post("/events/calendar-feed/revoke")
@login_required
def revoke_feed():
    with attempt() as outcome:
        events.do_revoke_feed(me())
    if not outcome.failed:
        flash(_("Your calendar feed address no longer works."), "success")
    return redirect(url_for("events.calendar_page"))
