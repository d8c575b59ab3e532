"""Groups: directory, pages, membership, join requests, and each group's feed."""

from flask import jsonify, request

from ..pagination import parse_limit
from ..serializers import page
from ..services import groups, pins
from ..services.validation import parse_flag
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.get("/groups")
def list_groups():
    items, next_cursor = groups.list_groups(
        require_user(),
        query=request.args.get("q"),
        mine=parse_flag(request.args.get("mine"), "mine"),
        cursor=request.args.get("cursor"),
        limit=parse_limit(request.args.get("limit")),
    )
    return jsonify(page(items, next_cursor))


@bp.post("/groups")
def create_group():
    user = require_user()
    group = groups.do_create_group(user, json_body())
    commit()
    return created(groups.describe(user, group))


@bp.get("/groups/<id:group_id>")
def get_group(group_id: int):
    user = require_user()
    return jsonify(groups.describe(user, groups.access_group(user, group_id)))


@bp.patch("/groups/<id:group_id>")
def update_group(group_id: int):
    user = require_user()
    group = groups.do_update_group(user, group_id, json_body())
    commit()
    return jsonify(groups.describe(user, group))


@bp.delete("/groups/<id:group_id>")
def delete_group(group_id: int):
    groups.do_delete_group(require_user(), group_id)
    commit()
    return no_content()


@bp.get("/groups/<id:group_id>/feed")
def group_feed(group_id: int):
    user = require_user()
    items, next_cursor = groups.group_feed(
        user, group_id, request.args.get("cursor"), parse_limit(request.args.get("limit"))
    )
    body = page(items, next_cursor)
    if not request.args.get("cursor"):
        body["pinned_posts"] = pins.pinned_posts(user, group_id)  # group_feed checked access
    return jsonify(body)


@bp.get("/groups/<id:group_id>/members")
def list_members(group_id: int):
    items, next_cursor = groups.list_members(
        require_user(), group_id, request.args.get("cursor"), parse_limit(request.args.get("limit"))
    )
    return jsonify(page(items, next_cursor))


@bp.post("/groups/<id:group_id>/members")
def add_member(group_id: int):
    user = groups.do_add_member(require_user(), group_id, json_body())
    commit()
    return created({"group_id": group_id, "user_id": user.id, "status": "joined"})


@bp.delete("/groups/<id:group_id>/members/<id:user_id>")
def remove_member(group_id: int, user_id: int):
    groups.do_remove_member(require_user(), group_id, user_id)
    commit()
    return no_content()


@bp.patch("/groups/<id:group_id>/members/<id:user_id>")
def set_member_role(group_id: int, user_id: int):
    groups.do_set_member_role(require_user(), group_id, user_id, json_body())
    commit()
    return no_content()


@bp.post("/groups/<id:group_id>/join")
def join_group(group_id: int):
    status = groups.do_join(require_user(), group_id)
    commit()
    return jsonify({"group_id": group_id, "status": status})


@bp.get("/groups/<id:group_id>/requests")
def list_requests(group_id: int):
    items = groups.list_join_requests(require_user(), group_id)
    return jsonify({"items": items, "next_cursor": None})


@bp.post("/groups/<id:group_id>/requests/<id:user_id>/<any(approve, decline):decision>")
def decide_request(group_id: int, user_id: int, decision: str):
    status = groups.do_decide_request(
        require_user(), group_id, user_id, approve=decision == "approve"
    )
    commit()
    return jsonify({"group_id": group_id, "user_id": user_id, "status": status})
