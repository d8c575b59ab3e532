"""OpenAPI description of manager cascades (socialnet/api/briefings.py): briefings, the
relay, the cascade's progress and its questions."""

from __future__ import annotations

from typing import Any

from ...models import (
    BRIEFING_AUDIENCES,
    BRIEFING_TITLE_MAX,
    KEY_MESSAGE_MAX,
    KEY_MESSAGES_MAX,
    QA_MAX,
    QA_TEXT_MAX,
    REMIND_AFTER_HOURS_MAX,
    TALKING_POINTS_MAX,
)
from .common import (
    DATE_TIME,
    NULLABLE_DATE_TIME,
    R400,
    R401,
    R403,
    R404,
    R409,
    error_response,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)

R422 = error_response(
    "Not acceptable as it stands: an embargo already past, no key message, an audience "
    "with no manager …; `fields` says which"
)
_NULL = {"type": "object", "nullable": True, "enum": [None]}
_NULLABLE_PERSON = {"anyOf": [ref("UserSummary"), _NULL]}
_AUDIENCE_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind"],
    "description": "all managers (default), or the managers of a site or department",
    "properties": {
        "kind": {"type": "string", "enum": list(BRIEFING_AUDIENCES)},
        "value": {"type": "string", "maxLength": 120, "nullable": True},
    },
}
_QA_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["question", "answer"],
    "properties": {
        "question": {"type": "string", "minLength": 1, "maxLength": QA_TEXT_MAX},
        "answer": {"type": "string", "minLength": 1, "maxLength": QA_TEXT_MAX},
    },
}
_FIELDS_IN = {
    "title": {"type": "string", "minLength": 1, "maxLength": BRIEFING_TITLE_MAX},
    "key_messages": {
        "type": "array",
        "minItems": 1,
        "maxItems": KEY_MESSAGES_MAX,
        "items": {"type": "string", "minLength": 1, "maxLength": KEY_MESSAGE_MAX},
    },
    "talking_points": {"type": "string", "maxLength": TALKING_POINTS_MAX, "nullable": True},
    "qa": {"type": "array", "maxItems": QA_MAX, "items": _QA_IN, "nullable": True},
    "embargo_at": {
        **DATE_TIME,
        "description": "when managers may relay it; in the future (no offset: UTC)",
    },
    "audience": {**_AUDIENCE_IN, "nullable": True},
    "remind_after_hours": {
        "type": "integer",
        "minimum": 1,
        "maximum": REMIND_AFTER_HOURS_MAX,
        "nullable": True,
        "description": "hours after the embargo before a manager who has not relayed is "
        "reminded (default 24)",
    },
}

SCHEMAS: dict[str, Any] = {
    "BriefingCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "key_messages", "embargo_at"],
        "properties": _FIELDS_IN,
    },
    "BriefingUpdate": {
        "type": "object",
        "additionalProperties": False,
        "description": "the fields to change, on a draft only; `qa` replaces the team's entries",
        "properties": _FIELDS_IN,
    },
    "Briefing": {
        "type": "object",
        "required": [
            "id",
            "title",
            "key_messages",
            "talking_points",
            "qa",
            "embargo_at",
            "embargo_lifted",
            "audience",
            "remind_after_hours",
            "status",
            "sent_at",
            "created_at",
            "author",
            "url",
            "me",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "key_messages": {"type": "array", "items": {"type": "string"}},
            "talking_points": {"type": "string"},
            "qa": {
                "type": "array",
                "description": "the team's entries and the questions answered since",
                "items": {
                    "type": "object",
                    "required": ["id", "question", "answer"],
                    "properties": {
                        "id": {"type": "integer"},
                        "question": {"type": "string"},
                        "answer": {"type": "string"},
                    },
                },
            },
            "embargo_at": DATE_TIME,
            "embargo_lifted": {"type": "boolean"},
            "audience": {
                "type": "object",
                "required": ["kind", "value"],
                "properties": {
                    "kind": {"type": "string", "enum": list(BRIEFING_AUDIENCES)},
                    "value": {"type": "string", "nullable": True},
                },
            },
            "remind_after_hours": {"type": "integer"},
            "status": {"type": "string", "enum": ["draft", "sent"]},
            "sent_at": NULLABLE_DATE_TIME,
            "created_at": DATE_TIME,
            "author": _NULLABLE_PERSON,
            "url": {"type": "string"},
            "me": {"anyOf": [ref("BriefingMine"), _NULL]},
        },
    },
    "BriefingMine": {
        "type": "object",
        "description": "the viewer's own progress, when the briefing was sent to them",
        "required": ["read_at", "relayed_at", "announcement_id", "can_relay", "relay_draft"],
        "properties": {
            "read_at": NULLABLE_DATE_TIME,
            "relayed_at": NULLABLE_DATE_TIME,
            "announcement_id": {"type": "integer", "nullable": True},
            "can_relay": {"type": "boolean"},
            "relay_draft": {
                "type": "object",
                "required": ["title", "body"],
                "properties": {"title": {"type": "string"}, "body": {"type": "string"}},
            },
        },
    },
    "BriefingRelay": {
        "type": "object",
        "additionalProperties": False,
        "description": "each optional: the relay draft, 7 days, comments on",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "body": {"type": "string", "minLength": 1, "maxLength": 10_000},
            "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 14},
            "comments_enabled": {"type": "boolean"},
        },
    },
    "BriefingRelayed": {
        "type": "object",
        "required": ["briefing", "announcement"],
        "properties": {"briefing": ref("Briefing"), "announcement": ref("Announcement")},
    },
    "BriefingProgress": {
        "type": "object",
        "required": [
            "briefing_id",
            "managers",
            "read",
            "relayed",
            "reached",
            "active_employees",
            "share_reached",
            "relay_reads",
            "questions",
            "questions_open",
            "not_relayed",
        ],  # fmt: skip
        "properties": {
            "briefing_id": {"type": "integer"},
            "managers": {"type": "integer", "description": "managers briefed"},
            "read": {"type": "integer"},
            "relayed": {"type": "integer"},
            "reached": {
                "type": "integer",
                "description": "active employees who received a manager's relay",
            },
            "active_employees": {"type": "integer"},
            "share_reached": {"type": "number", "minimum": 0, "maximum": 1},
            "relay_reads": {"type": "integer", "description": "relays' read receipts"},
            "questions": {"type": "integer"},
            "questions_open": {"type": "integer"},
            "not_relayed": {
                "type": "array",
                "description": "managers yet to relay, by name (200 at most)",
                "items": ref("UserSummary"),
            },
        },
    },
    "BriefingQuestion": {
        "type": "object",
        "required": [
            "id",
            "briefing_id",
            "question",
            "answer",
            "asked_by",
            "relay_manager",
            "mine",
            "created_at",
            "answered_at",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "briefing_id": {"type": "integer"},
            "question": {"type": "string"},
            "answer": {"type": "string", "nullable": True},
            "asked_by": {**_NULLABLE_PERSON, "description": "the team and the asker only"},
            "relay_manager": {**_NULLABLE_PERSON, "description": "the team only"},
            "mine": {"type": "boolean"},
            "created_at": DATE_TIME,
            "answered_at": NULLABLE_DATE_TIME,
        },
    },
    "BriefingQuestionAsk": {
        "type": "object",
        "additionalProperties": False,
        "required": ["question"],
        "properties": {"question": {"type": "string", "minLength": 1, "maxLength": QA_TEXT_MAX}},
    },
    "BriefingAnswer": {
        "type": "object",
        "additionalProperties": False,
        "required": ["answer"],
        "properties": {"answer": {"type": "string", "minLength": 1, "maxLength": QA_TEXT_MAX}},
    },
}


def _items(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": ref(name)}},
    }


_ID = [id_param("briefing_id")]
_SEEN = {401: R401, 404: R404}

PATHS: dict[str, Any] = {
    "/briefings": {
        "post": operation(
            "The communication team drafts a briefing for managers",
            {
                201: json_response(ref("Briefing"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                422: R422,
            },
            requestBody=json_body_of("BriefingCreate"),
        ),
        "get": operation(
            "The briefings the caller may read, newest first: the team all of them (drafts "
            "too), a manager those sent to them",
            {200: json_response(_items("Briefing")), 401: R401},
        ),
    },
    "/briefings/{briefing_id}": {
        "get": operation(
            "A briefing; a manager's first read is recorded (their read receipt). Anyone else: 404",
            {200: json_response(ref("Briefing")), **_SEEN},
            parameters=_ID,
        ),
        "patch": operation(
            "The team edits a draft",
            {
                200: json_response(ref("Briefing")),
                400: R400,
                403: R403,
                409: R409,
                422: R422,
                **_SEEN,
            },
            parameters=_ID,
            requestBody=json_body_of("BriefingUpdate"),
        ),
    },
    "/briefings/{briefing_id}/send": {
        "post": operation(
            "The team sends the briefing to its managers, once (embargo still ahead)",
            {200: json_response(ref("Briefing")), 403: R403, 409: R409, 422: R422, **_SEEN},
            parameters=_ID,
        ),
    },
    "/briefings/{briefing_id}/relay": {
        "post": operation(
            "A manager briefed relays it to their whole reporting line, once, after the "
            "embargo: an announcement pre-filled from the briefing (409 before the embargo, "
            "saying when, and when already relayed)",
            {
                201: json_response(ref("BriefingRelayed"), "Created"),
                400: R400,
                403: R403,
                409: R409,
                **_SEEN,
            },
            parameters=_ID,
            requestBody=json_body_of("BriefingRelay"),
        ),
    },
    "/briefings/{briefing_id}/progress": {
        "get": operation(
            "The cascade for the team: managers briefed, read, relayed, people reached",
            {200: json_response(ref("BriefingProgress")), 403: R403, **_SEEN},
            parameters=_ID,
        ),
    },
    "/briefings/{briefing_id}/questions": {
        "get": operation(
            "Questions: the team sees all; a manager briefed the answered ones and their own; "
            "someone a relay reached their own",
            {200: json_response(_items("BriefingQuestion")), **_SEEN},
            parameters=_ID,
        ),
        "post": operation(
            "A manager briefed, or anyone their relay reached, asks the team a question",
            {
                201: json_response(ref("BriefingQuestion"), "Created"),
                400: R400,
                409: R409,
                422: R422,
                **_SEEN,
            },
            parameters=_ID,
            requestBody=json_body_of("BriefingQuestionAsk"),
        ),
    },
    "/briefings/{briefing_id}/questions/{question_id}/answer": {
        "put": operation(
            "The team answers a question (it joins the Q&A; the asker is notified)",
            {
                200: json_response(ref("BriefingQuestion")),
                400: R400,
                403: R403,
                422: R422,
                **_SEEN,
            },
            parameters=[*_ID, id_param("question_id")],
            requestBody=json_body_of("BriefingAnswer"),
        ),
    },
}
