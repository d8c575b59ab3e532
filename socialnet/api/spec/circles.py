"""OpenAPI description of the peer-learning circles routes (socialnet/api/circles.py):
circles, their topics and votes, the dashboard; sessions and syntheses are in
:mod:`.circle_sessions`. A circle's id is its (secret) group's id; a circle the caller
does not belong to is a 404."""

from __future__ import annotations

from typing import Any

from ...models import CADENCES
from ...models.circles import TOPIC_DESCRIPTION_MAX, TOPIC_TITLE_MAX
from ...services.circles.creating import MAX_MEMBERS
from .common import (
    COUNT,
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
_TOPIC_ID = id_param("topic_id")
_RATE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}

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
            "facilitator": nullable_ref("UserSummary"),
            "cadence": {"type": "string", "enum": list(CADENCES)},
            "members": {"type": "array", "items": ref("UserSummary")},
            "member_count": COUNT,
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
            "proposed_by": nullable_ref("UserSummary"),
            "status": {"type": "string", "enum": ["proposed", "picked", "held"]},
            "votes": COUNT,
            "my_vote": {"type": "boolean"},
            "created_at": DATE_TIME,
            "picked_at": NULLABLE_DATE_TIME,
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
            "sessions_held": COUNT,
            "sessions_planned": COUNT,
            "attendance_rate": {**_RATE, "description": "present / recorded"},
            "syntheses_published": COUNT,
            "syntheses_on_time": COUNT,
            "syntheses_owed": COUNT,
            "syntheses_late": COUNT,
            "syntheses_on_time_rate": {
                **_RATE,
                "description": "on time / (published + late)",
            },
            "topics_waiting": COUNT,
        },
    },
}

_CIRCLE = json_response(ref("Circle"))
_TOPIC = json_response(ref("CircleTopic"))
_VOTE = {200: _TOPIC, 401: R401, 403: R403, 404: R404, 409: R409}

PATHS: dict[str, Any] = {
    "/circles": {
        "post": operation(
            "Create a circle: a secret group with a facilitator and a cadence; the "
            "caller and the facilitator are its admins, the members are told",
            {201: json_response(ref("Circle"), "Created"), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("CircleCreate"),
        ),
        "get": operation("The circles the caller belongs to", {200: items_of("Circle"), 401: R401}),
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
            {200: items_of("CircleTopic"), 401: R401, 404: R404},
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
}
