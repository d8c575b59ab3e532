"""OpenAPI description of the groups routes (socialnet/api/groups.py)."""

from __future__ import annotations

from typing import Any

from .common import (
    CURSOR,
    LIMIT,
    NO_CONTENT,
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

GROUP_ID, USER_ID = id_param("group_id"), id_param("user_id")
#: ``markup.MENTION_RE``'s handle, whole.
HANDLE_PATTERN = "^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,62}[A-Za-z0-9]|[A-Za-z0-9])$"
SCHEMAS = {
    "Group": {
        "type": "object",
        "required": [
            "id",
            "name",
            "handle",
            "description",
            "type",
            "official",
            "cover_color",
            "archived",
            "member_count",
            "created_at",
            "url",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "handle": {
                "type": "string",
                "description": "the group's @handle in posts and comments",
            },
            "description": {"type": "string"},
            "type": {"type": "string", "enum": ["public", "private", "secret"]},
            "official": {"type": "boolean"},
            "cover_color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
            "archived": {"type": "boolean"},
            "premoderated": {"type": "boolean", "description": "posts wait for a group admin"},
            "member_count": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string"},
            "my_role": {"type": "string", "enum": ["admin", "member"], "nullable": True},
            "request_pending": {"type": "boolean"},
        },
    },
    "GroupWrite": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "maxLength": 120},
            "handle": {
                "type": "string",
                "maxLength": 64,
                "pattern": HANDLE_PATTERN,
                "description": "the @handle (unique among people and groups);"
                " derived from the name when absent at creation",
            },
            "description": {"type": "string", "maxLength": 2000},
            "type": {"type": "string", "enum": ["public", "private", "secret"]},
            "cover_color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
            "official": {"type": "boolean", "description": "community managers only"},
            "archived": {"type": "boolean", "description": "PATCH only: read-only group"},
            "premoderated": {
                "type": "boolean",
                "description": "every post waits for a group admin's approval",
            },
        },
    },
    "Member": {
        "allOf": [
            ref("UserSummary"),
            {
                "type": "object",
                "required": ["role"],
                "properties": {"role": {"type": "string", "enum": ["admin", "member"]}},
            },
        ]
    },
    "MembershipStatus": {
        "type": "object",
        "required": ["group_id", "status"],
        "properties": {
            "group_id": {"type": "integer"},
            "user_id": {"type": "integer"},
            "status": {"type": "string", "enum": ["joined", "requested", "approved", "declined"]},
        },
    },
    "JoinRequest": {
        "type": "object",
        "required": ["user", "requested_at"],
        "properties": {
            "user": ref("UserSummary"),
            "requested_at": {"type": "string", "format": "date-time"},
        },
    },
}
_GROUP_ERRORS = {401: R401, 403: R403, 404: R404}

PATHS: dict[str, Any] = {
    "/groups": {
        "get": operation(
            "Groups you may know of, official first (q: name search; mine=1: yours)",
            {200: json_response(page_of("Group")), 400: R400, 401: R401},
            parameters=[
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "mine", "in": "query", "schema": {"type": "string", "enum": ["1"]}},
                LIMIT,
                CURSOR,
            ],
        ),
        "post": operation(
            "Create a group; you become its admin",
            {201: json_response(ref("Group"), "Created"), 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("GroupWrite"),
        ),
    },
    "/groups/{group_id}": {
        "parameters": [GROUP_ID],
        "get": operation(
            "A group (a secret group is a 404 to non-members)",
            {200: json_response(ref("Group")), 401: R401, 404: R404},
        ),
        "patch": operation(
            "Change a group (its admins; official: community managers)",
            {200: json_response(ref("Group")), 400: R400, **_GROUP_ERRORS},
            requestBody=json_body_of("GroupWrite"),
        ),
        "delete": operation(
            "Delete a group and its content (its admins)", {204: NO_CONTENT, **_GROUP_ERRORS}
        ),
    },
    "/groups/{group_id}/feed": {
        "get": operation(
            "The group's posts, newest first (members only unless public); the first "
            "page also lists the posts pinned in the group in `pinned_posts`",
            {
                200: json_response(
                    {
                        "allOf": [
                            page_of("Post"),
                            {
                                "type": "object",
                                "properties": {
                                    "pinned_posts": {"type": "array", "items": ref("Post")}
                                },
                            },
                        ]
                    }
                ),
                400: R400,
                **_GROUP_ERRORS,
            },
            parameters=[GROUP_ID, LIMIT, CURSOR],
        )
    },
    "/groups/{group_id}/members": {
        "parameters": [GROUP_ID],
        "get": operation(
            "Members, admins first",
            {200: json_response(page_of("Member")), 400: R400, **_GROUP_ERRORS},
            parameters=[LIMIT, CURSOR],
        ),
        "post": operation(
            "Add (invite) someone: group admins; they are notified",
            {
                201: json_response(ref("MembershipStatus"), "Created"),
                400: R400,
                409: R409,
                **_GROUP_ERRORS,
            },
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["user_id"],
                            "properties": {
                                "user_id": {"type": "integer"},
                                "role": {"type": "string", "enum": ["member", "admin"]},
                            },
                        }
                    }
                },
            },
        ),
    },
    "/groups/{group_id}/members/{user_id}": {
        "parameters": [GROUP_ID, USER_ID],
        "delete": operation(
            "Leave (yourself) or remove a member (admins); the last admin cannot leave",
            {204: NO_CONTENT, 409: R409, **_GROUP_ERRORS},
        ),
        "patch": operation(
            "Promote or demote a member (admins)",
            {204: NO_CONTENT, 400: R400, 409: R409, **_GROUP_ERRORS},
            requestBody={
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["role"],
                            "properties": {"role": {"type": "string", "enum": ["member", "admin"]}},
                        }
                    }
                },
            },
        ),
    },
    "/groups/{group_id}/join": {
        "post": operation(
            "Join a public group, or ask to join a private one",
            {200: json_response(ref("MembershipStatus")), 409: R409, **_GROUP_ERRORS},
            parameters=[GROUP_ID],
        )
    },
    "/groups/{group_id}/requests": {
        "get": operation(
            "Pending join requests (group admins)",
            {200: json_response(page_of("JoinRequest")), **_GROUP_ERRORS},
            parameters=[GROUP_ID],
        )
    },
    "/groups/{group_id}/requests/{user_id}/{decision}": {
        "post": operation(
            "Approve or decline a join request (group admins)",
            {200: json_response(ref("MembershipStatus")), 409: R409, **_GROUP_ERRORS},
            parameters=[
                GROUP_ID,
                USER_ID,
                {
                    "name": "decision",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["approve", "decline"]},
                },
            ],
        )
    },
}
