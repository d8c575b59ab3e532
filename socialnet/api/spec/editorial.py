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
            "kind": {"type": "string", "enum": ["post", "poll", "event", "kudos"]},
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
            "title": {
                "type": "string",
                "nullable": True,
                "description": "an event's title (or a question's); same rule as body_html",
            },
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
        "description": '`{"kind": "post", "body"}`, `{"kind": "poll", "question", '
        '"options", …}` (the fields of `POST /polls`), `{"kind": "event", "title", '
        '"starts_at", "ends_at", …}` (the fields of `POST /events`) or `{"kind": "kudos", '
        '"recipient_ids", "value", "message"}` (the fields of `POST /kudos`: kudos for a '
        "team name one to ten people), always without `group_id`: a draft goes where its "
        "item is aimed. Checked by the ordinary services when written (400 with their "
        "messages, nothing written). A draft event takes no answers (409) and shows in no "
        "events list, calendar feed or reminder; a draft kudos counts on no leaderboard "
        "or profile and notifies nobody, until published",
        "properties": {
            "kind": {"type": "string", "enum": ["post", "poll", "event", "kudos"]},
            "body": {"type": "string", "maxLength": 10000},
            "question": {"type": "string", "maxLength": 300},
            "options": {"type": "array", "items": {"type": "string"}},
            "title": {"type": "string", "maxLength": 200},
            "description": {"type": "string"},
            "starts_at": DATE_TIME,
            "ends_at": DATE_TIME,
            "location": {"type": "string"},
            "online_url": {"type": "string", "nullable": True},
            "capacity": {"type": "integer", "nullable": True, "minimum": 1},
            "rsvp_closes_at": NULLABLE_DATE_TIME,
            "recipient_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 10},
            "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "message": {"type": "string"},
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
            "Write or replace the item's draft: a post, poll, event or kudos kept unpublished "
            "(its author alone sees it in the feed) until the job loop publishes it at publish_at; "
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
