"""OpenAPI description of the pain-point register (socialnet/api/pain_points.py). A pain
point is a post of kind `pain_point`; its id is its post's id, and its comments are the
post's (`/posts/{post_id}/comments`)."""

from __future__ import annotations

from typing import Any

from ...models import PAIN_POINT_STATUSES
from ...models.pain_points import MINUTES_PER_WEEK_MAX, PAIN_POINT_PLACE_MAX, RESOLUTION_NOTE_MAX
from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
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

COUNT = {"type": "integer", "minimum": 0}
HOURS = {"type": "number", "minimum": 0}
_STATUS = {"type": "string", "enum": list(PAIN_POINT_STATUSES)}
_HOURS_PER_WEEK = {
    "type": "number",
    "minimum": 0,
    "maximum": MINUTES_PER_WEEK_MAX // 60,
    "nullable": True,
    "description": "estimate of the time it costs each person affected, hours a week",
}
_WORDING: dict[str, Any] = {
    "title": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": {
        "type": "string",
        "nullable": True,
        "description": "Markdown, may be empty (null: empty)",
    },
    "site": {"type": "string", "maxLength": PAIN_POINT_PLACE_MAX, "nullable": True},
    "department": {"type": "string", "maxLength": PAIN_POINT_PLACE_MAX, "nullable": True},
    "hours_per_week": _HOURS_PER_WEEK,
}

_TOTALS_PROPERTIES: dict[str, Any] = {
    "count": COUNT,
    "open": COUNT,
    "solved": COUNT,
    "wont_fix": COUNT,
    "votes": COUNT,
    "hours_at_stake": {**HOURS, "description": "hours a week, open pain points"},
    "hours_given_back": {**HOURS, "description": "hours a week, solved pain points"},
}

SCHEMAS: dict[str, Any] = {
    "PainPoint": {
        "type": "object",
        "description": "The same object in a feed item's `pain_point`, GET "
        "/pain-points/{pain_point_id} and the list; `pain_point.updated` carries it "
        "without the caller's fields (`my_vote`, `following`, `can_vote`, `can_edit`, "
        "`can_triage`).",
        "required": [
            "id",
            "post_id",
            "group_id",
            "author_id",
            "title",
            "description",
            "description_html",
            "site",
            "department",
            "status",
            "owner",
            "resolution_note",
            "hours_per_week",
            "votes",
            "recent_votes",
            "hours_at_stake",
            "hours_given_back",
            "merged_into_id",
            "comment_count",
            "created_at",
            "status_changed_at",
            "url",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer", "description": "the pain point's post id"},
            "post_id": {"type": "integer"},
            "group_id": {"type": "integer", "nullable": True},
            "author_id": {"type": "integer"},
            "title": NULLABLE_STRING,
            "description": {"type": "string"},
            "description_html": {"type": "string", "description": "sanitized HTML"},
            "site": {"type": "string"},
            "department": {"type": "string"},
            "status": _STATUS,
            "owner": {"allOf": [ref("UserSummary")], "nullable": True},
            "resolution_note": NULLABLE_STRING,
            "hours_per_week": _HOURS_PER_WEEK,
            "votes": {**COUNT, "description": "people affected (the filer included)"},
            "recent_votes": {**COUNT, "description": "votes of the last 7 days"},
            "hours_at_stake": {**HOURS, "description": "hours_per_week × votes while open"},
            "hours_given_back": {**HOURS, "description": "hours_per_week × votes once solved"},
            "merged_into_id": {"type": "integer", "nullable": True},
            "comment_count": COUNT,
            "created_at": DATE_TIME,
            "status_changed_at": NULLABLE_DATE_TIME,
            "url": {"type": "string"},
            "my_vote": {"type": "boolean"},
            "following": {"type": "boolean"},
            "can_vote": {"type": "boolean"},
            "can_edit": {"type": "boolean"},
            "can_triage": {"type": "boolean"},
        },
    },
    "PainPointCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title"],
        "properties": {
            **_WORDING,
            "group_id": {"type": "integer", "nullable": True},
            "site": {**_WORDING["site"], "description": "absent or null: the filer's site"},
            "department": {
                **_WORDING["department"],
                "description": "absent or null: the filer's department",
            },
        },
    },
    "PainPointChange": {
        "type": "object",
        "additionalProperties": False,
        "description": "any of the fields; wording: its author and triagers; status, owner "
        "and resolution note: community managers, managers (and the owner for the status); "
        "closing (solved, wont_fix) needs a resolution note",
        "properties": {
            **_WORDING,
            "status": _STATUS,
            "owner_id": {"type": "integer", "nullable": True},
            "resolution_note": {
                "type": "string",
                "maxLength": RESOLUTION_NOTE_MAX,
                "nullable": True,
                "description": "null or empty: no note",
            },
        },
    },
    "PainPointMerge": {
        "type": "object",
        "additionalProperties": False,
        "required": ["into_id"],
        "properties": {"into_id": {"type": "integer", "minimum": 1}},
    },
    "PainPointTotals": {
        "type": "object",
        "required": list(_TOTALS_PROPERTIES),
        "properties": _TOTALS_PROPERTIES,
    },
}

_ID = id_param("pain_point_id")
_ONE = json_response(ref("PainPoint"))


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


_FILTERS = [
    _query(
        "status",
        "all (default), open, closed, or one status",
        {"type": "string", "enum": ["all", "open", "closed", *PAIN_POINT_STATUSES]},
    ),
    _query("site", "exactly this site", {"type": "string", "maxLength": 100}),
    _query("department", "exactly this department", {"type": "string", "maxLength": 100}),
    _query("group_id", "one group's (a group the caller may read)", {"type": "integer"}),
]
_SORT = _query(
    "sort",
    "votes (default), growth (votes of the last 7 days), recent (newest first)",
    {"type": "string", "enum": ["votes", "growth", "recent"]},
)

PATHS: dict[str, Any] = {
    "/pain-points": {
        "post": operation(
            "File a pain point (a post of kind `pain_point`), for the company or in a "
            "group; the filer votes for it and follows it",
            {201: json_response(ref("PainPoint"), "Created"), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("PainPointCreate"),
        ),
        "get": operation(
            "The register as the caller sees it (merged duplicates left out)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items", "next_cursor"],
                        "properties": {
                            "items": {"type": "array", "items": ref("PainPoint")},
                            "next_cursor": NULLABLE_STRING,
                        },
                    }
                ),
                400: R400,
                401: R401,
                404: R404,
            },
            parameters=[_SORT, *_FILTERS, LIMIT, CURSOR],
        ),
    },
    "/pain-points/summary": {
        "get": operation(
            "Totals of the register (time at stake, time given back), by site, department "
            "or status",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["group_by", "totals", "groups"],
                        "properties": {
                            "group_by": {
                                "type": "string",
                                "enum": ["site", "department", "status"],
                            },
                            "totals": ref("PainPointTotals"),
                            "groups": {
                                "type": "array",
                                "items": {
                                    "allOf": [
                                        ref("PainPointTotals"),
                                        {
                                            "type": "object",
                                            "required": ["key"],
                                            "properties": {"key": {"type": "string"}},
                                        },
                                    ]
                                },
                            },
                        },
                    }
                ),
                400: R400,
                401: R401,
                404: R404,
            },
            parameters=[
                *_FILTERS,
                _query(
                    "group_by",
                    "site (default), department or status",
                    {"type": "string", "enum": ["site", "department", "status"]},
                ),
            ],
        ),
    },
    "/pain-points.csv": {
        "get": operation(
            "The register as CSV (the list's filters and sort), what the caller may see",
            {
                200: {
                    "description": "CSV, one row per pain point",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                400: R400,
                401: R401,
                404: R404,
            },
            parameters=[_SORT, *_FILTERS],
        ),
    },
    "/pain-points/{pain_point_id}": {
        "parameters": [_ID],
        "get": operation("A pain point as the caller sees it", {200: _ONE, 401: R401, 404: R404}),
        "patch": operation(
            "Reword or triage; a new status tells every voter and follower",
            {200: _ONE, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("PainPointChange"),
        ),
    },
    "/pain-points/{pain_point_id}/vote": {
        "parameters": [_ID],
        "put": operation(
            "Add one's voice (one per person; 409 when already given, closed or merged)",
            {200: _ONE, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
        "delete": operation(
            "Take one's voice back (409 when not given)",
            {200: _ONE, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
    "/pain-points/{pain_point_id}/follow": {
        "parameters": [_ID],
        "put": operation(
            "Follow: be told of status changes", {200: _ONE, 401: R401, 403: R403, 404: R404}
        ),
        "delete": operation("Stop following", {200: _ONE, 401: R401, 403: R403, 404: R404}),
    },
    "/pain-points/{pain_point_id}/merge": {
        "parameters": [_ID],
        "post": operation(
            "Merge this duplicate into another (same group, or company-wide): votes and "
            "followers united, each person once; its voters are told. Returns the target",
            {200: _ONE, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("PainPointMerge"),
        ),
    },
}
