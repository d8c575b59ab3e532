"""Onboarding journeys: HR's templates, journeys (the new joiner, their manager, their
buddy, HR), ticking steps, the final feedback. Figures are under ``/analytics/onboarding``."""

from __future__ import annotations

from flask import jsonify, request

from ..services import onboarding
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


def _journey(user, journey_id: int):
    journey, person = onboarding.access_journey(user, journey_id)
    return jsonify(onboarding.journey_dict(user, journey, person))


@bp.get("/onboarding/templates")
def list_onboarding_templates():
    templates = onboarding.list_templates(require_user())
    return jsonify({"items": [onboarding.template_dict(t) for t in templates]})


@bp.post("/onboarding/templates")
def create_onboarding_template():
    template = onboarding.do_create_template(require_user(), json_body())
    commit()
    return created(onboarding.template_dict(template))


@bp.get("/onboarding/templates/<id:template_id>")
def get_onboarding_template(template_id: int):
    return jsonify(
        onboarding.template_dict(onboarding.access_template(require_user(), template_id))
    )


@bp.patch("/onboarding/templates/<id:template_id>")
def update_onboarding_template(template_id: int):
    template = onboarding.do_update_template(require_user(), template_id, json_body())
    commit()
    return jsonify(onboarding.template_dict(template))


@bp.delete("/onboarding/templates/<id:template_id>")
def delete_onboarding_template(template_id: int):
    onboarding.do_delete_template(require_user(), template_id)
    commit()
    return no_content()


@bp.get("/onboarding/journeys")
def list_onboarding_journeys():
    user = require_user()
    in_progress = onboarding.check_in_progress_flag(request.args.get("in_progress"))
    return jsonify({"items": onboarding.describe_journeys(user, in_progress_only=in_progress)})


@bp.post("/onboarding/journeys")
def start_onboarding_journey():
    user = require_user()
    journey = onboarding.do_start_for(user, json_body())
    commit()
    return created(onboarding.journey_dict(user, *onboarding.access_journey(user, journey.id)))


@bp.get("/onboarding/journeys/<id:journey_id>")
def get_onboarding_journey(journey_id: int):
    return _journey(require_user(), journey_id)


@bp.patch("/onboarding/journeys/<id:journey_id>")
def update_onboarding_journey(journey_id: int):
    user = require_user()
    onboarding.do_set_buddy(user, journey_id, json_body())
    commit()
    return _journey(user, journey_id)


@bp.post("/onboarding/journeys/<id:journey_id>/steps/<id:step_id>")
def complete_onboarding_step(journey_id: int, step_id: int):
    user = require_user()
    body = json_body() if request.content_length else None
    onboarding.do_complete_step(user, journey_id, step_id, body)
    commit()
    return _journey(user, journey_id)


@bp.delete("/onboarding/journeys/<id:journey_id>/steps/<id:step_id>")
def uncomplete_onboarding_step(journey_id: int, step_id: int):
    user = require_user()
    onboarding.do_uncomplete_step(user, journey_id, step_id)
    commit()
    return _journey(user, journey_id)


@bp.post("/onboarding/journeys/<id:journey_id>/feedback")
def answer_onboarding_feedback(journey_id: int):
    user = require_user()
    onboarding.do_answer_feedback(user, journey_id, json_body())
    commit()
    return _journey(user, journey_id)


@bp.get("/me/onboarding")
def my_onboarding():
    user = require_user()
    journey = onboarding.my_journey(user)
    if journey is None:
        return jsonify({"journey": None})
    return jsonify({"journey": onboarding.journey_dict(user, journey, user)})
