"""OpenAPI description of the people routes of socialnet/api/people.py: the profile one
edits oneself (``PATCH /me`` is documented with ``/me`` in :mod:`.personal_data`),
skills and endorsements."""

from __future__ import annotations

from typing import Any

from .common import (
    R400,
    R401,
    R403,
    R404,
    R409,
    error_response,
    id_param,
    json_response,
    operation,
    ref,
)

SKILL_NAME = {"type": "string", "maxLength": 60}

SCHEMAS: dict[str, Any] = {
    "ProfilePatch": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "display_name": {"type": "string", "minLength": 1, "maxLength": 120},
            "job_title": {"type": "string", "maxLength": 120},
            "pronouns": {"type": "string", "maxLength": 40},
            "phone": {"type": "string", "maxLength": 40},
            "about": {"type": "string", "maxLength": 5000, "description": "Markdown"},
            "skills": {
                "type": "array",
                "maxItems": 30,
                "items": SKILL_NAME,
                "description": "Replaces the list; names equal once case and accents are "
                "folded are one skill. A skill dropped loses its endorsements.",
            },
            "languages": {
                "type": "array",
                "maxItems": 10,
                "items": {"type": "string", "maxLength": 40},
            },
            "location_detail": {"type": "string", "maxLength": 120},
        },
    },
    "ProfileSkill": {
        "type": "object",
        "required": ["name", "endorsement_count"],
        "properties": {"name": {"type": "string"}, "endorsement_count": {"type": "integer"}},
    },
    "SkillSuggestion": {
        "type": "object",
        "required": ["name", "people"],
        "properties": {
            "name": {"type": "string"},
            "people": {"type": "integer", "description": "How many declare it"},
        },
    },
    "OrgCard": {
        "allOf": [
            ref("UserSummary"),
            {
                "type": "object",
                "required": ["department", "site", "active", "report_count"],
                "properties": {
                    "department": {"type": "string"},
                    "site": {"type": "string"},
                    "active": {"type": "boolean"},
                    "report_count": {"type": "integer", "description": "Active direct reports"},
                },
            },
        ]
    },
    "OrgChart": {
        "type": "object",
        "required": ["person", "chain", "peers", "reports"],
        "properties": {
            "person": ref("OrgCard"),
            "chain": {
                "type": "array",
                "items": ref("OrgCard"),
                "description": "The direct manager first, up to the top",
            },
            "peers": {"type": "array", "items": ref("OrgCard")},
            "reports": {"type": "array", "items": ref("OrgCard")},
        },
    },
    "Expert": {
        "type": "object",
        "required": ["user", "score", "declared", "endorsements", "best_answers", "posts"],
        "properties": {
            "user": ref("UserSummary"),
            "score": {"type": "integer"},
            "declared": {"type": "boolean", "description": "Declared the skill"},
            "endorsements": {"type": "integer"},
            "best_answers": {"type": "integer"},
            "posts": {"type": "integer"},
        },
    },
    "EndorsementState": {
        "type": "object",
        "required": ["skill", "endorsement_count", "endorsed_by_me"],
        "properties": {
            "skill": {"type": "string"},
            "endorsement_count": {"type": "integer"},
            "endorsed_by_me": {"type": "boolean"},
        },
    },
}

_ENDORSEMENT_ANSWERS = {
    200: json_response(ref("EndorsementState")),
    400: R400,
    401: R401,
    404: R404,
}

PATHS: dict[str, Any] = {
    "/experts": {
        "get": operation(
            "Who knows `topic`: active people ranked by declared skill (5), endorsements "
            "of it (2 each), best answers on questions tagged with it (3 each) and posts "
            "tagged with it (1 each), counting only what the caller may see; at most 20",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("Expert")}},
                    }
                ),
                400: R400,
                401: R401,
            },
            parameters=[
                {
                    "name": "topic",
                    "in": "query",
                    "required": True,
                    "example": "python",
                    "description": "A skill or hashtag (a leading # is ignored)",
                    "schema": {"type": "string", "maxLength": 120},
                }
            ],
        )
    },
    "/users/{user_id}/org": {
        "get": operation(
            "A person's place in the org chart: the manager chain to the top, peers (same "
            "manager) and direct reports, active people by name, each with its report count",
            {200: json_response(ref("OrgChart")), 401: R401, 404: R404},
            parameters=[id_param("user_id")],
        )
    },
    "/me/avatar": {
        "put": operation(
            "Set your avatar (multipart/form-data, field `file`): an image (JPEG, PNG, GIF, "
            "WebP, judged from the bytes), whose centre square is stored as WebP at 32, 64 "
            "and 160 pixels, without its metadata. Answers your account with its new "
            "`avatar_url`; `user.updated` reaches the company room.",
            {
                200: json_response(ref("User")),
                400: error_response("Empty, damaged or truncated, or too many pixels"),
                401: R401,
                403: R403,
                409: R409,
                413: error_response("Over SOCIALNET_MAX_UPLOAD_MB"),
                415: error_response("Not an image (a PDF, an SVG…)"),
            },
            requestBody={
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            },
        ),
        "delete": operation(
            "Back to initials (`avatar_url` null); `user.updated` when there was an avatar",
            {200: json_response(ref("User")), 401: R401, 403: R403},
        ),
    },
    "/users/{user_id}/avatar/{version}/{size}": {
        "get": operation(
            "A person's avatar (WebP), for any signed-in colleague, as their card is. The "
            "URL is the user dict's `avatar_url` (size 160; 32 and 64 differ by the last "
            "segment); it is cached privately for a year, and an old `version` redirects "
            "(302, not cached) to the current one. No avatar, or a deleted account: 404.",
            {
                200: {
                    "description": "WebP",
                    "content": {"image/webp": {"schema": {"type": "string", "format": "binary"}}},
                },
                302: {"description": "The current version"},
                401: R401,
                404: R404,
            },
            parameters=[
                id_param("user_id"),
                {"name": "version", "in": "path", "required": True, "schema": {"type": "integer"}},
                {
                    "name": "size",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "enum": [32, 64, 160]},
                },
            ],
        )
    },
    "/skills": {
        "get": operation(
            "Skill suggestions: names starting with `q` (case and accents ignored), most "
            "declared first, at most 10",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {
                            "items": {
                                "type": "array",
                                "items": ref("SkillSuggestion"),
                            }
                        },
                    }
                ),
                400: R400,
                401: R401,
            },
            parameters=[
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}}
            ],
        )
    },
    "/users/{user_id}/skills/{skill}/endorsement": {
        "put": operation(
            "Endorse a colleague's declared skill (idempotent); endorsing yourself is a 400, "
            "a skill they have not declared a 404",
            _ENDORSEMENT_ANSWERS,
        ),
        "delete": operation(
            "Withdraw your endorsement (idempotent)",
            _ENDORSEMENT_ANSWERS,
        ),
        "parameters": [
            id_param("user_id"),
            {"name": "skill", "in": "path", "required": True, "schema": SKILL_NAME},
        ],
    },
}
