"""The notification centre and its settings (mute a type), without JavaScript.

The bell in the header (base.html) links here; app.js turns it into a dropdown
fed by GET /api/v1/notifications and keeps its count live.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..models import MUTABLE_NOTIFICATION_TYPES
from ..services import notifications
from ..unit_of_work import commit
from ._common import form_next, me, safe_next

bp = Blueprint("notifications", __name__)

PAGE = 30

TYPE_LABELS = {
    "mentioned": _l("Someone mentions me"),
    "group_mentioned": _l("A member of a group I belong to mentions the group"),
    "replied": _l("Someone comments on my post"),
    "reacted": _l("Someone reacts to my post"),
    "join_requested": _l("Someone asks to join a group I run"),
    "request_approved": _l("My request to join a group is approved"),
    "added": _l("Someone adds me to a group"),
    "announcement": _l("An announcement is addressed to me"),
    "poll_decided": _l("A date poll I answered has its final slot"),
    "kudos": _l("Someone gives me kudos"),
    "celebrated": _l("Someone celebrates me"),
    "best_answer": _l("My answer is chosen as a question’s best answer"),
    "event_promoted": _l("A seat frees up for an event I wait for"),
    "event_changed": _l("An event I answered changes"),
    "event_cancelled": _l("An event I answered is cancelled"),
    "event_reminder": _l("An event I go to starts tomorrow, or within the hour"),
    "event_invited": _l("I am invited to an event (a date poll became one)"),
    "event_message": _l("The organisers of an event I answered write to us"),
    "synthesis_due": _l("I owe the synthesis of a circle’s session"),
    "synthesis_late": _l("A synthesis is late in a circle I facilitate"),
    "briefing": _l("The communication team sends me a briefing to relay"),
    "briefing_reminder": _l("A briefing I have not relayed yet is waiting"),
    "briefing_answered": _l("My question on a briefing is answered"),
    "editorial_due": _l("An editorial item assigned to me is due within a day"),
    "editorial_late": _l("The weekly summary of late editorial items"),
    "onboarding_step_overdue": _l("A step of my onboarding journey is overdue"),
    "pain_point_status": _l("A pain point I voted for or follow changes status"),
    "pain_point_merged": _l("A pain point I voted for or follow is merged into another"),
}
#: Types no longer written (``invited`` became ``added``): not offered on the page.
RETIRED_TYPES = ("invited",)


@bp.get("/notifications")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    items, next_cursor = notifications.list_notifications(
        me(), request.args.get("cursor"), PAGE, unread_only=unread_only
    )
    return render_template(
        "notifications.html", items=items, next_cursor=next_cursor, unread_only=unread_only
    )


@bp.post("/notifications/read")
@login_required
def mark_read():
    raw = request.form.get("id", "")
    ids = [int(raw)] if raw.isascii() and raw.isdigit() and len(raw) < 12 else None
    notifications.do_mark_read(me(), ids)
    commit()
    if ids is None:
        flash(_("All notifications marked as read."), "success")
    target = safe_next(request.form.get("go"))
    if ids is not None and target:
        return redirect(target)
    return redirect(form_next() or url_for("notifications.index"))


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "POST":
        muted = [
            t
            for t in MUTABLE_NOTIFICATION_TYPES
            if t not in RETIRED_TYPES and request.form.get(f"notify_{t}") != "on"
        ]
        notifications.do_set_muted(me(), muted)
        commit()
        flash(_("Notification settings saved."), "success")
        return redirect(url_for("notifications.settings"))
    muted = set(notifications.muted_types(me()))
    rows = [
        (t, TYPE_LABELS[t], t not in muted)
        for t in MUTABLE_NOTIFICATION_TYPES
        if t not in RETIRED_TYPES
    ]
    return render_template("notification_settings.html", rows=rows)
