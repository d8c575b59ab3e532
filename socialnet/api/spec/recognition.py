"""OpenAPI description of the recognition routes (socialnet/api/recognition.py)."""

from __future__ import annotations

from typing import Any

from .common import (
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

USER_ID, VALUE_ID = id_param("user_id"), id_param("value_id")
INT = {"type": "integer"}
RANKED = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["user", "count"],
        "properties": {"user": ref("UserSummary"), "count": INT},
    },
}
PREFERENCES = {
    "type": "object",
    "required": ["leaderboard_opt_out", "celebrate_birthday", "language", "digest"],
    "properties": {
        "leaderboard_opt_out": {"type": "boolean"},
        "celebrate_birthday": {"type": "boolean"},
        "language": {
            "type": "string",
            "enum": ["en", "fr", None],
            "nullable": True,
            "description": "The language chosen; null: the browser's (Accept-Language), "
            "then the company default (SOCIALNET_DEFAULT_LANGUAGE).",
        },
        "digest": {
            "type": "string",
            "enum": ["daily", "weekly", "off"],
            "description": "How often the personal digest email comes (weekly by default): "
            "what the person missed, in their language, with a one-click unsubscribe.",
        },
    },
}
SCHEMAS = {
    "CompanyValue": {
        "type": "object",
        "required": ["id", "name", "description", "emoji", "active"],
        "properties": {
            "id": INT,
            "name": {"type": "string"},
            "description": {"type": "string"},
            "emoji": {"type": "string"},
            "active": {"type": "boolean"},
        },
    },
    "CompanyValueChange": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "maxLength": 60},
            "description": {"type": "string", "maxLength": 300},
            "emoji": {"type": "string", "maxLength": 16},
            "active": {"type": "boolean", "description": "PATCH only: false deactivates"},
        },
    },
    "Kudos": {
        "type": "object",
        "required": ["id", "post_id", "giver", "recipients", "value", "message", "created_at"],
        "properties": {
            "id": INT,
            "post_id": INT,
            "giver": ref("UserSummary"),
            "recipients": {"type": "array", "items": ref("UserSummary")},
            "value": ref("CompanyValue"),
            "message": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "KudosCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["recipient_ids", "message", "value"],
        "properties": {
            "recipient_ids": {
                "type": "array",
                "items": INT,
                "minItems": 1,
                "maxItems": 10,
                "description": "active colleagues, not yourself",
            },
            "message": {"type": "string", "maxLength": 1000},
            "value": {
                "oneOf": [{"type": "string"}, INT],
                "description": "an active company value, by name or id",
            },
            "group_id": {"type": "integer", "nullable": True},
        },
    },
    "KudosGiven": {
        "type": "object",
        "required": ["kudos", "post"],
        "properties": {"kudos": ref("Kudos"), "post": ref("Post")},
    },
    "KudosReceived": {
        "type": "object",
        "required": ["user", "total", "by_value", "recent"],
        "properties": {
            "user": ref("UserSummary"),
            "total": INT,
            "by_value": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "count"],
                    "properties": {"value": ref("CompanyValue"), "count": INT},
                },
            },
            "recent": {"type": "array", "items": ref("Kudos")},
        },
    },
    "Leaderboard": {
        "type": "object",
        "required": [
            "period",
            "start",
            "end",
            "group_id",
            "top_receivers",
            "top_givers",
            "by_value",
        ],  # fmt: skip
        "properties": {
            "period": {"type": "string", "enum": ["month", "quarter"]},
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date", "description": "exclusive"},
            "group_id": {"type": "integer", "nullable": True},
            "top_receivers": RANKED,
            "top_givers": RANKED,
            "by_value": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["value", "count", "top_receivers"],
                    "properties": {
                        "value": ref("CompanyValue"),
                        "count": INT,
                        "top_receivers": RANKED,
                    },
                },
            },
        },
    },
    "Celebration": {
        "type": "object",
        "required": ["id", "kind", "date", "years", "person", "people", "post_id", "created_at"],
        "properties": {
            "id": INT,
            "kind": {
                "type": "string",
                "enum": ["birthday", "anniversary", "new_joiner", "team_success"],
            },
            "date": {"type": "string", "format": "date"},
            "years": {"type": "integer", "nullable": True},
            "person": {"allOf": [ref("UserSummary")], "nullable": True},
            "people": {"type": "array", "items": ref("UserSummary")},
            "post_id": {"type": "integer", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
    "TeamSuccessCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["message", "people_ids"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "message": {"type": "string", "maxLength": 2000},
            "people_ids": {"type": "array", "items": INT, "minItems": 1, "maxItems": 50},
            "group_id": {"type": "integer", "nullable": True},
        },
    },
    "Preferences": PREFERENCES,
    "PreferencesChange": {
        "type": "object",
        "additionalProperties": False,
        "properties": PREFERENCES["properties"],
    },
}
ERRORS = {401: R401, 403: R403}

PATHS: dict[str, Any] = {
    "/kudos": {
        "post": operation(
            "Thank one to ten colleagues for a company value (a post of kind kudos)",
            {
                201: json_response(ref("KudosGiven"), "Created"),
                400: R400,
                413: R413,
                **ERRORS,
            },
            requestBody=json_body_of("KudosCreate"),
        )
    },
    "/users/{user_id}/kudos": {
        "get": operation(
            "Kudos a person received that the caller may see: counts per value, recent",
            {200: json_response(ref("KudosReceived")), 404: R404, 401: R401},
            parameters=[USER_ID],
        )
    },
    "/kudos/leaderboard": {
        "get": operation(
            "Top receivers, givers and values of a month or quarter (community managers)",
            {200: json_response(ref("Leaderboard")), 400: R400, **ERRORS},
            parameters=[
                {
                    "name": "period",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["month", "quarter"]},
                },
                {
                    "name": "at",
                    "in": "query",
                    "required": False,
                    "description": "a day of the period (default: today), 1900 to 9000",
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "group_id",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                },
            ],
        )
    },
    "/values": {
        "get": operation(
            "Company values (admins also see deactivated ones)",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": ref("CompanyValue")}},
                    }
                ),
                401: R401,
            },
        ),
        "post": operation(
            "Create a company value (admins); 409 when a value's name differs only by "
            "case or accents",
            {
                201: json_response(ref("CompanyValue"), "Created"),
                400: R400,
                409: R409,
                **ERRORS,
            },
            requestBody=json_body_of("CompanyValueChange"),
        ),
    },
    "/values/{value_id}": {
        "patch": operation(
            "Rename, describe, deactivate or reactivate a value (admins); 409 when the new "
            "name differs from another value's only by case or accents",
            {
                200: json_response(ref("CompanyValue")),
                400: R400,
                404: R404,
                409: R409,
                **ERRORS,
            },
            parameters=[VALUE_ID],
            requestBody=json_body_of("CompanyValueChange"),
        )
    },
    "/celebrations/today": {
        "get": operation(
            "Today's celebrations (company time zone) the caller may see",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["date", "items"],
                        "properties": {
                            "date": {"type": "string", "format": "date"},
                            "items": {"type": "array", "items": ref("Celebration")},
                        },
                    }
                ),
                401: R401,
            },
        )
    },
    "/celebrations": {
        "post": operation(
            "Celebrate a team success (managers, community managers, admins)",
            {
                201: json_response(
                    {
                        "type": "object",
                        "required": ["celebration", "post"],
                        "properties": {
                            "celebration": ref("Celebration"),
                            "post": ref("Post"),
                        },
                    },
                    "Created",
                ),
                400: R400,
                **ERRORS,
            },
            requestBody=json_body_of("TeamSuccessCreate"),
        )
    },
    "/me/preferences": {
        "get": operation(
            "My settings: recognition, language and digest",
            {200: json_response(ref("Preferences")), 401: R401},
        ),
        "patch": operation(
            "Opt out of leaderboards; opt in to birthday celebrations; choose a language "
            "and how often the digest email comes",
            {200: json_response(ref("Preferences")), 400: R400, 401: R401},
            requestBody=json_body_of("PreferencesChange"),
        ),
    },
}
