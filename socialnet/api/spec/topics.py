"""OpenAPI description of the topics routes (socialnet/api/topics.py): a hashtag's page,
following it, the trending and popular lists, describing and merging (community managers).
A post's ``via_topic`` (home feed) is in :mod:`.posts`."""

from __future__ import annotations

from typing import Any

from .common import (
    CURSOR,
    LIMIT,
    NO_CONTENT,
    NULLABLE_STRING,
    R400,
    R401,
    R403,
    R404,
    json_body_of,
    json_response,
    operation,
    ref,
)

_TOPIC_FIELDS = {
    "tag": {"type": "string", "description": "the folded key (#Qualité → qualite)"},
    "description": {**NULLABLE_STRING, "maxLength": 500},
    "post_count": {
        "type": "integer",
        "minimum": 0,
        "description": "posts the caller may see",
    },
    "follower_count": {"type": "integer", "minimum": 0},
    "following": {"type": "boolean", "description": "the caller follows it"},
    "url": {"type": "string", "description": "the topic's page"},
}

SCHEMAS: dict[str, Any] = {
    "TopicDetail": {
        "type": "object",
        "required": list(_TOPIC_FIELDS),
        "properties": _TOPIC_FIELDS,
    },
    "TopicPage": {
        "allOf": [
            ref("TopicDetail"),
            {
                "type": "object",
                "required": ["items", "next_cursor"],
                "properties": {
                    "items": {"type": "array", "items": ref("Post")},
                    "next_cursor": {"type": "string", "nullable": True},
                },
            },
        ]
    },
    "TopicListItem": {
        "type": "object",
        "required": ["tag", "post_count", "description", "url"],
        "properties": {
            key: _TOPIC_FIELDS[key] for key in ("tag", "post_count", "description", "url")
        },
    },
    "TopicDescription": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "description": {
                **NULLABLE_STRING,
                "maxLength": 500,
                "description": "empty or null clears it",
            }
        },
    },
    "TopicMerge": {
        "type": "object",
        "additionalProperties": False,
        "required": ["into"],
        "properties": {
            "into": {"type": "string", "maxLength": 64, "description": "the tag to keep"}
        },
    },
}

_TAG = {
    "name": "tag",
    "in": "path",
    "required": True,
    "description": "a hashtag, with or without `#`; an alias (a merged tag) answers for "
    "the tag it was merged into",
    "schema": {"type": "string", "maxLength": 64},
}
_TOPIC = json_response(ref("TopicDetail"))

PATHS: dict[str, Any] = {
    "/topics": {
        "get": operation(
            "Topics by the number of their posts the caller may see: in the last 7 days "
            "(trending) or ever (popular); most first",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("TopicListItem")}},
                    }
                ),
                400: R400,
                401: R401,
            },
            parameters=[
                {
                    "name": "sort",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "string",
                        "enum": ["trending", "popular"],
                        "default": "trending",
                    },
                },
                {**LIMIT, "description": "50 at most are listed"},
            ],
        )
    },
    "/topics/{tag}": {
        "parameters": [_TAG],
        "get": operation(
            "A topic and a page of its posts the caller may see, newest first (404 when the "
            "caller sees none of its posts and it has no description)",
            {200: json_response(ref("TopicPage")), 400: R400, 401: R401, 404: R404},
            parameters=[LIMIT, CURSOR],
        ),
        "patch": operation(
            "Describe a topic (community managers and admins)",
            {200: _TOPIC, 400: R400, 401: R401, 403: R403, 404: R404},
            requestBody=json_body_of("TopicDescription"),
        ),
    },
    "/topics/{tag}/merge": {
        "parameters": [_TAG],
        "post": operation(
            "Merge this tag into another (community managers and admins): its posts and "
            "followers move there, and later posts using it land there; answers the target",
            {200: _TOPIC, 400: R400, 401: R401, 403: R403, 404: R404},
            requestBody=json_body_of("TopicMerge"),
        ),
    },
    "/topics/{tag}/follow": {
        "parameters": [_TAG],
        "put": operation(
            "Follow a topic (idempotent): its posts in public groups the caller is not in "
            "reach their home feed, with `via_topic`",
            {200: _TOPIC, 400: R400, 401: R401, 404: R404},
        ),
        "delete": operation(
            "Stop following a topic (idempotent)",
            {204: NO_CONTENT, 400: R400, 401: R401, 404: R404},
        ),
    },
}
