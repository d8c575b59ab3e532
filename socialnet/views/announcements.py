"""Announcement composer, read receipts ("Mark as read") and the reach page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from .. import policy
from ..errors import ValidationFailed
from ..extensions import db
from ..models import Announcement, Group
from ..services import announcements, pages
from ..services.validation import parse_datetime
from ..unit_of_work import attempt, commit
from ._common import form_next, me

bp = Blueprint("announcements", __name__)

REACH_PAGE = 50


def _audience_label(announcement: Announcement) -> str:
    """Who an announcement addresses, in words and in the page's language
    (``pages.audience_label``'s wording)."""
    kind, value = announcement.audience_kind, announcement.audience_value
    if kind == "company":
        return _("the whole company")
    if kind == "reports":
        return _("the sender's reporting line")
    if kind == "site":
        return _("the %(site)s site", site=value)
    if kind == "department":
        return _("the %(department)s department", department=value)
    group = db.session.get(Group, announcement.group_id) if announcement.group_id else None
    return _("the %(group)s group", group=group.name) if group else _("a group")


def _audience(raw: str) -> dict:
    """``company`` / ``reports`` / ``site:Lyon`` / ``department:Sales`` / ``group:7``."""
    kind, _, value = raw.partition(":")
    if kind == "group":
        return {"kind": kind, "value": int(value) if value.isascii() and value.isdigit() else value}
    if kind in ("site", "department"):
        return {"kind": kind, "value": value}
    return {"kind": kind}


def _publish_at(raw: str, offset: str) -> str | None:
    """A ``datetime-local`` value in the browser's zone (``offset``: minutes from
    ``Date.getTimezoneOffset()``, filled by app.js; absent: UTC) as ISO 8601 UTC."""
    if not raw:
        return None
    try:
        local = parse_datetime(raw, "publish_at")
        minutes = int(offset) if offset else 0
    except (ValidationFailed, ValueError):
        return raw  # the service answers with the reason
    if local is None or datetime.fromisoformat(raw).tzinfo is not None:
        return raw  # not a datetime-local value: the service reads it as it is
    if not -900 <= minutes <= 900:
        return raw
    # in bounds (far from year 1 and year 9999), so fifteen hours either way cannot overflow
    return (local + timedelta(minutes=minutes)).replace(tzinfo=UTC).isoformat()


def _form_data() -> dict:
    form = request.form
    days = form.get("expires_in_days", "")
    return {
        "title": form.get("title", ""),
        "body": form.get("body", ""),
        "audience": _audience(form.get("audience", "")),
        "expires_in_days": int(days) if days.isascii() and days.isdigit() else days,
        "publish_at": _publish_at(form.get("publish_at", ""), form.get("tz_offset", "")),
        "comments_enabled": form.get("comments_enabled") == "on",
    }


def _render_form(draft: dict, status: int = 200):
    options = pages.announce_options(me())
    return render_template("announcement_form.html", options=options, draft=draft), status


@bp.route("/announcements/new", methods=["GET", "POST"])
@login_required
def create():
    if request.method == "GET":
        draft = {"audience": request.args.get("audience", ""), "expires_in_days": 7}
        return _render_form({**draft, "comments_enabled": True})
    data = _form_data()
    draft = {
        **request.form.to_dict(),
        "comments_enabled": data["comments_enabled"],
        "expires_in_days": data["expires_in_days"],
    }
    with attempt() as outcome:
        announcement = announcements.do_create_announcement(me(), data)
    if outcome.failed:
        return _render_form(draft, outcome.status)
    if announcement.published_at:
        flash(_("Announcement sent: it is pinned at the top of its audience's feed."), "success")
    else:
        flash(_("Announcement scheduled."), "success")
    return redirect(url_for("announcements.reach", announcement_id=announcement.id))


@bp.get("/announcements/<id:announcement_id>")
@login_required
def show(announcement_id: int):
    announcement = announcements.access_announcement(me(), announcement_id)
    if policy.can_see_reach(me(), announcement) or not announcement.post_id:
        return redirect(url_for("announcements.reach", announcement_id=announcement_id))
    return redirect(url_for("feed.post", post_id=announcement.post_id))


@bp.post("/announcements/<id:announcement_id>/ack")
@login_required
def acknowledge(announcement_id: int):
    announcements.do_acknowledge(me(), announcement_id)
    commit()
    flash(_("Marked as read."), "success")
    return redirect(form_next() or url_for("feed.home"))


@bp.get("/announcements/<id:announcement_id>/reach")
@login_required
def reach(announcement_id: int):
    result = announcements.reach(me(), announcement_id, request.args.get("cursor"), REACH_PAGE)
    announcement = announcements.access_announcement(me(), announcement_id)
    return render_template(
        "reach.html",
        reach=result,
        audience_label=_audience_label(announcement),
        can_remind=policy.can_remind(me(), announcement),
        percent=round(result["rate"] * 100),
    )


@bp.post("/announcements/<id:announcement_id>/remind")
@login_required
def remind(announcement_id: int):
    with attempt() as outcome:
        count = announcements.do_remind(me(), announcement_id)
    if not outcome.failed:
        flash(
            ngettext(
                "Reminder sent to %(num)d person who had not read it.",
                "Reminder sent to %(num)d people who had not read it.",
                count,
            ),
            "success",
        )
    return redirect(url_for("announcements.reach", announcement_id=announcement_id))
