"""OpenAPI description of the editorial calendar's drafts, per-site results and
correspondents (socialnet/api/editorial.py); the items themselves are in
:mod:`.newsletters`."""

from __future__ import annotations

from typing import Any

from .common import (
    DATE_TIME,
    NO_CONTENT,
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

COUNT = {"type": "integer", "minimum": 0}
ERRORS = {401: R401, 403: R403, 404: R404}

SCHEMAS: dict[str, Any] = {
    "EditorialPost": {
        "type": "object",
        "required": ["id", "kind", "state", "url", "body_html", "published_at", "engagement"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["post", "poll"]},
            "state": {
                "type": "string",
                "description": "'draft' until the job loop publishes it at the item's "
                "publish_at, then 'published' (or 'pending' in a pre-moderated group)",
            },
            "url": {"type": "string"},
            "body_html": {
                "type": "string",
                "nullable": True,
                "description": "null unless the post is where the item is aimed and the "
                "caller may read it: a draft, by reading its group; otherwise by seeing "
                "the post itself (a hidden or held post is its author's, a removed one "
                "nobody's); question follows the same rule",
            },
            "question": {"type": "string", "nullable": True},
            "published_at": NULLABLE_DATE_TIME,
            "engagement": {
                "type": "object",
                "required": ["reactions", "comments"],
                "properties": {"reactions": COUNT, "comments": COUNT},
            },
        },
    },
    "EditorialDraft": {
        "type": "object",
        "required": ["kind"],
        "description": '`{"kind": "post", "body"}` or `{"kind": "poll", "question", '
        '"options", …}` (the fields of `POST /polls`, without `group_id`: a draft goes '
        "where its item is aimed)",
        "properties": {
            "kind": {"type": "string", "enum": ["post", "poll"]},
            "body": {"type": "string", "maxLength": 10000},
            "question": {"type": "string", "maxLength": 300},
            "options": {"type": "array", "items": {"type": "string"}},
        },
    },
    "EditorialSites": {
        "type": "object",
        "required": ["since", "until", "sites"],
        "properties": {
            "since": DATE_TIME,
            "until": DATE_TIME,
            "sites": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["site", "published", "reactions", "comments", "items"],
                    "properties": {
                        "site": {"type": "string"},
                        "published": COUNT,
                        "reactions": COUNT,
                        "comments": COUNT,
                        "items": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "id",
                                    "title",
                                    "published_at",
                                    "post_id",
                                    "reactions",
                                    "comments",
                                ],
                                "properties": {
                                    "id": {"type": "integer"},
                                    "title": {"type": "string"},
                                    "published_at": DATE_TIME,
                                    "post_id": {"type": "integer"},
                                    "reactions": COUNT,
                                    "comments": COUNT,
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "Correspondent": {
        "type": "object",
        "required": ["user", "scope", "value", "granted_at"],
        "properties": {
            "user": ref("UserSummary"),
            "scope": {"type": "string", "enum": ["site", "department"]},
            "value": {"type": "string"},
            "granted_at": DATE_TIME,
        },
    },
    "CorrespondentGrant": {
        "type": "object",
        "additionalProperties": False,
        "required": ["scope", "value"],
        "properties": {
            "scope": {"type": "string", "enum": ["site", "department"]},
            "value": {"type": "string", "maxLength": 120},
        },
    },
    "CorrespondentList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": ref("Correspondent")}},
    },
}

DAY = {"type": "string", "format": "date"}
PATHS: dict[str, Any] = {
    "/editorial/items/{item_id}/draft": {
        "put": operation(
            "Write or replace the item's draft: a post or poll kept unpublished (its author "
            "alone sees it in the feed) until the job loop publishes it at publish_at; "
            "its assignee writes it (a planner when nobody is assigned)",
            {
                200: json_response(ref("EditorialItem")),
                400: R400,
                409: R409,
                413: R413,
                **ERRORS,
            },
            parameters=[id_param("item_id")],
            requestBody=json_body_of("EditorialDraft"),
        )
    },
    "/editorial/sites": {
        "get": operation(
            "What the calendar published for each site and how it did (community "
            "managers, administrators and correspondents)",
            {200: json_response(ref("EditorialSites")), 400: R400, 401: R401, 403: R403},
            parameters=[
                {"name": "since", "in": "query", "required": False, "schema": DAY},
                {"name": "until", "in": "query", "required": False, "schema": DAY},
            ],
        )
    },
    "/correspondents": {
        "get": operation(
            "The communication correspondents (those who share the calendar)",
            {200: json_response(ref("CorrespondentList")), 401: R401, 403: R403},
        )
    },
    "/users/{user_id}/correspondent": {
        "put": operation(
            "Name a person correspondent for a site or department, or move their role "
            "(administrators); they join the correspondents' group",
            {200: json_response(ref("Correspondent")), 400: R400, 413: R413, **ERRORS},
            parameters=[id_param("user_id")],
            requestBody=json_body_of("CorrespondentGrant"),
        ),
        "delete": operation(
            "Withdraw the role (administrators); they leave the correspondents' group",
            {204: NO_CONTENT, **ERRORS},
            parameters=[id_param("user_id")],
        ),
    },
}
