"""OpenAPI description of the accounts routes (socialnet/api/accounts.py)."""

from __future__ import annotations

from typing import Any

from ...services import passwords
from .common import (
    DATE_TIME,
    NO_CONTENT,
    R400,
    R401,
    R403,
    R404,
    SECURITY_NONE,
    error_response,
    id_param,
    json_body_of,
    json_response,
    operation,
    page_of,
    ref,
)

TOKEN_ID = id_param("token_id")
PASSWORD = {"type": "string", "minLength": passwords.PASSWORD_MIN, "maxLength": 256}

#: No public URL to build emailed links on (hosts.public_url): nothing is sent.
R503_LINKS = error_response(
    "`unavailable`: the site's address (SOCIALNET_PUBLIC_URL) is not configured, so no email "
    "with a link can be sent; the same for every address"
)
MESSAGE = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}

PATHS: dict[str, Any] = {
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
            parameters=[TOKEN_ID],
        )
    },
    # Sign-up confirms the address by email first (POST /auth/signup/confirm).
    "/auth/signup": {
        "post": operation(
            "Self sign-up, open only to the company's email domains. Always 202 with the "
            "same body: the address gets a link to finish (POST /auth/signup/confirm), or "
            "a note that it already has an account; which one is never said here.",
            {202: json_response(MESSAGE, "Accepted"), 400: R400, 403: R403, 503: R503_LINKS},
            requestBody=json_body_of("SignupRequest"),
            security=SECURITY_NONE,
        )
    },
    "/auth/signup/confirm": {
        "post": operation(
            "Finish signing up with the emailed token and a password; signs in",
            {
                201: json_response(ref("Session"), "Created"),
                400: error_response(
                    "Invalid input; `fields.token` is `invalid`, `expired` or `used`, "
                    "`fields.password` names the rule broken"
                ),
                403: R403,
            },
            requestBody=json_body_of("SignupConfirm"),
            security=SECURITY_NONE,
        )
    },
    "/me/password": {
        "post": operation(
            "Change one's password (the current one is required). Every other session, "
            "every API token (the caller's too) and every socket end; a cookie caller "
            "stays signed in with a fresh session.",
            {204: NO_CONTENT, 400: R400, 401: R401, 403: R403},
            requestBody=json_body_of("PasswordChange"),
        )
    },
    "/me/sessions/revoke-all": {
        "post": operation(
            "Sign out everywhere: end every session, API token and socket of the caller, "
            "this one included",
            {204: NO_CONTENT, 401: R401, 403: R403},
        )
    },
    "/auth/password-reset": {
        "post": operation(
            "Ask for a password reset link by email. The answer is the same whether or "
            "not the address has an account; only a real account gets the email.",
            {
                202: json_response(MESSAGE, "Accepted (whether or not the address has an account)"),
                400: R400,
                403: R403,
                503: R503_LINKS,
            },
            requestBody=json_body_of("PasswordResetRequest"),
            security=SECURITY_NONE,
        )
    },
    "/auth/password-reset/confirm": {
        "post": operation(
            "Set a new password with the emailed token; every session and token of the "
            "account ends and the token cannot be used again",
            {
                204: NO_CONTENT,
                400: error_response(
                    "Invalid input; `fields.token` is `invalid`, `expired` or `used`, "
                    "`fields.password` names the rule broken"
                ),
                403: R403,
            },
            requestBody=json_body_of("PasswordResetConfirm"),
            security=SECURITY_NONE,
        )
    },
}

SCHEMAS: dict[str, Any] = {
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
    "SignupRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "display_name"],
        "properties": {
            "email": {"type": "string", "format": "email"},
            "display_name": {"type": "string", "maxLength": 120},
        },
    },
    "SignupConfirm": {
        "type": "object",
        "additionalProperties": False,
        "required": ["token", "password"],
        "properties": {
            "token": {"type": "string", "maxLength": 1000},
            "password": {**PASSWORD, "description": str(passwords.PASSWORD_RULES)},
        },
    },
    "PasswordChange": {
        "type": "object",
        "additionalProperties": False,
        "required": ["current_password", "password"],
        "properties": {
            "current_password": {"type": "string"},
            "password": {**PASSWORD, "description": str(passwords.PASSWORD_RULES)},
        },
    },
    "PasswordResetRequest": {
        "type": "object",
        "additionalProperties": False,
        "required": ["email"],
        "properties": {"email": {"type": "string", "format": "email"}},
    },
    "PasswordResetConfirm": {
        "type": "object",
        "additionalProperties": False,
        "required": ["token", "password"],
        "properties": {
            "token": {"type": "string", "maxLength": 500},
            "password": {**PASSWORD, "description": str(passwords.PASSWORD_RULES)},
        },
    },
}
