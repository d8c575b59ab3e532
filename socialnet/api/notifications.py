"""The caller's notification centre: list, mark read, mute types."""

from flask import jsonify, request

from ..models import MUTABLE_NOTIFICATION_TYPES
from ..pagination import parse_limit
from ..serializers import page
from ..services import notifications
from ..services.validation import check_known_fields
from ..unit_of_work import commit
from .blueprint import bp
from .common import json_body, require_user


@bp.get("/notifications")
def list_notifications():
    user = require_user()
    items, next_cursor = notifications.list_notifications(
        user,
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
        unread_only=notifications.check_unread_flag(request.args.get("unread")),
    )
    return jsonify({**page(items, next_cursor), "unread_count": notifications.unread_count(user)})


@bp.post("/notifications/read")
def mark_read():
    user = require_user()
    notifications.do_mark_read(user, notifications.check_read_request(json_body()))
    commit()
    return jsonify({"unread_count": notifications.unread_count(user)})


@bp.get("/notifications/settings")
def get_settings():
    return jsonify(_settings(notifications.muted_types(require_user())))


@bp.put("/notifications/settings")
def put_settings():
    user = require_user()
    data = check_known_fields(json_body(), {"muted"})
    muted = notifications.do_set_muted(user, data.get("muted"))
    commit()
    return jsonify(_settings(muted))


def _settings(muted: list[str]) -> dict:
    return {"muted": muted, "types": list(MUTABLE_NOTIFICATION_TYPES)}
