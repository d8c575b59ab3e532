"""The editorial calendar: items (create, read, change), month/week views, .ics export."""

from flask import jsonify, request

from ..downloads import calendar_download, site_address
from ..services.editorial import calendar, items
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/editorial/items")
def create_editorial_item():
    item = items.do_create_item(require_user(), json_body())
    commit()
    return created(items.item_dict(item))


@bp.get("/editorial/items")
def editorial_view():
    return jsonify(calendar.view(require_user(), request.args))


@bp.get("/editorial/items/<id:item_id>")
def get_editorial_item(item_id: int):
    return jsonify(items.item_dict(items.access_item(require_user(), item_id)))


@bp.patch("/editorial/items/<id:item_id>")
def update_editorial_item(item_id: int):
    item = items.do_update_item(require_user(), item_id, json_body())
    commit()
    return jsonify(items.item_dict(item))


@bp.get("/editorial/calendar.ics")
def editorial_ics():
    body = calendar.ics(require_user(), request.args, *site_address())
    return calendar_download(body, "editorial-calendar.ics")
