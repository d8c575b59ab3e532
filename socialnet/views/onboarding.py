"""Onboarding pages: my journey (the checklist, the final question), a journey seen by
the manager, the buddy or HR, the journeys one follows, and HR's templates."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..services import onboarding
from ..unit_of_work import attempt
from ._common import me

bp = Blueprint("onboarding", __name__)


@bp.get("/onboarding")
@login_required
def index():
    mine = onboarding.my_journey(me())
    followed = [j for j in onboarding.describe_journeys(me()) if j["user"]["id"] != me().id]
    return render_template(
        "onboarding.html",
        journey=onboarding.journey_dict(me(), mine, me()) if mine else None,
        followed=followed,
        may_manage=onboarding.may_manage(me()),
    )


@bp.get("/onboarding/journeys/<id:journey_id>")
@login_required
def journey(journey_id: int):
    found, person = onboarding.access_journey(me(), journey_id)
    if person.id == me().id:
        return redirect(url_for("onboarding.index"))
    return render_template(
        "onboarding_journey.html", journey=onboarding.journey_dict(me(), found, person)
    )


@bp.post("/onboarding/journeys/<id:journey_id>/steps/<id:step_id>")
@login_required
def tick(journey_id: int, step_id: int):
    with attempt() as outcome:
        if request.form.get("done") == "0":
            onboarding.do_uncomplete_step(me(), journey_id, step_id)
        else:
            answer = request.form.get("answer")
            onboarding.do_complete_step(
                me(), journey_id, step_id, {"answer": answer} if answer is not None else {}
            )
    if not outcome.failed:
        flash(_("Your checklist is up to date."), "success")
    return redirect(url_for("onboarding.index") + f"#step-{step_id}")


@bp.post("/onboarding/journeys/<id:journey_id>/feedback")
@login_required
def feedback(journey_id: int):
    with attempt() as outcome:
        onboarding.do_answer_feedback(me(), journey_id, {"answer": request.form.get("answer", "")})
    if not outcome.failed:
        flash(_("Thank you: HR will read your answer."), "success")
    return redirect(url_for("onboarding.index"))


@bp.post("/onboarding/journeys/<id:journey_id>/buddy")
@login_required
def choose_buddy(journey_id: int):
    with attempt() as outcome:
        buddy_id = onboarding.person_id_of(request.form.get("buddy", ""), "buddy_id")
        onboarding.do_set_buddy(me(), journey_id, {"buddy_id": buddy_id})
    if not outcome.failed:
        flash(_("The buddy was changed."), "success")
    return redirect(url_for("onboarding.journey", journey_id=journey_id))


def _templates_page(draft: dict[str, str] | None = None, status: int = 200):
    found = onboarding.list_templates(me())  # 404 for anyone but HR
    return render_template(
        "onboarding_templates.html",
        templates=[onboarding.template_dict(t) for t in found],
        draft=draft or {},
    ), status


@bp.get("/onboarding/templates")
@login_required
def templates():
    return _templates_page()


@bp.post("/onboarding/templates")
@login_required
def create_template():
    with attempt() as outcome:
        onboarding.do_create_template(me(), onboarding.template_from_form(request.form))
    if outcome.failed:
        return _templates_page(dict(request.form), outcome.status)
    flash(_("The journey template was saved."), "success")
    return redirect(url_for("onboarding.templates"))
