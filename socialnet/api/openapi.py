"""The OpenAPI 3.0 document of /api/v1, served at /api/v1/openapi.json.

It is written by hand next to the handlers and checked against the server by
tests/test_openapi.py: every route is documented, every documented operation
exists, and real responses validate against the schemas below.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ..models import REACTION_KINDS, ROLES_ALL
from . import bp


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict[str, Any]:
    return json_response(ref("Error"), description)


def page_of(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "next_cursor": {"type": "string", "nullable": True},
        },
    }


NULLABLE_STRING = {"type": "string", "nullable": True}
DATE_TIME = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string", "description": "machine-readable code"},
            "message": {"type": "string", "description": "human-readable explanation"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "per-field problem codes, for 400s",
            },
            "request_id": {
                "type": "string",
                "description": "this request's id, also in the X-Request-ID header and the "
                "server's request log: quote it to support",
            },
        },
    },
    "UserSummary": {
        "type": "object",
        "required": ["id", "display_name", "handle", "job_title", "initials"],
        "properties": {
            "id": {"type": "integer"},
            "display_name": {"type": "string"},
            "handle": {"type": "string"},
            "job_title": {"type": "string"},
            "initials": {"type": "string"},
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
    "Signup": {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "display_name", "password"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "display_name": {"type": "string"},
            "password": {"type": "string", "minLength": 10},
        },
    },
    "Login": {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "password"],
        "properties": {
            "email": {"type": "string"},
            "password": {"type": "string"},
            "remember": {"type": "boolean"},
        },
    },
    "Session": {
        "type": "object",
        "required": ["user", "csrf_token"],
        "properties": {"user": ref("User"), "csrf_token": {"type": "string"}},
    },
    "Token": {
        "type": "object",
        "required": ["id", "name", "created_at", "last_used_at"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "created_at": DATE_TIME,
            "last_used_at": {
                **DATE_TIME,
                "nullable": True,
                "description": "last API call made with it, to the hour",
            },
        },
    },
    "TokenCreated": {
        "description": "The secret `token` is shown once, here; only its hash is stored.",
        "allOf": [
            ref("Token"),
            {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}},
        ],
    },
    "ReactionCounts": {
        "type": "object",
        "required": list(REACTION_KINDS),
        "properties": {kind: {"type": "integer", "minimum": 0} for kind in REACTION_KINDS},
    },
    "Post": {
        "type": "object",
        "required": [
            "id",
            "author",
            "group_id",
            "kind",
            "title",
            "comments_enabled",
            "body",
            "body_html",
            "created_at",
            "edited_at",
            "comment_count",
            "reactions",
            "url",
        ],  # fmt: skip
        "properties": {
            "id": {"type": "integer"},
            "author": ref("UserSummary"),
            "group_id": {"type": "integer", "nullable": True},
            "kind": {
                "type": "string",
                "enum": ["post", "announcement", "poll", "kudos", "celebration"],
            },
            "poll": {"type": "object", "description": "posts of kind poll: the poll"},
            "kudos": {"type": "object", "description": "posts of kind kudos: who, for what"},
            "celebration": {"type": "object", "description": "posts of kind celebration"},
            "title": {**NULLABLE_STRING, "description": "announcements have one"},
            "comments_enabled": {"type": "boolean"},
            "body": {"type": "string", "description": "the author's Markdown"},
            "body_html": {"type": "string", "description": "sanitized HTML rendering"},
            "created_at": DATE_TIME,
            "edited_at": {**DATE_TIME, "nullable": True},
            "comment_count": {"type": "integer"},
            "reactions": ref("ReactionCounts"),
            "my_reactions": {
                "type": "array",
                "items": {"type": "string", "enum": list(REACTION_KINDS)},
                "description": "the caller's reactions; absent in broadcast events",
            },
            "url": {"type": "string"},
            "moderation_state": {
                "type": "string",
                "enum": ["published", "pending", "hidden"],
                "description": "others only ever see published posts; the author also "
                "sees their own held ('pending') or 'hidden by moderation' ones",
            },
            "pinned": {"type": "boolean"},
            "featured": {"type": "boolean"},
        },
    },
    "FeedPage": {
        "allOf": [
            page_of("Post"),
            {
                "type": "object",
                "properties": {
                    "pinned": {
                        "type": "array",
                        "description": "first page only: unread, unexpired announcements",
                        "items": {
                            "allOf": [
                                ref("Post"),
                                {
                                    "type": "object",
                                    "required": ["announcement"],
                                    "properties": {"announcement": ref("Announcement")},
                                },
                            ]
                        },
                    },
                    "pinned_posts": {
                        "type": "array",
                        "description": "first page only: posts pinned to the company feed",
                        "items": ref("Post"),
                    },
                    "featured": {
                        "type": "array",
                        "description": "first page only: posts featured by community managers",
                        "items": ref("Post"),
                    },
                },
            },
        ]
    },
    "PostCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": 10000},
            "group_id": {"type": "integer", "nullable": True},
        },
    },
    "PostEdit": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": 10000}},
    },
    "Comment": {
        "type": "object",
        "required": ["id", "post_id", "author", "body", "body_html", "created_at"],
        "properties": {
            "id": {"type": "integer"},
            "post_id": {"type": "integer"},
            "author": ref("UserSummary"),
            "body": {"type": "string"},
            "body_html": {"type": "string"},
            "created_at": DATE_TIME,
            "moderation_state": {"type": "string", "enum": ["published", "pending", "hidden"]},
        },
    },
    "CommentCreate": {
        "type": "object",
        "additionalProperties": False,
        "required": ["body"],
        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": 4000}},
    },
    "ReactionState": {
        "description": "Also the `data` of the `reaction.updated` event.",
        "type": "object",
        "required": ["post_id", "kind", "user_id", "active", "reactions"],
        "properties": {
            "post_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(REACTION_KINDS)},
            "user_id": {"type": "integer"},
            "active": {"type": "boolean"},
            "reactions": ref("ReactionCounts"),
        },
    },
}

R400 = error_response("Invalid input: the message says what, `fields` says where")
R401 = error_response("Not signed in, or the token is invalid or revoked")
R403 = error_response("Not allowed (or CSRF token missing on a cookie-authenticated call)")
R404 = error_response("Not found — also the answer for anything the caller may not see")
R409 = error_response("Conflict with existing data")
R413 = error_response("Too large")
NO_CONTENT = {"description": "Done; no body"}

LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}
CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "`next_cursor` of the previous page; opaque and bound to its list",
    "schema": {"type": "string"},
}


def id_param(name: str) -> dict[str, Any]:
    schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def json_body_of(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


def operation(summary: str, responses: dict[Any, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "responses": {str(k): v for k, v in responses.items()}, **extra}


KIND = {
    "name": "kind",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(REACTION_KINDS)},
}
SECURITY_NONE: list[dict[str, list[str]]] = []


def _paths() -> dict[str, Any]:
    post_id, comment_id = id_param("post_id"), id_param("comment_id")
    user_id, token_id = id_param("user_id"), id_param("token_id")
    return {
        "/auth/login": {
            "post": operation(
                "Sign in with email and password: starts a server-side session and sets the "
                "session cookie (and a remember-me cookie bound to the same session with "
                "`remember`)",
                {200: json_response(ref("Session")), 400: R400, 401: R401},
                requestBody=json_body_of("Login"),
                security=SECURITY_NONE,
            )
        },
        "/auth/logout": {
            "post": operation(
                "Sign out: this browser session ends on the server, so any saved copy of its "
                "session or remember-me cookie stops working, and sockets opened with it are "
                "disconnected; the person's other sessions stay signed in",
                {204: NO_CONTENT, 401: R401, 403: R403},
            )
        },
        "/auth/signup": {
            "post": operation(
                "Self sign-up, open only to the company's email domains",
                {201: json_response(ref("Session"), "Created"), 400: R400, 403: R403, 409: R409},
                requestBody=json_body_of("Signup"),
                security=SECURITY_NONE,
            )
        },
        "/auth/csrf": {
            "get": operation(
                "A CSRF token for cookie-authenticated mutations (header X-CSRFToken)",
                {
                    200: json_response(
                        {"type": "object", "properties": {"csrf_token": {"type": "string"}}}
                    )
                },
                security=SECURITY_NONE,
            )
        },
        "/me": {
            "get": operation(
                "The caller's own account", {200: json_response(ref("User")), 401: R401}
            )
        },
        "/tokens": {
            "get": operation(
                "The caller's live tokens", {200: json_response(page_of("Token")), 401: R401}
            ),
            "post": operation(
                "Create a personal API token (the secret is returned once). A caller "
                "authenticated by a bearer token must send the account `password` (a token "
                "cannot mint tokens that would outlive its revocation); a signed-in browser "
                "session needs none. A wrong password is a 400 (`fields.password`: "
                "`incorrect`).",
                {
                    201: json_response(ref("TokenCreated"), "Created"),
                    400: R400,
                    401: R401,
                    403: error_response("A bearer-token caller sent no password"),
                },
                requestBody={
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string", "maxLength": 80},
                                    "password": {
                                        "type": "string",
                                        "description": "The account password; required when "
                                        "the caller authenticates with a bearer token",
                                    },
                                },
                            }
                        }
                    },
                },
            ),
        },
        "/tokens/{token_id}": {
            "delete": operation(
                "Revoke one of the caller's tokens",
                {204: NO_CONTENT, 401: R401, 404: R404},
                parameters=[token_id],
            )
        },
        "/users": {
            "get": operation(
                "Search the directory (active people, sorted by name)",
                {200: json_response(page_of("User")), 400: R400, 401: R401},
                parameters=[
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    {"name": "department", "in": "query", "schema": {"type": "string"}},
                    {"name": "site", "in": "query", "schema": {"type": "string"}},
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
            "parameters": [user_id],
        },
        "/users/{user_id}/posts": {
            "get": operation(
                "A person's posts that the caller may see, newest first",
                {200: json_response(page_of("Post")), 400: R400, 401: R401, 404: R404},
                parameters=[user_id, LIMIT, CURSOR],
            )
        },
        "/feed": {
            "get": operation(
                "The home feed: company posts and the caller's groups, newest first; the first "
                "page also lists unread announcements addressed to the caller in `pinned`",
                {200: json_response(ref("FeedPage")), 400: R400, 401: R401},
                parameters=[
                    LIMIT,
                    CURSOR,
                    {"name": "tag", "in": "query", "schema": {"type": "string"}},
                ],
            )
        },
        "/posts": {
            "post": operation(
                "Publish a post (Markdown; @mentions and #hashtags)",
                {
                    201: json_response(ref("Post"), "Created"),
                    400: R400,
                    401: R401,
                    403: R403,
                    413: R413,
                },
                requestBody=json_body_of("PostCreate"),
            )
        },
        "/posts/{post_id}": {
            "parameters": [post_id],
            "get": operation("One post", {200: json_response(ref("Post")), 401: R401, 404: R404}),
            "patch": operation(
                "Edit one's own post",
                {
                    200: json_response(ref("Post")),
                    400: R400,
                    401: R401,
                    403: R403,
                    404: R404,
                    413: R413,
                },
                requestBody=json_body_of("PostEdit"),
            ),
            "delete": operation(
                "Delete a post (its author; moderators)",
                {204: NO_CONTENT, 401: R401, 403: R403, 404: R404},
            ),
        },
        "/posts/{post_id}/comments": {
            "parameters": [post_id],
            "get": operation(
                "Comments on a post, oldest first",
                {200: json_response(page_of("Comment")), 400: R400, 401: R401, 404: R404},
                parameters=[LIMIT, CURSOR],
            ),
            "post": operation(
                "Comment on a post",
                {
                    201: json_response(ref("Comment"), "Created"),
                    400: R400,
                    401: R401,
                    404: R404,
                    413: R413,
                },
                requestBody=json_body_of("CommentCreate"),
            ),
        },
        "/comments/{comment_id}": {
            "delete": operation(
                "Delete a comment (its author, the post's author, moderators)",
                {204: NO_CONTENT, 401: R401, 403: R403, 404: R404},
                parameters=[comment_id],
            )
        },
        "/posts/{post_id}/reactions/{kind}": {
            "parameters": [post_id, KIND],
            "put": operation(
                "React (idempotent)",
                {200: json_response(ref("ReactionState")), 401: R401, 404: R404},
            ),
            "delete": operation(
                "Remove one's reaction (idempotent)",
                {200: json_response(ref("ReactionState")), 401: R401, 404: R404},
            ),
        },
        "/openapi.json": {
            "get": operation(
                "This document",
                {200: {"description": "OpenAPI 3.0 document"}},
                security=SECURITY_NONE,
            )
        },
    }


#: Paths and schemas documented by other API modules (groups, announcements,
#: notifications…) next to their handlers, through :func:`document`.
EXTRA_PATHS: dict[str, Any] = {}
EXTRA_SCHEMAS: dict[str, Any] = {}


def document(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> None:
    """Add ``paths`` (relative to /api/v1) and ``schemas`` to the OpenAPI document."""
    EXTRA_PATHS.update(paths)
    EXTRA_SCHEMAS.update(schemas or {})


def _with_house_rules(paths: dict[str, Any]) -> dict[str, Any]:
    """Rules true of every operation, stated once rather than at each one.

    - An operation that takes a body may answer 413: the body is over
      ``MAX_CONTENT_LENGTH``, or a field is over its ``maxLength`` (``TooLarge``).
    - An optional query parameter sent empty (``?to=``, a blank form field) counts
      as absent: ``allowEmptyValue``.
    """
    for item in paths.values():
        for method, op in item.items():
            if method == "parameters":
                continue
            if "requestBody" in op:
                op["responses"].setdefault("413", R413)
            for i, param in enumerate(op.get("parameters", [])):
                if param.get("in") == "query" and not param.get("required"):
                    op["parameters"][i] = {**param, "allowEmptyValue": True}
    return paths


def build_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "socialnet API",
            "version": "1.0.0",
            "description": (
                "The JSON API of socialnet, an enterprise social network. Authenticate "
                "with a bearer token (POST /tokens) or the session cookie; cookie-"
                "authenticated mutations need the X-CSRFToken header. Errors are "
                '`{"error": code, "message": text}`; anything the caller may not see '
                "answers 404 exactly like a missing object."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {**SCHEMAS, **EXTRA_SCHEMAS},
        },
        "paths": _with_house_rules({**_paths(), **EXTRA_PATHS}),
    }


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(build_document())
