"""The editorial calendar: items (create, read, change), their drafts, month/week views,
.ics export, the per-site results; correspondents (named by administrators)."""

from flask import jsonify, request

from ..downloads import calendar_download, site_address
from ..services.editorial import calendar, correspondents, drafts, items, sites
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.post("/editorial/items")
def create_editorial_item():
    user = require_user()
    item = items.do_create_item(user, json_body())
    commit()
    return created(items.item_dict(item, user))


@bp.get("/editorial/items")
def editorial_view():
    return jsonify(calendar.view(require_user(), request.args))


@bp.get("/editorial/items/<id:item_id>")
def get_editorial_item(item_id: int):
    user = require_user()
    return jsonify(items.item_dict(items.access_item(user, item_id), user))


@bp.patch("/editorial/items/<id:item_id>")
def update_editorial_item(item_id: int):
    user = require_user()
    item = items.do_update_item(user, item_id, json_body())
    commit()
    return jsonify(items.item_dict(item, user))


@bp.get("/editorial/calendar.ics")
def editorial_ics():
    body = calendar.ics(require_user(), request.args, *site_address())
    return calendar_download(body, "editorial-calendar.ics")


@bp.put("/editorial/items/<id:item_id>/draft")
def write_editorial_draft(item_id: int):
    user = require_user()
    item = drafts.do_write_draft(user, item_id, json_body())
    commit()
    return jsonify(items.item_dict(item, user))


@bp.get("/editorial/sites")
def editorial_sites():
    return jsonify(sites.site_view(require_user(), request.args))


@bp.get("/correspondents")
def list_correspondents():
    return jsonify({"items": correspondents.list_correspondents(require_user())})


@bp.put("/users/<id:user_id>/correspondent")
def grant_correspondent(user_id: int):
    row = correspondents.do_grant(require_user(), user_id, json_body())
    commit()
    return jsonify(correspondents.correspondent_dict(row, correspondents.person_of(row)))


@bp.delete("/users/<id:user_id>/correspondent")
def revoke_correspondent(user_id: int):
    correspondents.do_revoke(require_user(), user_id)
    commit()
    return no_content()
