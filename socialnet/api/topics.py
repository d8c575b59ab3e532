"""Topics: a hashtag's page, following it, the trending and popular lists, and (community
managers) describing and merging topics. ``{tag}`` is a hashtag, with or without ``#``."""

from __future__ import annotations

from flask import jsonify, request

from ..pagination import parse_limit
from ..services.topics import core as topics
from ..unit_of_work import commit
from .blueprint import bp
from .common import json_body, no_content, require_user


@bp.get("/topics")
def list_topics():
    items = topics.list_topics(
        require_user(), request.args.get("sort"), parse_limit(request.args.get("limit"))
    )
    return jsonify({"items": items})


@bp.get("/topics/<tag>")
def get_topic(tag: str):
    user = require_user()
    cursor, limit = request.args.get("cursor"), parse_limit(request.args.get("limit"))
    return jsonify(topics.topic_page(user, tag, cursor, limit))


@bp.patch("/topics/<tag>")
def describe_topic(tag: str):
    topic = topics.do_describe(require_user(), tag, json_body())
    commit()
    return jsonify(topic)


@bp.post("/topics/<tag>/merge")
def merge_topic(tag: str):
    topic = topics.do_merge(require_user(), tag, json_body())
    commit()
    return jsonify(topic)


@bp.put("/topics/<tag>/follow")
def follow_topic(tag: str):
    topic = topics.do_follow(require_user(), tag)
    commit()
    return jsonify(topic)


@bp.delete("/topics/<tag>/follow")
def unfollow_topic(tag: str):
    topics.do_unfollow(require_user(), tag)
    commit()
    return no_content()
