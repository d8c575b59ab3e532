"""People: directory search, profiles, and admin account management."""

from flask import jsonify, request

from .. import policy
from ..pagination import parse_limit
from ..serializers import page, user_private, user_profile
from ..services import accounts, directory, feed
from ..services.editorial.roles import role_of
from ..services.people import skills
from ..services.validation import parse_flag
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.get("/users")
def search_users():
    viewer = require_user()
    people, next_cursor = directory.search_people(
        query=request.args.get("q"),
        department=request.args.get("department"),
        site=request.args.get("site"),
        skill=request.args.get("skill"),
        cursor=request.args.get("cursor"),
        limit=parse_limit(request.args.get("limit")),
        include_inactive=parse_flag(request.args.get("include_inactive"), "include_inactive")
        and policy.can_manage_users(viewer),
        viewer=viewer,
    )
    serialize = user_private if policy.can_manage_users(viewer) else user_profile
    return jsonify(page([serialize(p) for p in people], next_cursor))


@bp.post("/users")
def create_user():
    user = accounts.do_create_user(json_body(), actor=require_user())
    commit()
    return created(user_private(user))


@bp.get("/users/<id:user_id>")
def get_user(user_id: int):
    viewer = require_user()
    user = accounts.access_user(user_id, viewer)
    serialize = (
        user_private if viewer.id == user.id or policy.can_manage_users(viewer) else user_profile
    )
    data = serialize(user, skills=skills.skills_of(user))
    return jsonify({**data, "correspondent": role_of(user)})


@bp.patch("/users/<id:user_id>")
def update_user(user_id: int):
    user = accounts.do_update_user(require_user(), user_id, json_body())
    commit()
    return jsonify(user_private(user))


@bp.get("/users/<id:user_id>/posts")
def user_posts(user_id: int):
    viewer = require_user()
    author = accounts.access_user(user_id, viewer)
    items, next_cursor = feed.profile_feed(
        viewer, author, request.args.get("cursor"), parse_limit(request.args.get("limit"))
    )
    return jsonify(page(items, next_cursor))
