"""OpenAPI description of the notifications routes (socialnet/api/notifications.py)."""

from __future__ import annotations

from typing import Any

from ...models import NOTIFICATION_TYPES
from .common import (
    CURSOR,
    DATE_TIME,
    LIMIT,
    NULLABLE_STRING,
    R400,
    R401,
    json_body_of,
    json_response,
    operation,
    ref,
)

#: OpenAPI 3.0 spelling of JSON null, for use in ``anyOf`` next to a ``$ref``.
NULL = {"type": "object", "nullable": True, "enum": [None]}
TYPE = {"type": "string", "enum": list(NOTIFICATION_TYPES)}
UNREAD_COUNT = {"type": "integer", "minimum": 0, "description": "unread, still visible"}

SCHEMAS = {
    "Notification": {
        "description": "Also the `data` of the `notification.created` event (sent to "
        "`user:<id>`), which adds `unread_count`. `reacted` and `replied` rows are grouped "
        "per post while unread: `count` people, `actor` the latest. `text` and `summary` "
        "are worded when read, in the reader's language. `added`: a group admin added "
        "the person to `group_id` (`invited` is no longer written).",
        "type": "object",
        "required": [
            "id",
            "type",
            "actor",
            "count",
            "post_id",
            "group_id",
            "text",
            "summary",
            "preview",
            "url",
            "created_at",
            "read_at",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "type": TYPE,
            "actor": {
                "description": "who did it; null for the system or a removed account",
                "anyOf": [ref("UserSummary"), NULL],
            },
            "count": {"type": "integer", "minimum": 1},
            "post_id": {"type": "integer", "nullable": True},
            "group_id": {"type": "integer", "nullable": True},
            "text": {"type": "string"},
            "summary": {"type": "string", "description": "plain text: escape it"},
            "preview": {
                "type": "string",
                "nullable": True,
                "description": "plain text (escape it): an excerpt of the comment or post "
                "concerned while the reader may read it, or a moderation notice's message",
            },
            "url": {
                **NULLABLE_STRING,
                "description": "the post (with `#comment-<id>`), the group, or for a "
                "moderation notice the content concerned",
            },
            "created_at": DATE_TIME,
            "read_at": {**DATE_TIME, "nullable": True},
            "unread_count": {**UNREAD_COUNT, "description": "in events only"},
        },
    },
    "NotificationPage": {
        "type": "object",
        "required": ["items", "next_cursor", "unread_count"],
        "properties": {
            "items": {"type": "array", "items": ref("Notification")},
            "next_cursor": NULLABLE_STRING,
            "unread_count": UNREAD_COUNT,
        },
    },
    "NotificationRead": {
        "description": "Either `ids` (the caller's own; others are ignored) or `all: true`.",
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["ids"],
                "properties": {
                    "ids": {"type": "array", "maxItems": 500, "items": {"type": "integer"}}
                },
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["all"],
                "properties": {"all": {"type": "boolean", "enum": [True]}},
            },
        ],
    },
    "UnreadCount": {
        "type": "object",
        "required": ["unread_count"],
        "properties": {"unread_count": UNREAD_COUNT},
    },
    "NotificationSettings": {
        "type": "object",
        "required": ["muted", "types"],
        "properties": {
            "muted": {"type": "array", "items": TYPE},
            "types": {"type": "array", "items": TYPE, "description": "every type there is"},
        },
    },
    "NotificationSettingsPut": {
        "type": "object",
        "additionalProperties": False,
        "required": ["muted"],
        "properties": {"muted": {"type": "array", "items": TYPE}},
    },
}

PATHS: dict[str, Any] = {
    "/notifications": {
        "get": operation(
            "The caller's notifications, newest first, with the unread count",
            {200: json_response(ref("NotificationPage")), 400: R400, 401: R401},
            parameters=[
                LIMIT,
                CURSOR,
                {
                    "name": "unread",
                    "in": "query",
                    "required": False,
                    "description": "1: unread ones only",
                    "schema": {"type": "string", "enum": ["0", "1", "true", "false"]},
                },
            ],
        )
    },
    "/notifications/read": {
        "post": operation(
            "Mark notifications read",
            {200: json_response(ref("UnreadCount")), 400: R400, 401: R401},
            requestBody=json_body_of("NotificationRead"),
        )
    },
    "/notifications/settings": {
        "get": operation(
            "The notification types the caller muted",
            {200: json_response(ref("NotificationSettings")), 401: R401},
        ),
        "put": operation(
            "Replace the caller's muted types",
            {200: json_response(ref("NotificationSettings")), 400: R400, 401: R401},
            requestBody=json_body_of("NotificationSettingsPut"),
        ),
    },
}
