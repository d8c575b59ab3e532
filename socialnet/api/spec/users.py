"""OpenAPI description of the people routes (socialnet/api/users.py)."""

from __future__ import annotations

from typing import Any

from ...models import ROLES_ALL
from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
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
    page_of,
    ref,
)

USER_ID = id_param("user_id")

SCHEMAS: dict[str, Any] = {
    "UserSummary": {
        "type": "object",
        "required": [
            "id",
            "display_name",
            "handle",
            "job_title",
            "initials",
            "avatar_url",
            "is_guest",
            "guest_company",
        ],
        "properties": {
            "id": {"type": "integer"},
            "is_guest": {
                "type": "boolean",
                "description": "a guest from the extended company (issue #19): shown "
                "as “Guest · {guest_company}” wherever the name shows",
            },
            "guest_company": {
                "type": "string",
                "nullable": True,
                "description": "the guest's company; null for an employee",
            },
            "display_name": {"type": "string"},
            "handle": {"type": "string"},
            "job_title": {"type": "string"},
            "initials": {"type": "string"},
            "avatar_url": {
                "type": "string",
                "nullable": True,
                "description": "the avatar at 160 pixels (`GET /users/{user_id}/avatar/"
                "{version}/{size}`), null when the person shows their initials",
            },
        },
    },
    "User": {
        "description": "A colleague's directory card. `role` and `created_at` are only "
        "shown to the person themself and to admins.",
        "allOf": [
            ref("UserSummary"),
            {
                "type": "object",
                "required": ["email", "department", "site", "manager_id", "hire_date", "active"],
                "properties": {
                    "email": {"type": "string", "format": "email"},
                    "department": {"type": "string"},
                    "site": {"type": "string"},
                    "manager_id": {"type": "integer", "nullable": True},
                    "hire_date": {"type": "string", "format": "date", "nullable": True},
                    "birthday": {**NULLABLE_STRING, "pattern": "^--[0-9]{2}-[0-9]{2}$"},
                    "active": {"type": "boolean"},
                    "role": {"type": "string", "enum": list(ROLES_ALL)},
                    "created_at": DATE_TIME,
                    "pronouns": {"type": "string"},
                    "phone": {"type": "string"},
                    "about": {"type": "string", "description": "Markdown"},
                    "about_html": {"type": "string", "description": "`about`, sanitized"},
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "location_detail": {"type": "string"},
                    "skills": {
                        "type": "array",
                        "items": ref("ProfileSkill"),
                        "description": "On a person's own card (`GET /users/{user_id}`, "
                        "`GET /me`, `user.updated`), not in directory lists",
                    },
                    "correspondent": {
                        "type": "object",
                        "nullable": True,
                        "required": ["scope", "value"],
                        "properties": {
                            "scope": {"type": "string", "enum": ["site", "department"]},
                            "value": {"type": "string"},
                        },
                        "description": "On `GET /users/{user_id}` only: the person's "
                        "communication correspondent role, or null",
                    },
                },
            },
        ],
    },
    "UserCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "display_name", "password"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "display_name": {"type": "string", "maxLength": 120},
            "password": {"type": "string", "minLength": 10, "maxLength": 256},
            "role": {"type": "string", "enum": list(ROLES_ALL)},
            "job_title": {"type": "string", "maxLength": 120},
            "department": {"type": "string", "maxLength": 120},
            "site": {"type": "string", "maxLength": 120},
            "manager_id": {"type": "integer", "nullable": True},
            "hire_date": {"type": "string", "format": "date", "nullable": True},
            "birthday": {"type": "string", "description": "MM-DD", "nullable": True},
            "buddy_id": {
                "type": "integer",
                "nullable": True,
                "description": "with a hire date: the new joiner's buddy, chosen by the manager "
                "(422 if deactivated); default: suggested from the same site and department",
            },
            "onboarding_template_id": {
                "type": "integer",
                "nullable": True,
                "description": "with a hire date: the journey's template (default: the "
                "default template; no journey if there is none)",
            },
        },
    },
    "UserPatch": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "role": {"type": "string", "enum": list(ROLES_ALL)},
            "active": {"type": "boolean"},
            "display_name": {"type": "string"},
            "job_title": {"type": "string"},
            "department": {"type": "string"},
            "site": {"type": "string"},
            "manager_id": {"type": "integer", "nullable": True},
            "hire_date": {"type": "string", "format": "date", "nullable": True},
            "birthday": {"type": "string", "nullable": True},
        },
    },
}

PATHS: dict[str, Any] = {
    "/users": {
        "get": operation(
            "Search the directory (active people, sorted by name); a guest finds the "
            "members of their groups only",
            {200: json_response(page_of("User")), 400: R400, 401: R401},
            parameters=[
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "department", "in": "query", "schema": {"type": "string"}},
                {"name": "site", "in": "query", "schema": {"type": "string"}},
                {
                    "name": "skill",
                    "in": "query",
                    "description": "People who declared this skill (case and accents "
                    "ignored). `q` also matches part of a skill, a department or a site.",
                    "schema": {"type": "string"},
                },
                {
                    "name": "include_inactive",
                    "in": "query",
                    "description": "1: deactivated accounts too (administrators only; "
                    "ignored for others)",
                    "schema": {"type": "string", "enum": ["1"]},
                },
                LIMIT,
                CURSOR,
            ],
        ),
        "post": operation(
            "Create an account (admins)",
            {
                201: json_response(ref("User"), "Created"),
                400: R400,
                401: R401,
                403: R403,
                409: R409,
            },
            requestBody=json_body_of("UserCreate"),
        ),
    },
    "/users/{user_id}": {
        "get": operation(
            "A person's card", {200: json_response(ref("User")), 401: R401, 404: R404}
        ),
        "patch": operation(
            "Change a person's profile, role or active flag (admins); "
            "deactivation ends their sessions, tokens and sockets; a deleted account "
            "cannot be changed (409)",
            {
                200: json_response(ref("User")),
                400: R400,
                401: R401,
                403: R403,
                404: R404,
                409: R409,
            },
            requestBody=json_body_of("UserPatch"),
        ),
        "parameters": [USER_ID],
    },
    "/users/{user_id}/posts": {
        "get": operation(
            "A person's posts that the caller may see, newest first",
            {200: json_response(page_of("Post")), 400: R400, 401: R401, 404: R404},
            parameters=[USER_ID, LIMIT, CURSOR],
        )
    },
}
