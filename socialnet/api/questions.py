"""Questions: the list of questions waiting for an answer, and the best answer.

A question is created like any post (``POST /posts`` with ``"kind": "question"``).
"""

from __future__ import annotations

from flask import jsonify, request

from ..pagination import parse_limit
from ..serializers import page
from ..services import feed, questions
from ..unit_of_work import commit
from .blueprint import bp
from .common import json_body, require_user


@bp.get("/questions")
def list_questions():
    items, next_cursor = questions.list_questions(
        require_user(),
        status=request.args.get("status"),
        group_id=request.args.get("group_id"),
        topic=request.args.get("topic"),
        cursor=request.args.get("cursor"),
        limit=parse_limit(request.args.get("limit")),
    )
    return jsonify(page(items, next_cursor))


@bp.get("/questions/similar")
def similar_questions():
    return jsonify({"items": questions.similar_questions(require_user(), request.args.get("q"))})


@bp.put("/posts/<id:post_id>/best-answer")
def choose_best_answer(post_id: int):
    user = require_user()
    post = questions.do_choose_best_answer(user, post_id, json_body())
    commit()
    return jsonify(feed.serialize_posts_for(user, [post])[0])


@bp.delete("/posts/<id:post_id>/best-answer")
def clear_best_answer(post_id: int):
    user = require_user()
    post = questions.do_clear_best_answer(user, post_id)
    commit()
    return jsonify(feed.serialize_posts_for(user, [post])[0])
