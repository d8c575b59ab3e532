"""OpenAPI description of the personal data routes (socialnet/api/personal_data.py)."""

from __future__ import annotations

from typing import Any

from ...services import company_settings
from .common import (
    NO_CONTENT,
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

ZIP = {
    "description": "A zip archive: data.json (everything stored about the person) and README.txt",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}
SETTINGS_LIST = {
    "type": "object",
    "required": ["items"],
    "properties": {"items": {"type": "array", "items": ref("CompanySetting")}},
}

PATHS: dict[str, Any] = {
    "/me/export": {
        "get": operation(
            "Download all your data (GDPR access and portability): a zip holding "
            "data.json and a README. Audited.",
            {200: ZIP, 401: R401, 403: R403},
        )
    },
    "/me": {
        "get": operation("The caller's own account", {200: json_response(ref("User")), 401: R401}),
        "patch": operation(
            "Edit your own profile (socialnet/api/people.py). Organisational fields "
            "(manager, department, site, hire date, role) are administrators' "
            "(`PATCH /users/{user_id}`): naming one is a 400. Every field is checked "
            "before any is written; `user.updated` reaches the company room.",
            {
                200: json_response(ref("User")),
                400: R400,
                401: R401,
                403: R403,
                409: R409,
                413: error_response("A text over its limit; `fields` names it"),
            },
            requestBody=json_body_of("ProfilePatch"),
        ),
        "delete": operation(
            "Delete your account, with your password. Your profile is erased and every "
            "session, token and socket ends; your posts, comments, reactions and votes "
            "are anonymised or removed, as the company's `account_deletion` setting says.",
            {
                204: NO_CONTENT,
                400: error_response("Invalid input; `fields.password` is `incorrect`"),
                401: R401,
                403: R403,
                409: error_response(
                    "You are the last administrator of the network or of a group with "
                    "other members: hand over first"
                ),
            },
            requestBody=json_body_of("AccountDeletion"),
        ),
    },
    "/users/{user_id}/export": {
        "get": operation(
            "Export a person's data on their request (administrators). Audited.",
            {200: ZIP, 401: R401, 403: R403, 404: R404},
            parameters=[id_param("user_id")],
        )
    },
    "/admin/settings": {
        "get": operation(
            "Company settings with their allowed values (administrators)",
            {200: json_response(SETTINGS_LIST), 401: R401, 403: R403},
        ),
        "patch": operation(
            "Change company settings (administrators); audited",
            {200: json_response(SETTINGS_LIST), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("CompanySettingsPatch"),
        ),
    },
}

SCHEMAS: dict[str, Any] = {
    "AccountDeletion": {
        "type": "object",
        "additionalProperties": False,
        "required": ["password"],
        "properties": {"password": {"type": "string", "maxLength": 256}},
    },
    "CompanySetting": {
        "type": "object",
        "required": ["key", "value", "allowed", "help"],
        "properties": {
            "key": {"type": "string"},
            "value": {"type": "string"},
            "allowed": {"type": "array", "items": {"type": "string"}},
            "help": {"type": "string"},
        },
    },
    "CompanySettingsPatch": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            key: {"type": "string", "enum": list(allowed)}
            for key, (_, allowed, _) in company_settings.SETTINGS.items()
        },
    },
}
