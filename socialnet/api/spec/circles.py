"""OpenAPI description of the peer-learning circles routes (socialnet/api/circles.py). A
circle's id is its (secret) group's id; a circle the caller does not belong to is a 404."""

from __future__ import annotations

from typing import Any

from ...models import CADENCES, SYNTHESIS_SECTIONS
from ...models.circles import SECTION_MAX, TOPIC_DESCRIPTION_MAX, TOPIC_TITLE_MAX
from ...services.circles.creating import MAX_MEMBERS
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
    json_body_of,
    json_response,
    operation,
    ref,
)

_CIRCLE_ID = id_param("circle_id")
_TOPIC_ID = id_param("topic_id")
_SESSION_ID = id_param("session_id")
_PERSON = {**ref("UserSummary")}
#: OpenAPI 3.0 has no nullable reference: one of the object or null.
_NULL = {"type": "object", "nullable": True, "enum": [None]}
_NULLABLE_PERSON = {"anyOf": [ref("UserSummary"), _NULL]}
_RATE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}
_COUNT = {"type": "integer", "minimum": 0}


def _items(name: str) -> dict[str, Any]:
    return json_response(
        {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": ref(name)}},
        }
    )


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
    "CircleCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "cadence"],
        "properties": {
            "name": {"type": "string", "maxLength": 120},
            "description": {"type": "string", "maxLength": 2000},
            "facilitator_id": {**ID, "description": "default: the caller"},
            "member_ids": {
                "type": "array",
                "items": ID,
                "maxItems": MAX_MEMBERS,
                "description": f"with the caller and the facilitator, at most {MAX_MEMBERS} people",
            },
            "cadence": {"type": "string", "enum": list(CADENCES)},
        },
    },
    "CircleChange": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "maxLength": 120},
            "description": {"type": "string", "maxLength": 2000},
            "facilitator_id": {**ID, "description": "a member of the circle"},
            "cadence": {"type": "string", "enum": list(CADENCES)},
        },
    },
    "Circle": {
        "type": "object",
        "required": [
            "id",
            "name",
            "description",
            "facilitator",
            "cadence",
            "members",
            "member_count",
            "created_at",
            "can_facilitate",
            "url",
        ],
        "properties": {
            "id": {"type": "integer", "description": "the circle's group id"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "facilitator": _NULLABLE_PERSON,
            "cadence": {"type": "string", "enum": list(CADENCES)},
            "members": {"type": "array", "items": _PERSON},
            "member_count": _COUNT,
            "created_at": DATE_TIME,
            "can_facilitate": {"type": "boolean"},
            "url": {"type": "string"},
        },
    },
    "CircleTopicCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "maxLength": TOPIC_TITLE_MAX},
            "description": {"type": "string", "maxLength": TOPIC_DESCRIPTION_MAX},
        },
    },
    "CircleTopic": {
        "type": "object",
        "required": [
            "id",
            "circle_id",
            "title",
            "description",
            "proposed_by",
            "status",
            "votes",
            "my_vote",
            "created_at",
            "picked_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "circle_id": {"type": "integer"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "proposed_by": _NULLABLE_PERSON,
            "status": {"type": "string", "enum": ["proposed", "picked", "held"]},
            "votes": _COUNT,
            "my_vote": {"type": "boolean"},
            "created_at": DATE_TIME,
            "picked_at": NULLABLE_DATE_TIME,
        },
    },
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
            "presenter": _NULLABLE_PERSON,
            "scribe": _NULLABLE_PERSON,
            "attendance": {
                "type": "array",
                "nullable": True,
                "description": "null until the facilitator takes attendance",
                "items": {
                    "type": "object",
                    "required": ["user", "attended"],
                    "properties": {"user": _PERSON, "attended": {"type": "boolean"}},
                },
            },
            "synthesis_state": {
                "type": "string",
                "enum": list(SYNTHESIS_STATES),
                "description": "owed once the session has ended, late after the end of the "
                "next working day (company time zone)",
            },
            "synthesis_due_at": NULLABLE_DATE_TIME,
            "synthesis": {"anyOf": [ref("CircleSynthesis"), _NULL]},
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
            "author": _NULLABLE_PERSON,
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
            "written_by": _NULLABLE_PERSON,
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
    "CircleDashboard": {
        "type": "object",
        "required": [
            "circle_id",
            "sessions_held",
            "sessions_planned",
            "attendance_rate",
            "syntheses_published",
            "syntheses_on_time",
            "syntheses_owed",
            "syntheses_late",
            "syntheses_on_time_rate",
            "topics_waiting",
        ],
        "properties": {
            "circle_id": {"type": "integer"},
            "sessions_held": _COUNT,
            "sessions_planned": _COUNT,
            "attendance_rate": {**_RATE, "description": "present / recorded"},
            "syntheses_published": _COUNT,
            "syntheses_on_time": _COUNT,
            "syntheses_owed": _COUNT,
            "syntheses_late": _COUNT,
            "syntheses_on_time_rate": {
                **_RATE,
                "description": "on time / (published + late)",
            },
            "topics_waiting": _COUNT,
        },
    },
}

_CIRCLE = json_response(ref("Circle"))
_TOPIC = json_response(ref("CircleTopic"))
_SESSION = json_response(ref("CircleSession"))
_SYNTHESIS = json_response(ref("CircleSynthesis"))
_VOTE = {200: _TOPIC, 401: R401, 403: R403, 404: R404, 409: R409}

PATHS: dict[str, Any] = {
    "/circles": {
        "post": operation(
            "Create a circle: a secret group with a facilitator and a cadence; the "
            "caller and the facilitator are its admins, the members are told",
            {201: json_response(ref("Circle"), "Created"), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("CircleCreate"),
        ),
        "get": operation("The circles the caller belongs to", {200: _items("Circle"), 401: R401}),
    },
    "/circles/{circle_id}": {
        "parameters": [_CIRCLE_ID],
        "get": operation("A circle", {200: _CIRCLE, 401: R401, 404: R404}),
        "patch": operation(
            "The facilitator changes the name, description, cadence or facilitator (a "
            "member, who becomes an admin of the circle's group)",
            {200: _CIRCLE, 400: R400, 401: R401, 403: R403, 404: R404, 413: R413},
            requestBody=json_body_of("CircleChange"),
        ),
    },
    "/circles/{circle_id}/dashboard": {
        "parameters": [_CIRCLE_ID],
        "get": operation(
            "Sessions held, attendance rate, syntheses on time, topics waiting",
            {200: json_response(ref("CircleDashboard")), 401: R401, 404: R404},
        ),
    },
    "/circles/{circle_id}/topics": {
        "parameters": [_CIRCLE_ID],
        "get": operation(
            "Topics: the picked one, then by votes, then those already presented",
            {200: _items("CircleTopic"), 401: R401, 404: R404},
        ),
        "post": operation(
            "A member proposes a topic",
            {
                201: json_response(ref("CircleTopic"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                413: R413,
            },
            requestBody=json_body_of("CircleTopicCreate"),
        ),
    },
    "/circles/{circle_id}/topics/{topic_id}/vote": {
        "parameters": [_CIRCLE_ID, _TOPIC_ID],
        "put": operation("Vote for a topic (once: 409 the second time)", _VOTE),
        "delete": operation("Withdraw one's vote (409 if there was none)", _VOTE),
    },
    "/circles/{circle_id}/topics/{topic_id}/pick": {
        "parameters": [_CIRCLE_ID, _TOPIC_ID],
        "post": operation(
            "The facilitator picks the next topic (a topic picked before goes back to the vote)",
            _VOTE,
        ),
    },
    "/circles/{circle_id}/sessions": {
        "parameters": [_CIRCLE_ID],
        "get": operation(
            "Sessions, latest first, with what each synthesis is (owed, late, published)",
            {200: _items("CircleSession"), 401: R401, 404: R404},
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
