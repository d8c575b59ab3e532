"""People: the profile one edits oneself, skills and endorsements."""

from flask import jsonify, request

from ..serializers import user_private
from ..services import accounts
from ..services.people import experts, org, profile, skills
from ..services.validation import check_filter_text
from ..unit_of_work import commit
from .blueprint import bp
from .common import json_body, require_user


@bp.patch("/me")
def update_me():
    user = profile.do_update_own_profile(require_user(), json_body())
    commit()
    return jsonify(user_private(user, skills=skills.skills_of(user)))


@bp.get("/skills")
def suggest_skills():
    require_user()
    return jsonify({"items": skills.suggest(check_filter_text(request.args.get("q"), "q"))})


@bp.put("/users/<id:user_id>/skills/<path:skill>/endorsement")
def endorse(user_id: int, skill: str):
    state = skills.do_endorse(require_user(), accounts.access_user(user_id), skill)
    commit()
    return jsonify(state)


@bp.delete("/users/<id:user_id>/skills/<path:skill>/endorsement")
def withdraw_endorsement(user_id: int, skill: str):
    state = skills.do_withdraw(require_user(), accounts.access_user(user_id), skill)
    commit()
    return jsonify(state)


@bp.get("/users/<id:user_id>/org")
def org_chart(user_id: int):
    require_user()
    return jsonify(org.org_chart(accounts.access_user(user_id)))


@bp.get("/experts")
def find_experts():
    return jsonify({"items": experts.find_experts(require_user(), request.args.get("topic"))})
