"""Announcements: send, read receipts, reach and reminders."""

from flask import jsonify, request

from ..pagination import parse_limit
from ..services import announcements
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/announcements")
def create_announcement():
    user = require_user()
    announcement = announcements.do_create_announcement(user, json_body())
    commit()
    return created(announcements.describe(user, announcement))


@bp.get("/announcements/<id:announcement_id>")
def get_announcement(announcement_id: int):
    user = require_user()
    announcement = announcements.access_announcement(user, announcement_id)
    return jsonify(announcements.describe(user, announcement))


@bp.post("/announcements/<id:announcement_id>/ack")
def acknowledge(announcement_id: int):
    user = require_user()
    announcement = announcements.do_acknowledge(user, announcement_id)
    commit()
    return jsonify(announcements.describe(user, announcement))


@bp.get("/announcements/<id:announcement_id>/reach")
def reach(announcement_id: int):
    result = announcements.reach(
        require_user(),
        announcement_id,
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
    )
    return jsonify(result)


@bp.post("/announcements/<id:announcement_id>/remind")
def remind(announcement_id: int):
    reminded = announcements.do_remind(require_user(), announcement_id)
    commit()
    return jsonify({"reminded": reminded})
