"""OpenAPI description of lessons learned (socialnet/api/knowledge.py): feedback summaries
(posts of kind `feedback`) and the knowledge base."""

from __future__ import annotations

import copy
from typing import Any

from ...models import FEEDBACK_SECTIONS
from .common import (
    CURSOR,
    LIMIT,
    R400,
    R401,
    R403,
    json_body_of,
    json_response,
    operation,
    page_of,
    ref,
)
from .posts import SCHEMAS as POST_SCHEMAS

_SECTION = {"type": "string", "maxLength": 5000, "nullable": True, "description": "null: empty"}


def _feedback_post_schema() -> dict[str, Any]:
    schema = copy.deepcopy(POST_SCHEMAS["Post"])
    schema["properties"]["kind"] = {"type": "string", "enum": ["feedback"]}
    schema["properties"]["feedback"] = ref("FeedbackSummary")
    schema["required"] = [*schema["required"], "feedback"]
    return schema


SCHEMAS: dict[str, Any] = {
    "FeedbackSummary": {
        "type": "object",
        "description": "A feed item's `feedback`: the sections apart, and the topics "
        "(the post's hashtags, folded)",
        "required": ["sections", "topics"],
        "properties": {
            "sections": {
                "type": "object",
                "required": list(FEEDBACK_SECTIONS),
                "properties": {name: {"type": "string"} for name in FEEDBACK_SECTIONS},
            },
            "topics": {"type": "array", "items": {"type": "string"}},
        },
    },
    "FeedbackPost": _feedback_post_schema(),
    "FeedbackCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "lessons"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            **{name: _SECTION for name in FEEDBACK_SECTIONS},
            "lessons": {"type": "string", "minLength": 1, "maxLength": 5000},
            "topics": {
                "type": "array",
                "maxItems": 10,
                "nullable": True,
                "items": {"type": "string", "description": "a hashtag, with or without '#'"},
            },
            "group_id": {"type": "integer", "nullable": True},
        },
    },
    "KnowledgeTopic": {
        "type": "object",
        "required": ["tag", "count"],
        "properties": {"tag": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
    },
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


PATHS: dict[str, Any] = {
    "/feedback-summaries": {
        "post": operation(
            "Publish a feedback summary (a post of kind `feedback`): context, what worked, "
            "what did not, lessons (required), next steps, topics",
            {201: json_response(ref("FeedbackPost"), "Created"), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("FeedbackCreate"),
        ),
    },
    "/knowledge": {
        "get": operation(
            "The knowledge base: feedback summaries and circles' syntheses the caller may "
            "see, newest or most useful first",
            {200: json_response(page_of("Post")), 400: R400, 401: R401},
            parameters=[
                _query(
                    "kind",
                    "one kind only (default: all of them)",
                    {"type": "string", "enum": ["feedback", "synthesis"]},
                ),
                _query("topic", "a hashtag, with or without '#'", {"type": "string"}),
                _query("q", "words to search for, as in /search", {"type": "string"}),
                _query(
                    "sort",
                    "newest (default) or useful (reactions and comments)",
                    {"type": "string", "enum": ["newest", "useful"]},
                ),
                LIMIT,
                CURSOR,
            ],
        ),
    },
    "/knowledge/topics": {
        "get": operation(
            "The knowledge base's topics, most used first (30 at most)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("KnowledgeTopic")}},
                    }
                ),
                401: R401,
            },
        ),
    },
}
