"""Circle pages: my circles and the form to start one, a circle's page (dashboard, what is
owed and late, topics and votes, sessions, attendance, sharing) and the synthesis form.

Every action is a CSRF-protected form with post/redirect/get, so the pages work without
JavaScript; the rules are in :mod:`socialnet.services.circles`. A circle's members are
managed on its group's page (a circle is a group).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..models import CADENCES
from ..realtime.catchup import head_event_id
from ..services import circles
from ..unit_of_work import attempt
from ._common import local_instant, me

bp = Blueprint("circles", __name__)


def _form_id(name: str) -> Any:
    """A form's id field as a number when it is one (the service refuses the rest)."""
    raw = request.form.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else (raw or None)


def _back(circle_id: int, anchor: str = ""):
    return redirect(url_for("circles.page", circle_id=circle_id) + anchor)


def _act(action, success: str, circle_id: int, anchor: str = ""):
    with attempt() as outcome:
        action()
    if not outcome.failed:
        flash(success, "success")
    return _back(circle_id, anchor)


@bp.get("/circles")
@login_required
def index():
    draft = {"name": "", "description": "", "cadence": "monthly"}
    return render_template(
        "circles.html", circles=circles.list_circles(me()), draft=draft, cadences=CADENCES
    )


@bp.post("/circles")
@login_required
def create():
    data = {key: request.form.get(key, "") for key in ("name", "description", "cadence")}
    with attempt() as outcome:
        circle = circles.do_create_circle(me(), data)
    if outcome.failed:
        page = render_template(
            "circles.html", circles=circles.list_circles(me()), draft=data, cadences=CADENCES
        )
        return page, outcome.status
    flash(_("Your circle is ready. Add its members from its group page."), "success")
    return redirect(url_for("circles.page", circle_id=circle.group_id))


@bp.get("/circles/<id:circle_id>")
@login_required
def page(circle_id: int):
    user = me()
    circle = circles.access_circle(user, circle_id)
    head = head_event_id()  # before reading: anything newer is replayed by the socket
    return render_template(
        "circle.html",
        head_event_id=head,
        circle=circles.circle_dict(user, circle),
        board=circles.dashboard(user, circle_id),
        topics=circles.list_topics(user, circle),
        sessions=circles.list_sessions(user, circle),
        relay_targets=circles.relay_targets(user),
        cadences=CADENCES,
    )


@bp.post("/circles/<id:circle_id>/settings")
@login_required
def settings(circle_id: int):
    data = {
        "name": request.form.get("name", ""),
        "description": request.form.get("description", ""),
        "cadence": request.form.get("cadence", ""),
        "facilitator_id": _form_id("facilitator_id"),
    }
    return _act(
        lambda: circles.do_update_circle(me(), circle_id, data),
        _("The circle is updated."),
        circle_id,
        "#settings",
    )


@bp.post("/circles/<id:circle_id>/topics")
@login_required
def propose(circle_id: int):
    data = {
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
    }
    return _act(
        lambda: circles.do_propose_topic(me(), circle_id, data),
        _("Topic proposed."),
        circle_id,
        "#topics",
    )


@bp.post("/circles/<id:circle_id>/topics/<id:topic_id>/<any(vote, unvote, pick):action>")
@login_required
def topic_action(circle_id: int, topic_id: int, action: str):
    do, said = {
        "vote": (circles.do_vote, _("Your vote is counted.")),
        "unvote": (circles.do_unvote, _("Your vote is withdrawn.")),
        "pick": (circles.do_pick_topic, _("This topic is next.")),
    }[action]
    return _act(lambda: do(me(), circle_id, topic_id), said, circle_id, "#topics")


@bp.post("/circles/<id:circle_id>/sessions")
@login_required
def plan(circle_id: int):
    data: dict[str, Any] = {
        "starts_at": local_instant(request.form.get("starts_at", "")),
        "presenter_id": _form_id("presenter_id"),
        "scribe_id": _form_id("scribe_id"),
    }
    if request.form.get("topic_id"):
        data["topic_id"] = _form_id("topic_id")
    else:
        data["topic"] = request.form.get("topic", "")
    if request.form.get("location"):
        data["location"] = request.form["location"]
    return _act(
        lambda: circles.do_create_session(me(), circle_id, data),
        _("Session planned: the members are invited."),
        circle_id,
        "#sessions",
    )


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/attendance")
@login_required
def attendance(circle_id: int, session_id: int):
    ids = [int(v) for v in request.form.getlist("user_ids") if v.isascii() and v.isdigit()]
    return _act(
        lambda: circles.do_take_attendance(me(), circle_id, session_id, {"user_ids": ids}),
        _("Attendance recorded."),
        circle_id,
        f"#session-{session_id}",
    )


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis/share")
@login_required
def share(circle_id: int, session_id: int):
    return _act(
        lambda: circles.do_share_synthesis(me(), circle_id, session_id),
        _("Shared company-wide: everyone can find it in the knowledge base and search."),
        circle_id,
        f"#session-{session_id}",
    )


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis/relay")
@login_required
def relay(circle_id: int, session_id: int):
    data = {"group_id": _form_id("group_id"), "note": request.form.get("note", "")}
    return _act(
        lambda: circles.do_relay_synthesis(me(), circle_id, session_id, data),
        _("Passed on to your team."),
        circle_id,
        f"#session-{session_id}",
    )


def _synthesis_page(circle_id: int, session_id: int, draft: dict[str, str], status: int = 200):
    user = me()
    circle, session = circles.access_session(user, circle_id, session_id)
    return render_template(
        "circle_synthesis.html",
        circle=circles.circle_dict(user, circle),
        session=circles.session_dicts(user, circle, [session])[0],
        sections=circles.section_labels(),
        draft=draft,
    ), status


@bp.get("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis")
@login_required
def synthesis_form(circle_id: int, session_id: int):
    return _synthesis_page(circle_id, session_id, {})


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis")
@login_required
def publish(circle_id: int, session_id: int):
    draft = {key: request.form.get(key, "") for key, _label in circles.section_labels()}
    with attempt() as outcome:
        circles.do_publish_synthesis(me(), circle_id, session_id, draft)
    if outcome.failed:
        return _synthesis_page(circle_id, session_id, draft, outcome.status)
    flash(_("Synthesis published in the circle. Thank you!"), "success")
    return _back(circle_id, f"#session-{session_id}")
