"""Peer-learning circles: create, read, topics and votes, sessions, attendance,
syntheses (publish, share company-wide), the dashboard."""

from __future__ import annotations

from flask import jsonify

from ..services import circles, feed
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


def _topic(user, circle, topic) -> dict:
    return circles.topic_dicts(user, circle, [topic])[0]


@bp.post("/circles")
def create_circle():
    user = require_user()
    circle = circles.do_create_circle(user, json_body())
    commit()
    return created(circles.circle_dict(user, circle))


@bp.get("/circles")
def list_circles():
    return jsonify({"items": circles.list_circles(require_user())})


@bp.get("/circles/<id:circle_id>")
def get_circle(circle_id: int):
    user = require_user()
    return jsonify(circles.circle_dict(user, circles.access_circle(user, circle_id)))


@bp.patch("/circles/<id:circle_id>")
def update_circle(circle_id: int):
    user = require_user()
    circle = circles.do_update_circle(user, circle_id, json_body())
    commit()
    return jsonify(circles.circle_dict(user, circle))


@bp.get("/circles/<id:circle_id>/dashboard")
def circle_dashboard(circle_id: int):
    return jsonify(circles.dashboard(require_user(), circle_id))


@bp.get("/circles/<id:circle_id>/topics")
def list_circle_topics(circle_id: int):
    user = require_user()
    return jsonify({"items": circles.list_topics(user, circles.access_circle(user, circle_id))})


@bp.post("/circles/<id:circle_id>/topics")
def propose_circle_topic(circle_id: int):
    user = require_user()
    circle, topic = circles.do_propose_topic(user, circle_id, json_body())
    commit()
    return created(_topic(user, circle, topic))


@bp.put("/circles/<id:circle_id>/topics/<id:topic_id>/vote")
def vote_circle_topic(circle_id: int, topic_id: int):
    user = require_user()
    circle, topic = circles.do_vote(user, circle_id, topic_id)
    commit()
    return jsonify(_topic(user, circle, topic))


@bp.delete("/circles/<id:circle_id>/topics/<id:topic_id>/vote")
def unvote_circle_topic(circle_id: int, topic_id: int):
    user = require_user()
    circle, topic = circles.do_unvote(user, circle_id, topic_id)
    commit()
    return jsonify(_topic(user, circle, topic))


@bp.post("/circles/<id:circle_id>/topics/<id:topic_id>/pick")
def pick_circle_topic(circle_id: int, topic_id: int):
    user = require_user()
    circle, topic = circles.do_pick_topic(user, circle_id, topic_id)
    commit()
    return jsonify(_topic(user, circle, topic))


@bp.get("/circles/<id:circle_id>/sessions")
def list_circle_sessions(circle_id: int):
    user = require_user()
    return jsonify({"items": circles.list_sessions(user, circles.access_circle(user, circle_id))})


@bp.post("/circles/<id:circle_id>/sessions")
def create_circle_session(circle_id: int):
    user = require_user()
    circle, session = circles.do_create_session(user, circle_id, json_body())
    commit()
    return created(circles.session_dicts(user, circle, [session])[0])


@bp.get("/circles/<id:circle_id>/sessions/<id:session_id>")
def get_circle_session(circle_id: int, session_id: int):
    user = require_user()
    circle, session = circles.access_session(user, circle_id, session_id)
    return jsonify(circles.session_dicts(user, circle, [session])[0])


@bp.put("/circles/<id:circle_id>/sessions/<id:session_id>/attendance")
def take_circle_attendance(circle_id: int, session_id: int):
    user = require_user()
    circle, session = circles.do_take_attendance(user, circle_id, session_id, json_body())
    commit()
    return jsonify(circles.session_dicts(user, circle, [session])[0])


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis")
def publish_synthesis(circle_id: int, session_id: int):
    user = require_user()
    circle, synthesis = circles.do_publish_synthesis(user, circle_id, session_id, json_body())
    commit()
    return created(_session_of(user, circle, synthesis.session_id)["synthesis"])


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis/share")
def share_synthesis(circle_id: int, session_id: int):
    user = require_user()
    circle, synthesis = circles.do_share_synthesis(user, circle_id, session_id)
    commit()
    return jsonify(_session_of(user, circle, synthesis.session_id)["synthesis"])


@bp.post("/circles/<id:circle_id>/sessions/<id:session_id>/synthesis/relay")
def relay_synthesis(circle_id: int, session_id: int):
    user = require_user()
    post = circles.do_relay_synthesis(user, circle_id, session_id, json_body())
    commit()
    return created(feed.serialize_posts_for(user, [post], fresh=True)[0])


def _session_of(user, circle, session_id: int) -> dict:
    _circle, session = circles.access_session(user, circle.group_id, session_id)
    return circles.session_dicts(user, circle, [session])[0]
