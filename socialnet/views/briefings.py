"""Briefing pages: the "Briefings" space (the team's list and form, a manager's
briefings), a briefing (read receipt, the relay form after the embargo, the team's
progress and answers) and the page where people a relay reached ask their questions.

Forms post and redirect, CSRF-protected; the rules are in
:mod:`socialnet.services.briefings` (anyone else: 404, as for a missing page).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..models import BRIEFING_AUDIENCES
from ..services import briefings
from ..unit_of_work import attempt, commit
from ._common import local_instant, me

bp = Blueprint("briefings", __name__)

EMPTY = {"title": "", "key_messages": "", "talking_points": "", "embargo_at": "",
         "audience_kind": "managers", "audience_value": ""}  # fmt: skip


@bp.app_context_processor
def _globals() -> dict[str, Any]:
    def may_see_briefings() -> bool:
        """The "Briefings" link (:func:`policy.may_see_briefings`)."""
        return current_user.is_authenticated and policy.may_see_briefings(current_user)

    return {"may_see_briefings": may_see_briefings}


def _form_briefing() -> tuple[dict[str, str], dict[str, Any]]:
    form = {key: request.form.get(key, "") for key in EMPTY}
    audience: dict[str, Any] = {"kind": form["audience_kind"]}
    if form["audience_kind"] != "managers":
        audience["value"] = form["audience_value"]
    data = {
        "title": form["title"],
        "key_messages": [line for line in form["key_messages"].splitlines() if line.strip()],
        "talking_points": form["talking_points"],
        "embargo_at": local_instant(form["embargo_at"]),
        "audience": audience,
    }
    return form, data


def _index(draft: dict[str, Any], status: int = 200):
    """The Briefings space; a 404 for whoever has none and may not have any (employees,
    guests), as for a page that does not exist."""
    user = me()
    items = briefings.list_briefings(user)
    if not items and not policy.may_see_briefings(user):
        abort(404)
    page = render_template(
        "briefings.html",
        briefings=items,
        team=policy.can_manage_briefings(user),
        draft=draft,
        audiences=BRIEFING_AUDIENCES,
    )
    return page, status


@bp.get("/briefings")
@login_required
def index():
    return _index(EMPTY)


@bp.post("/briefings")
@login_required
def create():
    form, data = _form_briefing()
    with attempt() as outcome:
        briefing = briefings.do_create_briefing(me(), data)
    if outcome.failed:
        return _index(form, outcome.status)
    flash(_("Briefing saved as a draft. Check it, then send it to the managers."), "success")
    return redirect(url_for("briefings.page", briefing_id=briefing.id))


@bp.get("/briefings/<id:briefing_id>")
@login_required
def page(briefing_id: int):
    user = me()
    briefing = briefings.access_briefing(user, briefing_id)
    briefings.do_mark_read(user, briefing)
    commit()
    team = policy.can_manage_briefings(user)
    return render_template(
        "briefing.html",
        briefing=briefings.briefing_dict(user, briefing),
        team=team,
        progress=briefings.progress(user, briefing_id) if team else None,
        questions=briefings.list_questions(user, briefing_id),
    )


def _act(action, success: str, briefing_id: int, anchor: str = ""):
    with attempt() as outcome:
        action()
    if not outcome.failed:
        flash(success, "success")
    return redirect(url_for("briefings.page", briefing_id=briefing_id) + anchor)


@bp.post("/briefings/<id:briefing_id>/send")
@login_required
def send(briefing_id: int):
    return _act(
        lambda: briefings.do_send_briefing(me(), briefing_id),
        _("The briefing is sent to the managers."),
        briefing_id,
    )


@bp.post("/briefings/<id:briefing_id>/relay")
@login_required
def relay(briefing_id: int):
    data: dict[str, Any] = {
        "title": request.form.get("title", ""),
        "body": request.form.get("body", ""),
    }
    return _act(
        lambda: briefings.do_relay(me(), briefing_id, data),
        _("Your team has the news: it is pinned at the top of their feed."),
        briefing_id,
        "#relay",
    )


@bp.post("/briefings/<id:briefing_id>/questions/<id:question_id>/answer")
@login_required
def answer(briefing_id: int, question_id: int):
    data = {"answer": request.form.get("answer", "")}
    return _act(
        lambda: briefings.do_answer(me(), briefing_id, question_id, data),
        _("Answer saved: it is part of the Q&A now."),
        briefing_id,
        "#questions",
    )


@bp.get("/briefings/<id:briefing_id>/ask")
@login_required
def ask_page(briefing_id: int, status: int = 200):
    user = me()
    questions = briefings.list_questions(user, briefing_id)
    return render_template(
        "briefing_ask.html", briefing_id=briefing_id, questions=questions
    ), status


@bp.post("/briefings/<id:briefing_id>/ask")
@login_required
def ask(briefing_id: int):
    with attempt() as outcome:
        briefings.do_ask(me(), briefing_id, {"question": request.form.get("question", "")})
    if outcome.failed:
        return ask_page(briefing_id, outcome.status)
    flash(_("Your question went to the communication team."), "success")
    return redirect(url_for("briefings.ask_page", briefing_id=briefing_id))
