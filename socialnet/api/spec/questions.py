"""OpenAPI description of the questions routes (socialnet/api/questions.py): the list, the
best answer and the answers analytics. What questions add to ``Post`` and ``PostCreate``
(``kind`` "question", its ``title``, ``answered``, ``best_answer``) is in :mod:`.posts`."""

from __future__ import annotations

from typing import Any

from .common import (
    CURSOR,
    LIMIT,
    R400,
    R401,
    R403,
    R404,
    R409,
    id_param,
    json_response,
    operation,
    page_of,
    ref,
)

_HOURS = {"type": "number", "minimum": 0, "nullable": True}
_QA_FIGURES = {
    "asked": {"type": "integer", "minimum": 0},
    "answered": {"type": "integer", "minimum": 0, "description": "with a best answer"},
    "answered_share": {"type": "number", "minimum": 0, "maximum": 1, "nullable": True},
    "median_hours_to_first_answer": {
        **_HOURS,
        "description": "to the first published comment by someone other than the asker",
    },
    "median_hours_to_best_answer": {**_HOURS, "description": "answered questions only"},
}

SCHEMAS: dict[str, Any] = {
    "AnalyticsAnswerFigures": {
        "type": "object",
        "required": list(_QA_FIGURES),
        "properties": _QA_FIGURES,
    },
    "AnalyticsAnswers": {
        "type": "object",
        "required": ["range", "items", "total"],
        "properties": {
            "range": ref("AnalyticsRange"),
            "items": {
                "type": "array",
                "description": "one per group (`group_id` null: the company space), "
                "most questions first; only questions the caller may read",
                "items": {
                    "allOf": [
                        {
                            "type": "object",
                            "required": ["group_id", "group_name"],
                            "properties": {
                                "group_id": {"type": "integer", "nullable": True},
                                "group_name": {"type": "string", "nullable": True},
                            },
                        },
                        ref("AnalyticsAnswerFigures"),
                    ]
                },
            },
            "total": ref("AnalyticsAnswerFigures"),
        },
    },
    "SimilarQuestion": {
        "type": "object",
        "required": ["id", "title", "url", "answered"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "url": {"type": "string"},
            "answered": {"type": "boolean"},
        },
    },
    "BestAnswerChoice": {
        "type": "object",
        "additionalProperties": False,
        "required": ["comment_id"],
        "properties": {"comment_id": {"type": "integer", "minimum": 1}},
    },
}

_POST_ID = id_param("post_id")
_QUESTION = json_response(ref("Post"))

_DAY = {"type": "string", "format": "date"}

PATHS: dict[str, Any] = {
    "/analytics/answers": {
        "get": operation(
            "Questions asked in the range per group, the share answered, and the median "
            "hours to the first and to the best answer (community managers and admins)",
            {200: json_response(ref("AnalyticsAnswers")), 400: R400, 401: R401, 403: R403},
            parameters=[
                {
                    "name": "from",
                    "in": "query",
                    "required": False,
                    "description": "first company day (included); default 29 days before `to`",
                    "schema": _DAY,
                },
                {
                    "name": "to",
                    "in": "query",
                    "required": False,
                    "description": "last company day (included); default today; 366 days at most",
                    "schema": _DAY,
                },
            ],
        )
    },
    "/questions": {
        "get": operation(
            "Questions the caller may see, oldest first (those waiting longest come first)",
            {200: json_response(page_of("Post")), 400: R400, 401: R401, 404: R404},
            parameters=[
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "description": "absent: both",
                    "schema": {"type": "string", "enum": ["unanswered", "answered"]},
                },
                {
                    "name": "group_id",
                    "in": "query",
                    "required": False,
                    "description": "one group's questions (404 if the caller may not see it)",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                },
                {
                    "name": "topic",
                    "in": "query",
                    "required": False,
                    "description": "a #hashtag of the question",
                    "schema": {"type": "string", "maxLength": 100},
                },
                LIMIT,
                CURSOR,
            ],
        )
    },
    "/questions/similar": {
        "get": operation(
            "Up to five questions the caller may see that contain the distinctive words of "
            "`q` (a title being typed): the composer shows them before a question is asked",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": {
                                "type": "array",
                                "maxItems": 5,
                                "items": ref("SimilarQuestion"),
                            }
                        },
                    }
                ),
                400: R400,
                401: R401,
            },
            parameters=[
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "description": "the title typed so far; question words and words under "
                    "three letters are ignored; nothing left: no items",
                    "schema": {"type": "string", "maxLength": 200},
                }
            ],
        )
    },
    "/posts/{post_id}/best-answer": {
        "parameters": [_POST_ID],
        "put": operation(
            "Choose a question's best answer (the asker, the group's admins, community "
            "managers); notifies the answer's author and publishes `question.answered`",
            {200: _QUESTION, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody={
                "required": True,
                "content": {"application/json": {"schema": ref("BestAnswerChoice")}},
            },
        ),
        "delete": operation(
            "Unmark the best answer (idempotent); publishes `question.unanswered`",
            {200: _QUESTION, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
}
