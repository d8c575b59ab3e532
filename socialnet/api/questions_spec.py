"""OpenAPI for questions: the list, the best answer, and what questions add to ``Post``
(``kind`` "question", its ``title``, ``answered`` and ``best_answer``) and to
``PostCreate``. Registered from ``api/questions.py`` with ``openapi.document``; the
``Post`` and ``PostCreate`` entries here extend (and so replace) the base ones."""

from __future__ import annotations

import copy
from typing import Any

from .openapi import (
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
from .openapi import SCHEMAS as BASE_SCHEMAS

QUESTION_TITLE_MAX = 200


def _post() -> dict[str, Any]:
    schema = copy.deepcopy(BASE_SCHEMAS["Post"])
    props = schema["properties"]
    props["kind"] = {**props["kind"], "enum": [*props["kind"]["enum"], "question"]}
    props["title"] = {**props["title"], "description": "announcements and questions have one"}
    props["answered"] = {
        "type": "boolean",
        "description": "questions only: a best answer is chosen (and still published)",
    }
    props["best_answer"] = {
        **copy.deepcopy(BASE_SCHEMAS["Comment"]),  # a Comment, or null
        "nullable": True,
        "description": "questions only: the chosen answer, shown under the question",
    }
    return schema


def _post_create() -> dict[str, Any]:
    """A post (``PostCreate`` as it was, ``kind`` "post" optional) or a question."""
    post = copy.deepcopy(BASE_SCHEMAS["PostCreate"])
    post["properties"]["kind"] = {"type": "string", "enum": ["post"], "default": "post"}
    question = copy.deepcopy(post)
    question["required"] = ["kind", "title"]
    question["properties"]["kind"] = {"type": "string", "enum": ["question"]}
    question["properties"]["title"] = {
        "type": "string",
        "minLength": 1,
        "maxLength": QUESTION_TITLE_MAX,
        "description": "one line",
    }
    question["properties"]["body"] = {
        **question["properties"]["body"],
        "minLength": 0,
        "description": "the details, optional",
    }
    return {
        "description": 'A post, or a question (`"kind": "question"` with a `title`)',
        "oneOf": [post, question],
    }


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
    "Post": _post(),
    "PostCreate": _post_create(),
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
