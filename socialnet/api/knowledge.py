"""Lessons learned: publish a feedback summary; the knowledge base and its topics."""

from __future__ import annotations

from flask import jsonify, request

from ..services import feed, knowledge
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, require_user


@bp.post("/feedback-summaries")
def create_feedback_summary():
    user = require_user()
    post = knowledge.do_create_feedback(user, json_body())
    commit()
    return created(feed.serialize_posts_for(user, [post], fresh=True)[0])


@bp.get("/knowledge")
def knowledge_base():
    return jsonify(knowledge.list_knowledge(require_user(), request.args))


@bp.get("/knowledge/topics")
def knowledge_topics():
    return jsonify({"items": knowledge.knowledge_topics(require_user())})
