"""OpenAPI description of a circle's sessions (socialnet/api/circles.py): planning one
(its event in the circle's group), attendance, and the synthesis — published by the
scribe, shared company-wide by the facilitator, relayed by members to their teams."""

from __future__ import annotations

from typing import Any

from ...models import SYNTHESIS_SECTIONS
from ...models.circles import SECTION_MAX, TOPIC_TITLE_MAX
from ...services.circles.reading import SYNTHESIS_STATES
from .common import (
    DATE_TIME,
    ID,
    NULLABLE_DATE_TIME,
    R400,
    R401,
    R403,
    R404,
    R409,
    R413,
    id_param,
    items_of,
    json_body_of,
    json_response,
    nullable_ref,
    operation,
    ref,
)

_CIRCLE_ID = id_param("circle_id")
_SESSION_ID = id_param("session_id")


def _sections(required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            key: {"type": "string", "maxLength": SECTION_MAX} for key in SYNTHESIS_SECTIONS
        },
    }
    if required:
        schema["required"] = list(required)
    return schema


SCHEMAS: dict[str, Any] = {
    "CircleSessionCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["starts_at", "presenter_id", "scribe_id"],
        "description": "exactly one of `topic_id` (a topic of the circle) and `topic` (a new "
        "one, named on the spot)",
        "properties": {
            "topic_id": ID,
            "topic": {"type": "string", "maxLength": TOPIC_TITLE_MAX},
            "starts_at": DATE_TIME,
            "ends_at": {**DATE_TIME, "description": "default: 90 minutes after the start"},
            "presenter_id": {**ID, "description": "a member of the circle"},
            "scribe_id": {**ID, "description": "a member of the circle"},
            "location": {"type": "string", "maxLength": 200},
            "online_url": {"type": "string", "maxLength": 500, "nullable": True},
        },
    },
    "CircleSession": {
        "type": "object",
        "required": [
            "id",
            "circle_id",
            "topic",
            "event_id",
            "starts_at",
            "ends_at",
            "location",
            "cancelled",
            "presenter",
            "scribe",
            "attendance",
            "synthesis_state",
            "synthesis_due_at",
            "synthesis",
            "can_write_synthesis",
        ],
        "properties": {
            "id": {"type": "integer"},
            "circle_id": {"type": "integer"},
            "topic": {
                "type": "object",
                "required": ["id", "title"],
                "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
            },
            "event_id": {
                "type": "integer",
                "nullable": True,
                "description": "the session's event (GET /events/{event_id}); null if deleted",
            },
            "starts_at": NULLABLE_DATE_TIME,
            "ends_at": NULLABLE_DATE_TIME,
            "location": {"type": "string"},
            "cancelled": {"type": "boolean"},
            "presenter": nullable_ref("UserSummary"),
            "scribe": nullable_ref("UserSummary"),
            "attendance": {
                "type": "array",
                "nullable": True,
                "description": "null until the facilitator takes attendance",
                "items": {
                    "type": "object",
                    "required": ["user", "attended"],
                    "properties": {"user": ref("UserSummary"), "attended": {"type": "boolean"}},
                },
            },
            "synthesis_state": {
                "type": "string",
                "enum": list(SYNTHESIS_STATES),
                "description": "owed once the session has ended, late after the end of the "
                "next working day (company time zone)",
            },
            "synthesis_due_at": NULLABLE_DATE_TIME,
            "synthesis": nullable_ref("CircleSynthesis"),
            "can_write_synthesis": {"type": "boolean"},
        },
    },
    "CircleAttendance": {
        "type": "object",
        "additionalProperties": False,
        "required": ["user_ids"],
        "properties": {
            "user_ids": {
                "type": "array",
                "items": ID,
                "description": "the members who came; every other member is marked absent",
            }
        },
    },
    "CircleSynthesisCreate": _sections(("what_was_done", "what_worked")),
    "CircleSynthesis": {
        "type": "object",
        "required": [
            "session_id",
            "circle_id",
            "topic",
            "author",
            *SYNTHESIS_SECTIONS,
            "post_id",
            "shared_post_id",
            "published_at",
            "shared_at",
            "on_time",
        ],
        "properties": {
            "session_id": {"type": "integer"},
            "circle_id": {"type": "integer"},
            "topic": {"type": "string"},
            "author": nullable_ref("UserSummary"),
            **{key: {"type": "string"} for key in SYNTHESIS_SECTIONS},
            "post_id": {"type": "integer", "description": "its post in the circle"},
            "shared_post_id": {
                "type": "integer",
                "nullable": True,
                "description": "its company-wide copy, once shared",
            },
            "published_at": DATE_TIME,
            "shared_at": NULLABLE_DATE_TIME,
            "on_time": {"type": "boolean"},
        },
    },
    "SynthesisAttachment": {
        "type": "object",
        "description": "posts of kind synthesis: the structured sections (Markdown, and "
        "sanitized HTML). The circle's own post names its circle and session; the "
        "company-wide copy does not (the circle is secret)",
        "required": ["sections", "sections_html", "written_by", "published_at", "on_time"],
        "properties": {
            "sections": _sections(),
            "sections_html": {
                "type": "object",
                "additionalProperties": False,
                "properties": {key: {"type": "string"} for key in SYNTHESIS_SECTIONS},
            },
            "written_by": nullable_ref("UserSummary"),
            "published_at": DATE_TIME,
            "on_time": {"type": "boolean"},
            "circle_id": {"type": "integer"},
            "session_id": {"type": "integer"},
            "shared": {"type": "boolean"},
        },
    },
    "SynthesisRelay": {
        "type": "object",
        "additionalProperties": False,
        "required": ["group_id"],
        "properties": {
            "group_id": {**ID, "description": "a group the caller belongs to"},
            "note": {"type": "string", "maxLength": 1000},
        },
    },
}

_SESSION = json_response(ref("CircleSession"))
_SYNTHESIS = json_response(ref("CircleSynthesis"))

PATHS: dict[str, Any] = {
    "/circles/{circle_id}/sessions": {
        "parameters": [_CIRCLE_ID],
        "get": operation(
            "Sessions, latest first, with what each synthesis is (owed, late, published)",
            {200: items_of("CircleSession"), 401: R401, 404: R404},
        ),
        "post": operation(
            "The facilitator plans a session: its event is created in the circle's group "
            "and the members are invited",
            {
                201: json_response(ref("CircleSession"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                409: R409,
                413: R413,
            },
            requestBody=json_body_of("CircleSessionCreate"),
        ),
    },
    "/circles/{circle_id}/sessions/{session_id}": {
        "parameters": [_CIRCLE_ID, _SESSION_ID],
        "get": operation("A session", {200: _SESSION, 401: R401, 404: R404}),
    },
    "/circles/{circle_id}/sessions/{session_id}/attendance": {
        "parameters": [_CIRCLE_ID, _SESSION_ID],
        "put": operation(
            "The facilitator records which members came, once the session has started",
            {200: _SESSION, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("CircleAttendance"),
        ),
    },
    "/circles/{circle_id}/sessions/{session_id}/synthesis": {
        "parameters": [_CIRCLE_ID, _SESSION_ID],
        "post": operation(
            "The scribe (or the facilitator) publishes the synthesis, once, after the "
            "session: a post of kind `synthesis` in the circle",
            {
                201: json_response(ref("CircleSynthesis"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                409: R409,
                413: R413,
            },
            requestBody=json_body_of("CircleSynthesisCreate"),
        ),
    },
    "/circles/{circle_id}/sessions/{session_id}/synthesis/relay": {
        "parameters": [_CIRCLE_ID, _SESSION_ID],
        "post": operation(
            "A member passes a shared synthesis on to their team: a post in a group of "
            "theirs, with their note and a link to the company-wide copy",
            {
                201: json_response(ref("Post"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                409: R409,
                413: R413,
            },
            requestBody=json_body_of("SynthesisRelay"),
        ),
    },
    "/circles/{circle_id}/sessions/{session_id}/synthesis/share": {
        "parameters": [_CIRCLE_ID, _SESSION_ID],
        "post": operation(
            "The facilitator shares the synthesis company-wide, once: a copy in the "
            "company space, found by search and the knowledge base",
            {200: _SYNTHESIS, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
}
