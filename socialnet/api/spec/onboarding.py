"""OpenAPI description of onboarding journeys (socialnet/api/onboarding.py). The figures
are `/analytics/onboarding` (spec/analytics.py)."""

from __future__ import annotations

from typing import Any

from ...models import BUDDY_SOURCES, STEP_ACTIONS
from ...models.onboarding import (
    ANSWER_MAX,
    DAY_OFFSET_MAX,
    QUESTION_MAX,
    STEP_DESCRIPTION_MAX,
    STEP_TITLE_MAX,
    STEP_URL_MAX,
    STEPS_MAX,
    TEMPLATE_NAME_MAX,
)
from .common import (
    DATE_TIME,
    NO_CONTENT,
    NULLABLE_DATE_TIME,
    NULLABLE_STRING,
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
    "Refused: a negative day offset, a feedback group the answers cannot be posted in, a "
    "deactivated buddy or the person themself"
)
COUNT = {"type": "integer", "minimum": 0}
DAY = {"type": "string", "format": "date"}
NULLABLE_ID = {"type": "integer", "nullable": True}
#: OpenAPI 3.0 has no nullable reference: one of the object or null.
_NULL = {"type": "object", "nullable": True, "enum": [None]}
_NULLABLE_PERSON = {"anyOf": [ref("UserSummary"), _NULL]}
_GROUP_REF = {
    "type": "object",
    "required": ["id", "name", "url"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "url": {"type": "string"},
    },
}
_TEMPLATE_STEP = {
    "type": "object",
    "additionalProperties": False,
    "required": ["day_offset", "title"],
    "properties": {
        "day_offset": {
            "type": "integer",
            "maximum": DAY_OFFSET_MAX,
            "description": "days after the hire date (0: the first day); negative: 422",
        },
        "title": {"type": "string", "minLength": 1, "maxLength": STEP_TITLE_MAX},
        "description": {**NULLABLE_STRING, "maxLength": STEP_DESCRIPTION_MAX,
                        "description": "null: empty"},
        "action": {"type": "string", "enum": list(STEP_ACTIONS), "default": "none"},
        "url": {**NULLABLE_STRING, "maxLength": STEP_URL_MAX, "description": "action `link`"},
        "group_id": {**NULLABLE_ID, "description": "action `group` (not a secret one)"},
        "person_id": {**NULLABLE_ID, "description": "action `person`: someone to meet"},
        "question": {**NULLABLE_STRING, "maxLength": QUESTION_MAX, "description": "action "
                     "`question`"},
    },
}  # fmt: skip
_TEMPLATE_FIELDS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": TEMPLATE_NAME_MAX},
    "description": {**NULLABLE_STRING, "maxLength": STEP_DESCRIPTION_MAX,
                    "description": "null: empty"},
    "is_default": {"type": "boolean", "description": "one default at most: setting it unsets "
                   "the others"},
    "steps": {"type": "array", "minItems": 1, "maxItems": STEPS_MAX, "items": _TEMPLATE_STEP},
    "feedback_question": {**NULLABLE_STRING, "maxLength": QUESTION_MAX,
                          "description": "null or empty: no final question"},
    "anonymous_feedback": {"type": "boolean"},
    "feedback_group_id": {**NULLABLE_ID, "description": "where answers become lessons learned "
                          "(null: the company space); a public group when the answers are "
                          "signed (the person joins it as they answer), else 422 not_public; "
                          "when anonymous, one the template's author can post in, else 422 "
                          "signer_not_member"},
}  # fmt: skip

SCHEMAS: dict[str, Any] = {
    "OnboardingTemplate": {
        "type": "object",
        "required": ["id", *_TEMPLATE_FIELDS, "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"},
            **_TEMPLATE_FIELDS,
            "created_at": DATE_TIME,
            "updated_at": DATE_TIME,
        },
    },
    "OnboardingTemplateCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "steps"],
        "properties": _TEMPLATE_FIELDS,
    },
    "OnboardingTemplatePatch": {
        "type": "object",
        "additionalProperties": False,
        "properties": _TEMPLATE_FIELDS,
    },
    "OnboardingStep": {
        "type": "object",
        "required": [
            "id",
            "position",
            "day_offset",
            "due_on",
            "title",
            "description",
            "action",
            "url",
            "group",
            "person",
            "question",
            "answer",
            "completed_at",
            "overdue",
        ],
        "properties": {
            "id": {"type": "integer"},
            "position": COUNT,
            "day_offset": COUNT,
            "due_on": DAY,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "action": {"type": "string", "enum": list(STEP_ACTIONS)},
            "url": NULLABLE_STRING,
            "group": {**_GROUP_REF, "nullable": True},
            "person": _NULLABLE_PERSON,
            "question": NULLABLE_STRING,
            "answer": NULLABLE_STRING,
            "completed_at": NULLABLE_DATE_TIME,
            "overdue": {"type": "boolean"},
        },
    },  # fmt: skip
    "OnboardingJourney": {
        "type": "object",
        "description": "Seen by the new joiner, their manager, their buddy and HR (anyone "
        "else: 404). The feedback's answer is never in it.",
        "required": [
            "id",
            "user",
            "template_id",
            "template_name",
            "hire_date",
            "buddy",
            "buddy_source",
            "buddy_replaced_at",
            "welcome_post_id",
            "suggested_groups",
            "steps",
            "progress",
            "feedback",
            "started_at",
            "completed_at",
            "can_complete",
            "can_steer",
        ],
        "properties": {
            "id": {"type": "integer"},
            "user": ref("UserSummary"),
            "template_id": NULLABLE_ID,
            "template_name": {"type": "string"},
            "hire_date": DAY,
            "buddy": _NULLABLE_PERSON,
            "buddy_source": {"type": "string", "enum": list(BUDDY_SOURCES)},
            "buddy_replaced_at": {
                **NULLABLE_DATE_TIME,
                "description": "the previous buddy was deactivated then",
            },
            "welcome_post_id": {**NULLABLE_ID, "description": "the new joiner's celebration"},
            "suggested_groups": {"type": "array", "items": _GROUP_REF},
            "steps": {"type": "array", "items": ref("OnboardingStep")},
            "progress": {
                "type": "object",
                "required": ["done", "total", "percent"],
                "properties": {
                    "done": COUNT,
                    "total": COUNT,
                    "percent": {"type": "integer", "minimum": 0, "maximum": 100},
                },
            },
            "feedback": {
                "type": "object",
                "required": ["question", "anonymous", "answered"],
                "properties": {
                    "question": {"type": "string"},
                    "anonymous": {"type": "boolean"},
                    "answered": {
                        "type": "boolean",
                        "nullable": True,
                        "description": "null: anonymous feedback, and the "
                        "viewer is not the person (whether they answered is "
                        "theirs alone)",
                    },
                },
            },
            "started_at": DATE_TIME,
            "completed_at": NULLABLE_DATE_TIME,
            "can_complete": {"type": "boolean"},
            "can_steer": {"type": "boolean"},
        },
    },  # fmt: skip
    "OnboardingJourneyStart": {
        "type": "object",
        "additionalProperties": False,
        "required": ["user_id"],
        "properties": {
            "user_id": {"type": "integer"},
            "template_id": {**NULLABLE_ID, "description": "default: the default template"},
            "buddy_id": {**NULLABLE_ID, "description": "default: a suggestion"},
            "hire_date": {**DAY, "nullable": True, "description": "when the account has none"},
        },
    },
    "OnboardingJourneyPatch": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"buddy_id": NULLABLE_ID},
    },
    "OnboardingAnswer": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"answer": {"type": "string", "maxLength": ANSWER_MAX}},
    },
}

_TEMPLATE_ID = id_param("template_id")
_JOURNEY_ID = id_param("journey_id")
_STEP_ID = id_param("step_id")
_JOURNEY = json_response(ref("OnboardingJourney"))
_LIST_OF = {
    "type": "object",
    "required": ["items"],
}

PATHS: dict[str, Any] = {
    "/onboarding/templates": {
        "get": operation(
            "Journey templates, the default first (HR: community managers and admins; "
            "anyone else 404)",
            {
                200: json_response(
                    {
                        **_LIST_OF,
                        "properties": {
                            "items": {"type": "array", "items": ref("OnboardingTemplate")}
                        },
                    }
                ),
                401: R401,
                404: R404,
            },
        ),
        "post": operation(
            "Write a journey template (HR)",
            {
                201: json_response(ref("OnboardingTemplate"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                422: R422,
            },
            requestBody=json_body_of("OnboardingTemplateCreate"),
        ),
    },  # fmt: skip
    "/onboarding/templates/{template_id}": {
        "parameters": [_TEMPLATE_ID],
        "get": operation(
            "A template (HR)", {200: json_response(ref("OnboardingTemplate")), 401: R401, 404: R404}
        ),
        "patch": operation(
            "Change a template (HR); journeys already started keep their copy of the steps",
            {
                200: json_response(ref("OnboardingTemplate")),
                400: R400,
                401: R401,
                404: R404,
                422: R422,
            },
            requestBody=json_body_of("OnboardingTemplatePatch"),
        ),
        "delete": operation(
            "Delete a template (HR); journeys started from it go on",
            {204: NO_CONTENT, 401: R401, 404: R404},
        ),
    },
    "/onboarding/journeys": {
        "get": operation(
            "The journeys the caller may see: their own, their reports', those they are "
            "buddy of; HR sees all",
            {
                200: json_response(
                    {
                        **_LIST_OF,
                        "properties": {
                            "items": {"type": "array", "items": ref("OnboardingJourney")}
                        },
                    }
                ),
                400: R400,
                401: R401,
            },
            parameters=[
                {
                    "name": "in_progress",
                    "in": "query",
                    "required": False,
                    "description": "1: only journeys not completed",
                    "schema": {"type": "string", "enum": ["0", "1"]},
                }
            ],
        ),
        "post": operation(
            "Start a person's journey (their manager or HR): steps copied from the "
            "template, a buddy, the welcome post (the new joiner's celebration, once)",
            {
                201: json_response(ref("OnboardingJourney"), "Created"),
                400: R400,
                401: R401,
                404: R404,
                409: R409,
                422: R422,
            },
            requestBody=json_body_of("OnboardingJourneyStart"),
        ),
    },  # fmt: skip
    "/onboarding/journeys/{journey_id}": {
        "parameters": [_JOURNEY_ID],
        "get": operation("A journey", {200: _JOURNEY, 401: R401, 404: R404}),
        "patch": operation(
            "Choose the buddy (the manager or HR)",
            {200: _JOURNEY, 400: R400, 401: R401, 403: R403, 404: R404, 422: R422},
            requestBody=json_body_of("OnboardingJourneyPatch"),
        ),
    },
    "/onboarding/journeys/{journey_id}/steps/{step_id}": {
        "parameters": [_JOURNEY_ID, _STEP_ID],
        "post": operation(
            "Tick a step (the new joiner only): a question step needs `answer`; a group "
            "step joins the group (or asks to); twice: 409",
            {200: _JOURNEY, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody={
                "required": False,
                "content": {"application/json": {"schema": ref("OnboardingAnswer")}},
            },
        ),
        "delete": operation(
            "Untick a step (the new joiner only); not done: 409",
            {200: _JOURNEY, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
    "/onboarding/journeys/{journey_id}/feedback": {
        "parameters": [_JOURNEY_ID],
        "post": operation(
            "Answer the final question once every step is done: a lessons-learned entry "
            "(a `feedback` post, topic #onboarding) for HR, signed by HR when the template "
            "says anonymous",
            {200: _JOURNEY, 400: R400, 401: R401, 403: R403, 404: R404, 409: R409},
            requestBody=json_body_of("OnboardingAnswer"),
        ),
    },
    "/me/onboarding": {
        "get": operation(
            "The caller's journey, or null (guests have none)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["journey"],
                        "properties": {"journey": {"anyOf": [ref("OnboardingJourney"), _NULL]}},
                    }
                ),
                401: R401,
            },
        ),
    },
}
