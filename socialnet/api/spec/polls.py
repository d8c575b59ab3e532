"""OpenAPI description of the polls routes (socialnet/api/polls.py)."""

from __future__ import annotations

import copy
from typing import Any

from .common import (
    DATE_TIME,
    NULLABLE_DATE_TIME,
    R400,
    R401,
    R403,
    R404,
    R409,
    R413,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)
from .posts import SCHEMAS as POST_SCHEMAS

COUNT = {"type": "integer", "minimum": 0}


def _poll_post_schema() -> dict[str, Any]:
    """The Post schema, for a post of kind ``poll`` carrying its ``poll``."""
    schema = copy.deepcopy(POST_SCHEMAS["Post"])
    schema["properties"]["kind"] = {"type": "string", "enum": ["poll"]}
    schema["properties"]["poll"] = ref("Poll")
    schema["required"] = [*schema["required"], "poll"]
    return schema


SCHEMAS: dict[str, Any] = {
    "PollOption": {
        "type": "object",
        "required": ["id", "text"],
        "description": "Counts (`votes`, or `yes`/`maybe`/`no` per slot) only when the "
        "caller may see results; `voters` only for named polls, to those who may see results.",
        "properties": {
            "id": {"type": "integer"},
            "text": {"type": "string"},
            "starts_at": {**DATE_TIME, "description": "date polls: the slot"},
            "votes": COUNT,
            "yes": COUNT,
            "maybe": COUNT,
            "no": COUNT,
            "voters": {
                "type": "array",
                "items": {
                    "allOf": [
                        ref("UserSummary"),
                        {
                            "type": "object",
                            "properties": {
                                "answer": {"type": "string", "enum": ["yes", "maybe", "no"]}
                            },
                        },
                    ]
                },
            },
        },
    },
    "Poll": {
        "type": "object",
        "required": [
            "id",
            "post_id",
            "question",
            "kind",
            "multiple",
            "max_choices",
            "anonymous",
            "results",
            "closes_at",
            "closed",
            "closed_at",
            "final_option_id",
            "voters",
            "results_visible",
            "options",
        ],
        "properties": {
            "id": {"type": "integer"},
            "post_id": {"type": "integer"},
            "question": {"type": "string"},
            "kind": {"type": "string", "enum": ["choice", "date"]},
            "multiple": {"type": "boolean"},
            "max_choices": {"type": "integer", "nullable": True},
            "anonymous": {"type": "boolean"},
            "results": {"type": "string", "enum": ["always", "after_vote", "after_close"]},
            "closes_at": NULLABLE_DATE_TIME,
            "closed": {"type": "boolean"},
            "closed_at": NULLABLE_DATE_TIME,
            "final_option_id": {"type": "integer", "nullable": True},
            "voters": {**COUNT, "description": "how many people voted (never who)"},
            "results_visible": {"type": "boolean"},
            "options": {"type": "array", "items": ref("PollOption")},
            "best_option_id": {
                "type": "integer",
                "nullable": True,
                "description": "date polls, when results are visible: most yes, then maybe",
            },
            "my_choices": {"type": "array", "items": {"type": "integer"}},
            "my_answers": {
                "type": "object",
                "additionalProperties": {"type": "string", "enum": ["yes", "maybe", "no"]},
            },
            "can_vote": {"type": "boolean"},
            "can_manage": {"type": "boolean", "description": "may close and export"},
        },
    },
    "PollPost": _poll_post_schema(),
    "PollCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["question"],
        "properties": {
            "question": {"type": "string", "minLength": 1, "maxLength": 300},
            "kind": {"type": "string", "enum": ["choice", "date"], "default": "choice"},
            "options": {
                "type": "array",
                "minItems": 2,
                "maxItems": 20,
                "items": {"type": "string", "maxLength": 200},
                "description": "choice polls",
            },
            "slots": {
                "type": "array",
                "minItems": 2,
                "maxItems": 20,
                "items": DATE_TIME,
                "description": "date polls: distinct future date-times",
            },
            "multiple": {"type": "boolean"},
            "max_choices": {"type": "integer", "minimum": 1, "nullable": True},
            "anonymous": {"type": "boolean"},
            "closes_at": NULLABLE_DATE_TIME,
            "results": {"type": "string", "enum": ["always", "after_vote", "after_close"]},
            "group_id": {"type": "integer", "nullable": True},
        },
    },
    "Vote": {
        "type": "object",
        "additionalProperties": False,
        "description": "`option_ids` for a choice poll, `answers` for a date poll",
        "properties": {
            "option_ids": {"type": "array", "minItems": 1, "items": {"type": "integer"}},
            "answers": {
                "type": "object",
                "additionalProperties": {"type": "string", "enum": ["yes", "maybe", "no"]},
            },
        },
    },
}

_POLL_ID = id_param("poll_id")
_POLL = json_response(ref("Poll"))

PATHS: dict[str, Any] = {
    "/polls": {
        "post": operation(
            "Publish a poll or a date poll (a post of kind `poll`)",
            {
                201: json_response(ref("PollPost"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                413: R413,
            },
            requestBody=json_body_of("PollCreate"),
        )
    },
    "/polls/{poll_id}": {
        "parameters": [_POLL_ID],
        "get": operation(
            "A poll as the caller sees it (counts per its results rule)",
            {200: _POLL, 401: R401, 404: R404},
        ),
    },
    "/polls/{poll_id}/vote": {
        "parameters": [_POLL_ID],
        "put": operation(
            "Vote, replacing the caller's previous ballot",
            {200: _POLL, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("Vote"),
        ),
        "delete": operation(
            "Withdraw the caller's ballot (idempotent)",
            {200: _POLL, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
    "/polls/{poll_id}/close": {
        "parameters": [_POLL_ID],
        "post": operation(
            "Close the poll (its author, community managers); idempotent",
            {200: _POLL, 401: R401, 403: R403, 404: R404},
        ),
    },
    "/polls/{poll_id}/final": {
        "parameters": [_POLL_ID],
        "post": operation(
            "Date polls: the author picks the final slot; closes the poll and "
            "notifies everyone who answered",
            {200: _POLL, 400: R400, 401: R401, 403: R403, 404: R404},
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["option_id"],
                            "properties": {"option_id": {"type": "integer"}},
                        }
                    }
                },
            },
        ),
    },
    "/polls/{poll_id}/results.csv": {
        "parameters": [_POLL_ID],
        "get": operation(
            "Results as CSV (author, community managers); no names for anonymous polls",
            {
                200: {
                    "description": "CSV, one row per option",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                401: R401,
                403: R403,
                404: R404,
                409: R409,
            },
        ),
    },
}
