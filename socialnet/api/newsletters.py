"""Newsletters: compose, schedule, cancel, preview as a reader, read, reach (and CSV)."""

from flask import Response, jsonify, request

from ..pagination import parse_limit
from ..services.newsletters import composing, reading, sending, tracking
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/newsletters")
def create_newsletter():
    user = require_user()
    newsletter = composing.do_create_newsletter(user, json_body())
    commit()
    return created(reading.describe(user, newsletter))


@bp.get("/newsletters")
def list_newsletters():
    user = require_user()
    limit = parse_limit(request.args.get("limit"))
    return jsonify(reading.list_newsletters(user, request.args.get("cursor"), limit))


@bp.get("/newsletters/<id:newsletter_id>")
def get_newsletter(newsletter_id: int):
    user = require_user()
    return jsonify(reading.describe(user, composing.access_newsletter(user, newsletter_id)))


@bp.patch("/newsletters/<id:newsletter_id>")
def update_newsletter(newsletter_id: int):
    user = require_user()
    newsletter = composing.do_update_newsletter(user, newsletter_id, json_body())
    commit()
    return jsonify(reading.describe(user, newsletter))


@bp.post("/newsletters/<id:newsletter_id>/schedule")
def schedule_newsletter(newsletter_id: int):
    user = require_user()
    newsletter = composing.do_schedule(user, newsletter_id, json_body())
    commit()
    return jsonify(reading.describe(user, newsletter))


@bp.post("/newsletters/<id:newsletter_id>/cancel")
def cancel_newsletter(newsletter_id: int):
    user = require_user()
    newsletter = composing.do_cancel(user, newsletter_id)
    commit()
    return jsonify(reading.describe(user, newsletter))


@bp.get("/newsletters/<id:newsletter_id>/preview")
def preview_newsletter(newsletter_id: int):
    return jsonify(sending.preview(require_user(), newsletter_id, request.args.get("user_id")))


@bp.get("/newsletters/<id:newsletter_id>/reach")
def newsletter_reach(newsletter_id: int):
    return jsonify(tracking.reach(require_user(), newsletter_id))


@bp.get("/newsletters/<id:newsletter_id>/reach.csv")
def newsletter_reach_csv(newsletter_id: int):
    text = tracking.reach_csv(require_user(), newsletter_id)
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="newsletter-{newsletter_id}-reach.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
