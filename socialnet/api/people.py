"""People: the profile one edits oneself, skills and endorsements."""

from flask import jsonify, redirect, request

from ..downloads import send_stored
from ..serializers import avatar_url, user_private
from ..services import accounts
from ..services.people import avatar, experts, org, profile, skills
from ..services.validation import check_filter_text
from ..unit_of_work import commit
from .blueprint import bp
from .common import json_body, require_user
from .files import received_file

#: A versioned avatar URL never changes content: cached for a year, by the browser only.
_AVATAR_CACHE = "private, max-age=31536000, immutable"


@bp.patch("/me")
def update_me():
    user = profile.do_update_own_profile(require_user(), json_body())
    commit()
    return jsonify(user_private(user, skills=skills.skills_of(user)))


@bp.put("/me/avatar")
def set_avatar():
    user = avatar.do_set_avatar(require_user(), received_file()[1])
    commit()
    return jsonify(user_private(user, skills=skills.skills_of(user)))


@bp.delete("/me/avatar")
def remove_avatar():
    user = avatar.do_remove_avatar(require_user())
    commit()
    return jsonify(user_private(user, skills=skills.skills_of(user)))


@bp.get("/users/<id:user_id>/avatar/<int:version>/<int:size>")
def download_avatar(user_id: int, version: int, size: int):
    person, key = avatar.access_avatar(require_user(), user_id, size)
    if version != person.avatar_version:  # an old page: the current one, not cached
        response = redirect(avatar_url(person, size))
        response.headers["Cache-Control"] = "private, no-cache"
        return response
    response = send_stored(key, "image/webp", "avatar.webp", inline=True)
    response.headers["Cache-Control"] = _AVATAR_CACHE
    return response


@bp.get("/skills")
def suggest_skills():
    require_user()
    return jsonify({"items": skills.suggest(check_filter_text(request.args.get("q"), "q"))})


@bp.put("/users/<id:user_id>/skills/<path:skill>/endorsement")
def endorse(user_id: int, skill: str):
    viewer = require_user()
    state = skills.do_endorse(viewer, accounts.access_user(user_id, viewer), skill)
    commit()
    return jsonify(state)


@bp.delete("/users/<id:user_id>/skills/<path:skill>/endorsement")
def withdraw_endorsement(user_id: int, skill: str):
    viewer = require_user()
    state = skills.do_withdraw(viewer, accounts.access_user(user_id, viewer), skill)
    commit()
    return jsonify(state)


@bp.get("/users/<id:user_id>/org")
def org_chart(user_id: int):
    viewer = require_user()
    return jsonify(org.org_chart(accounts.access_user(user_id, viewer), viewer))


@bp.get("/experts")
def find_experts():
    return jsonify({"items": experts.find_experts(require_user(), request.args.get("topic"))})
