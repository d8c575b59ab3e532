"""OpenAPI description of the guest routes (socialnet/api/guests.py, issue #19)."""

from __future__ import annotations

from typing import Any

from .common import (
    DATE_TIME,
    NO_CONTENT,
    R400,
    R401,
    R403,
    R404,
    R409,
    SECURITY_NONE,
    error_response,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)

DAY = {"type": "string", "format": "date"}
GROUP_REF = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}

SCHEMAS: dict[str, Any] = {
    "GuestInvitationCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "company", "group_ids", "access_until"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "company": {"type": "string", "minLength": 1, "maxLength": 120},
            "group_ids": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": {"type": "integer", "minimum": 1},
            },
            "access_until": {
                **DAY,
                "description": "the last day of access (company time zone), today to 366 "
                "days ahead",
            },
        },
    },
    "GuestInvitation": {
        "type": "object",
        "required": [
            "id",
            "email",
            "company",
            "status",
            "access_until",
            "link_expires_at",
            "created_at",
            "invited_by",
            "groups",
        ],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string"},
            "company": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "accepted", "revoked", "expired"]},
            "access_until": DAY,
            "link_expires_at": DATE_TIME,
            "created_at": DATE_TIME,
            "invited_by": {"allOf": [ref("UserSummary")], "nullable": True},
            "groups": {"type": "array", "items": GROUP_REF},
        },
    },
    "GuestAccept": {
        "type": "object",
        "additionalProperties": False,
        "required": ["token", "display_name", "password"],
        "properties": {
            "token": {"type": "string"},
            "display_name": {"type": "string", "minLength": 1, "maxLength": 120},
            "password": {"type": "string", "minLength": 12, "maxLength": 256},
        },
    },
    "Guest": {
        "type": "object",
        "required": ["user", "email", "company", "access_until", "access_ended", "groups"],
        "properties": {
            "user": ref("UserSummary"),
            "email": {"type": "string"},
            "company": {"type": "string"},
            "access_until": {**DAY, "nullable": True},
            "access_ended": {
                "type": "boolean",
                "description": "expired, or removed from their last group",
            },
            "groups": {"type": "array", "items": GROUP_REF},
        },
    },
    "GuestRenewal": {
        "type": "object",
        "additionalProperties": False,
        "required": ["access_until"],
        "properties": {"access_until": DAY},
    },
}


def _items(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": ref(name)}},
    }


PATHS: dict[str, Any] = {
    "/guests/invitations": {
        "post": operation(
            "Invite a guest from the extended company by email into groups (admins: any "
            "group but a secret one; a group's admins: their group, secret included). A "
            "new address gets a sign-up link by email; an existing guest joins at once.",
            {
                201: json_response(ref("GuestInvitation"), "Created"),
                400: R400,
                401: R401,
                403: error_response("Not an admin or group admin, or not allowed into a group"),
                404: R404,
                409: error_response(
                    "An employee's address (`fields.email`: `employee`), or an archived group"
                ),
            },
            requestBody=json_body_of("GuestInvitationCreate"),
        ),
        "get": operation(
            "The invitations the caller manages (theirs; admins all; group admins those "
            "into their groups), newest first",
            {200: json_response(_items("GuestInvitation")), 401: R401, 403: R403},
        ),
    },
    "/guests/invitations/{invitation_id}": {
        "parameters": [id_param("invitation_id")],
        "delete": operation(
            "Withdraw a pending invitation: its link stops working",
            {204: NO_CONTENT, 401: R401, 403: R403, 404: R404, 409: R409},
        ),
    },
    "/guests/accept": {
        "post": operation(
            "Sign up through an invitation (name and password); joins the groups of every "
            "pending invitation to the address, and signs in",
            {
                201: json_response(ref("Session"), "Created"),
                400: error_response("Invalid input; `fields.token`: `invalid`"),
                403: R403,
                409: R409,
            },
            requestBody=json_body_of("GuestAccept"),
            security=SECURITY_NONE,
        )
    },
    "/guests": {
        "get": operation(
            "The guests the caller manages (admins: all; group admins: those of their groups)",
            {200: json_response(_items("Guest")), 401: R401, 403: R403},
        )
    },
    "/guests/{user_id}": {
        "parameters": [id_param("user_id")],
        "patch": operation(
            "Set a guest's last day of access (renew); gives back expired access while they "
            "are in a group",
            {200: json_response(ref("Guest")), 400: R400, 401: R401, 403: R403, 404: R404},
            requestBody=json_body_of("GuestRenewal"),
        ),
    },
}
