"""OpenAPI description of the announcements routes (socialnet/api/announcements.py)."""

from __future__ import annotations

from typing import Any

from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
    NULLABLE_DATE_TIME,
    R400,
    R401,
    R403,
    R404,
    R409,
    id_param,
    json_body_of,
    json_response,
    operation,
    ref,
)

ANNOUNCEMENT_ID = id_param("announcement_id")
AUDIENCE = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"type": "string", "enum": ["reports", "company", "site", "department", "group"]},
        "value": {
            "nullable": True,
            "description": "site or department name, or group id; none for company and reports",
        },
    },
}
SCHEMAS = {
    "Announcement": {
        "type": "object",
        "required": [
            "id",
            "post_id",
            "sender_id",
            "title",
            "audience",
            "publish_at",
            "published_at",
            "expires_at",
            "comments_enabled",
            "reminded_at",
            "status",
            "acknowledged_at",
            "url",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "post_id": {"type": "integer", "nullable": True},
            "sender_id": {"type": "integer"},
            "title": {"type": "string"},
            "audience": AUDIENCE,
            "publish_at": DATE_TIME,
            "published_at": NULLABLE_DATE_TIME,
            "expires_at": DATE_TIME,
            "comments_enabled": {"type": "boolean"},
            "reminded_at": NULLABLE_DATE_TIME,
            "status": {"type": "string", "enum": ["scheduled", "published", "cancelled"]},
            "acknowledged_at": NULLABLE_DATE_TIME,
            "url": {"type": "string"},
        },
    },
    "AnnouncementCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["title", "body", "audience", "expires_in_days"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "body": {"type": "string", "maxLength": 10000},
            "audience": AUDIENCE,
            "expires_in_days": {"type": "integer", "minimum": 1, "maximum": 14},
            "publish_at": {**DATE_TIME, "description": "future time to schedule it"},
            "comments_enabled": {"type": "boolean", "default": True},
        },
    },
    "Reach": {
        "type": "object",
        "required": ["announcement", "audience", "read", "rate", "not_read", "next_cursor"],
        "properties": {
            "announcement": ref("Announcement"),
            "audience": {"type": "integer"},
            "read": {"type": "integer"},
            "rate": {"type": "number", "minimum": 0, "maximum": 1},
            "not_read": {"type": "array", "items": ref("UserSummary")},
            "next_cursor": {"type": "string", "nullable": True},
        },
    },
}
ERRORS = {401: R401, 403: R403, 404: R404}

PATHS: dict[str, Any] = {
    "/announcements": {
        "post": operation(
            "Send an announcement: managers to their reporting line; community managers "
            "and admins to the company, a site, a department or a group; group admins to "
            "their group",
            {201: json_response(ref("Announcement"), "Created"), 400: R400, **ERRORS},
            requestBody=json_body_of("AnnouncementCreate"),
        )
    },
    "/announcements/{announcement_id}": {
        "get": operation(
            "An announcement (sender, recipients, community managers)",
            {200: json_response(ref("Announcement")), **ERRORS},
            parameters=[ANNOUNCEMENT_ID],
        )
    },
    "/announcements/{announcement_id}/ack": {
        "post": operation(
            "Mark it read (recipients; idempotent)",
            {200: json_response(ref("Announcement")), **ERRORS},
            parameters=[ANNOUNCEMENT_ID],
        )
    },
    "/announcements/{announcement_id}/reach": {
        "get": operation(
            "Audience size, read count and rate, and who has not read yet",
            {200: json_response(ref("Reach")), 400: R400, **ERRORS},
            parameters=[ANNOUNCEMENT_ID, LIMIT, CURSOR],
        )
    },
    "/announcements/{announcement_id}/remind": {
        "post": operation(
            "Remind, once, everyone who has not read it",
            {
                200: json_response(
                    {
                        "type": "object",
                        "required": ["reminded"],
                        "properties": {"reminded": {"type": "integer"}},
                    }
                ),
                409: R409,
                **ERRORS,
            },
            parameters=[ANNOUNCEMENT_ID],
        )
    },
}
