"""Polls and date polls: create, read, vote, retract, close, pick the final slot, export."""

from __future__ import annotations

from flask import Response, jsonify

from ..services import feed, polls
from ..services.validation import check_known_fields
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/polls")
def create_poll():
    user = require_user()
    post = polls.do_create_poll(user, json_body())
    commit()
    return created(feed.serialize_posts_for(user, [post])[0])


@bp.get("/polls/<id:poll_id>")
def get_poll(poll_id: int):
    user = require_user()
    return jsonify(polls.results(user, polls.access_poll(user, poll_id)))


@bp.put("/polls/<id:poll_id>/vote")
def vote(poll_id: int):
    user = require_user()
    poll = polls.do_vote(user, poll_id, json_body())
    commit()
    return jsonify(polls.results(user, poll))


@bp.delete("/polls/<id:poll_id>/vote")
def retract_vote(poll_id: int):
    user = require_user()
    poll = polls.do_retract_vote(user, poll_id)
    commit()
    return jsonify(polls.results(user, poll))


@bp.post("/polls/<id:poll_id>/close")
def close_poll(poll_id: int):
    user = require_user()
    poll = polls.do_close(user, poll_id)
    commit()
    return jsonify(polls.results(user, poll))


@bp.post("/polls/<id:poll_id>/final")
def pick_final_slot(poll_id: int):
    user = require_user()
    data = check_known_fields(json_body(), {"option_id"})
    poll = polls.do_pick_final_slot(user, poll_id, data.get("option_id"))
    commit()
    return jsonify(polls.results(user, poll))


@bp.get("/polls/<id:poll_id>/results.csv")
def export_results(poll_id: int):
    text = polls.export_csv(require_user(), poll_id)
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="poll-{poll_id}-results.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )
