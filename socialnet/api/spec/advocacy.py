"""OpenAPI description of employee advocacy (socialnet/api/advocacy.py).

The public tracked link ``/s/{code}`` is a page route, not part of /api/v1: it redirects
(302) to the target with ``utm_source`` (network), ``utm_medium=employee_advocacy`` and
``utm_campaign`` (an opaque per-person code), or answers 404.
"""

from __future__ import annotations

from typing import Any

from ...models import NETWORKS, TEXT_LANGUAGES
from .analytics import RANGE_PARAMS
from .common import (
    NO_CONTENT,
    NULLABLE_DATE_TIME,
    NULLABLE_STRING,
    R400,
    R401,
    R403,
    R404,
    R409,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)

POST_ID, SHAREABLE_ID = id_param("post_id"), id_param("shareable_id")
INT = {"type": "integer"}
STRING = {"type": "string"}
NETWORK = {"type": "string", "enum": list(NETWORKS)}
LANGUAGE = {"type": "string", "enum": list(TEXT_LANGUAGES)}
TEXTS = {
    "type": "object",
    "description": "Suggested texts: {network: {language: text}}, each at most 600 "
    "characters; a missing text falls back to the other language.",
    "properties": {
        n: {
            "type": "object",
            "properties": {lang: {"type": "string", "maxLength": 600} for lang in TEXT_LANGUAGES},
            "additionalProperties": False,
        }
        for n in NETWORKS
    },
    "additionalProperties": False,
}
COUNTS = {
    "type": "object",
    "required": ["opens", "clicks"],
    "properties": {"opens": INT, "clicks": INT},
}
FIGURES = {
    "opens": {**INT, "description": "times a share page of a network was opened"},
    "clicks": {
        **INT,
        "description": "visitors who followed a tracked link (robots left "
        "out, one per visitor and hour)",
    },
    "networks": {
        "type": "object",
        "required": list(NETWORKS),
        "properties": {n: COUNTS for n in NETWORKS},
    },
}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
    }


SCHEMAS = {
    "ShareablePost": _obj(
        {
            "id": INT,
            "title": NULLABLE_STRING,
            "excerpt": STRING,
            "author": ref("UserSummary"),
            "url": STRING,
        }
    ),
    "Shareable": _obj(
        {
            "id": INT,
            "post": ref("ShareablePost"),
            "target_url": {**STRING, "format": "uri"},
            "texts": TEXTS,
            "ends_at": NULLABLE_DATE_TIME,
            "withdrawn_at": NULLABLE_DATE_TIME,
            "offered": {"type": "boolean"},
            "created_at": {**STRING, "format": "date-time"},
            "updated_at": {**STRING, "format": "date-time"},
        }
    ),
    "ShareableChange": {
        "type": "object",
        "required": ["target_url", "texts"],
        "additionalProperties": False,
        "properties": {
            "target_url": {
                **STRING,
                "maxLength": 2000,
                "description": "http(s) address on one of the company's sites "
                "(SOCIALNET_ADVOCACY_SITES); anything else is a 400",
            },
            "texts": TEXTS,
            "ends_at": {**NULLABLE_DATE_TIME, "description": "offered until (future)"},
        },
    },
    "ShareRequest": {
        "type": "object",
        "required": ["network"],
        "additionalProperties": False,
        "properties": {
            "network": NETWORK,
            "language": {
                **LANGUAGE,
                "description": "default: the caller's language if en or fr, else en",
            },
        },
    },
    "Share": _obj(
        {
            "shareable_id": INT,
            "network": NETWORK,
            "language": LANGUAGE,
            "link": {**STRING, "description": "the tracked public link, /s/<code>"},
            "text": STRING,
            "intent_url": {**STRING, "description": "the network's own share page"},
        }
    ),
    "AdvocacyPostFigures": _obj(
        {"shareable_id": INT, "post": ref("ShareablePost"), **FIGURES},
        {"target_url": STRING, "withdrawn": {"type": "boolean"}},
    ),
    "AdvocacyPersonFigures": _obj({"user": ref("UserSummary"), **FIGURES}),
    "MyAdvocacy": _obj(
        {
            "leaderboard": {"type": "boolean"},
            "totals": _obj(FIGURES),
            "posts": {"type": "array", "items": ref("AdvocacyPostFigures")},
        }
    ),
    "AdvocacyPreferences": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"leaderboard": {"type": "boolean"}},
    },
    "AdvocacyLeaderboard": _obj(
        {
            "range": ref("AnalyticsRange"),
            "items": {
                "type": "array",
                "items": _obj({"user": ref("UserSummary"), "opens": INT, "clicks": INT}),
            },
            "me": {"type": "boolean", "description": "whether the caller opted in"},
        }
    ),
    "AnalyticsAdvocacy": _obj(
        {
            "range": ref("AnalyticsRange"),
            "posts": {"type": "array", "items": ref("AdvocacyPostFigures")},
            "people": {"type": "array", "items": ref("AdvocacyPersonFigures")},
        }
    ),
}

_ERRORS = {400: R400, 401: R401, 403: R403}

PATHS = {
    "/posts/{post_id}/shareable": {
        "parameters": [POST_ID],
        "get": operation(
            "The sharing offer on a post (community managers and admins)",
            {200: json_response(ref("Shareable")), 401: R401, 403: R403, 404: R404},
        ),
        "put": operation(
            "Offer a company-wide post for sharing outside, or change the offer "
            "(community managers and admins; a private-group post is a 409)",
            {
                200: json_response(ref("Shareable"), "Changed"),
                201: json_response(ref("Shareable"), "Offered"),
                **_ERRORS,
                404: R404,
                409: R409,
            },
            requestBody=json_body_of("ShareableChange"),
        ),
        "delete": operation(
            "Withdraw the offer: off the Share page, its links answer 404",
            {204: NO_CONTENT, 401: R401, 403: R403, 404: R404},
        ),
    },
    "/shareables": {
        "get": operation(
            "What the caller may share now (the Share page)",
            {
                200: json_response(_obj({"items": {"type": "array", "items": ref("Shareable")}})),
                401: R401,
                403: R403,
            },
        )
    },
    "/shareables/{shareable_id}": {
        "parameters": [SHAREABLE_ID],
        "get": operation(
            "One shareable offered to the caller now",
            {200: json_response(ref("Shareable")), 401: R401, 403: R403, 404: R404},
        ),
    },
    "/shareables/{shareable_id}/shares": {
        "parameters": [SHAREABLE_ID],
        "post": operation(
            "Open a share: the caller's tracked link and the network's share page "
            "with the suggested text (counted as a share opened)",
            {201: json_response(ref("Share"), "Opened"), **_ERRORS, 404: R404},
            requestBody=json_body_of("ShareRequest"),
        ),
    },
    "/me/advocacy": {
        "get": operation(
            "The caller's own advocacy figures, all time",
            {200: json_response(ref("MyAdvocacy")), 401: R401},
        ),
        "patch": operation(
            "Opt in or out of the advocacy leaderboard",
            {200: json_response(ref("AdvocacyPreferences")), **_ERRORS},
            requestBody=json_body_of("AdvocacyPreferences"),
        ),
    },
    "/advocacy/leaderboard": {
        "get": operation(
            "People who opted in, ranked by clicks then shares opened in the range",
            {200: json_response(ref("AdvocacyLeaderboard")), **_ERRORS},
            parameters=RANGE_PARAMS,
        )
    },
    "/analytics/advocacy": {
        "get": operation(
            "Shares opened and clicks per shareable post and per person, by network",
            {200: json_response(ref("AnalyticsAdvocacy")), **_ERRORS},
            parameters=RANGE_PARAMS,
        )
    },
    "/analytics/advocacy/{table}.csv": {
        "get": operation(
            "The advocacy figures per post or per person as CSV (formula-safe cells)",
            {
                200: {
                    "description": "CSV with a header row",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **_ERRORS,
                404: R404,
            },
            parameters=[
                {
                    "name": "table",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["posts", "people"]},
                },
                *RANGE_PARAMS,
            ],
        )
    },
}
