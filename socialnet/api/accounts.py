"""Sign-in, sign-out, sign-up, password change and reset, personal tokens, the caller's account."""

from flask import jsonify, request
from flask_login import logout_user
from flask_wtf.csrf import generate_csrf

from ..serializers import iso, user_private
from ..services import accounts, password_reset, tokens
from ..services.validation import check_known_fields
from ..views.auth import end_this_session, sign_in_afresh, sign_in_with_session
from . import bp
from .common import bearer_call, commit, created, json_body, no_content, require_user
from .openapi import (
    R400,
    R401,
    R403,
    SECURITY_NONE,
    document,
    error_response,
    json_body_of,
    json_response,
    operation,
    ref,
)


@bp.post("/auth/login")
def login():
    data = check_known_fields(json_body(), {"email", "password", "remember"})
    user = accounts.authenticate(data.get("email"), data.get("password"))
    sign_in_with_session(user, remember=data.get("remember") is True)
    return jsonify({"user": user_private(user), "csrf_token": generate_csrf()})


@bp.post("/auth/logout")
def logout():
    require_user()
    end_this_session()
    return no_content()


#: The one answer to a sign-up request, whether or not the address has an account.
SIGNUP_REQUESTED = (
    "Check your inbox: we emailed this address a link to finish signing up "
    "(or, if it already has an account, how to sign in)."
)


@bp.post("/auth/signup")
def signup():
    password_reset.do_request_signup(json_body())
    commit()  # the email leaves after this, on its own thread
    return jsonify({"message": SIGNUP_REQUESTED}), 202


@bp.post("/auth/signup/confirm")
def confirm_signup():
    user = password_reset.do_confirm_signup(json_body())
    commit()
    sign_in_with_session(user)
    return created({"user": user_private(user), "csrf_token": generate_csrf()})


@bp.get("/auth/csrf")
def csrf_token():
    return jsonify({"csrf_token": generate_csrf()})


@bp.get("/me")
def me():
    return jsonify(user_private(require_user()))


def _token_dict(token) -> dict:
    return {
        "id": token.id,
        "name": token.name,
        "created_at": iso(token.created_at),
        "last_used_at": iso(token.last_used_at),
    }


@bp.get("/tokens")
def list_tokens():
    return jsonify(
        {"items": [_token_dict(t) for t in tokens.list_tokens(require_user())], "next_cursor": None}
    )


@bp.post("/tokens")
def create_token():
    token, secret = tokens.do_create_token(require_user(), json_body(), by_token=bearer_call())
    commit()
    return created({**_token_dict(token), "token": secret})


@bp.delete("/tokens/<id:token_id>")
def revoke_token(token_id: int):
    tokens.do_revoke_token(require_user(), token_id)
    commit()
    return no_content()


def _cookie_call() -> bool:
    """Whether the caller came with the session cookie (not a bearer token)."""
    return not request.headers.get("Authorization")


@bp.post("/me/password")
def change_password():
    """Change one's password; other sessions, every token and socket end.

    A cookie caller stays signed in here with a fresh session; a bearer caller's
    token is revoked like the others.
    """
    user = require_user()
    accounts.do_change_password(user, json_body())
    commit()
    if _cookie_call():
        sign_in_afresh(user)
    return no_content()


@bp.post("/me/sessions/revoke-all")
def sign_out_everywhere():
    """End every session, token and socket of the caller, this one included."""
    accounts.do_sign_out_everywhere(require_user())
    commit()
    if _cookie_call():
        logout_user()
    return no_content()


#: The one answer to a reset request, whoever the email names (or does not).
RESET_REQUESTED = (
    "If an account uses this address, an email with a link to choose a new password "
    "is on its way. The link works once, for a limited time."
)


@bp.post("/auth/password-reset")
def request_password_reset():
    password_reset.do_request_reset(json_body())
    commit()  # the email leaves after this, on its own thread
    return jsonify({"message": RESET_REQUESTED}), 202


@bp.post("/auth/password-reset/confirm")
def confirm_password_reset():
    password_reset.do_confirm_reset(json_body())
    commit()
    return no_content()


NO_CONTENT = {"description": "Done; no body"}
PASSWORD = {"type": "string", "minLength": accounts.PASSWORD_MIN, "maxLength": 256}

#: No public URL to build emailed links on (hosts.public_url): nothing is sent.
R503_LINKS = error_response(
    "`unavailable`: the site's address (SOCIALNET_PUBLIC_URL) is not configured, so no email "
    "with a link can be sent; the same for every address"
)
MESSAGE = {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}

document(
    {
        # Supersedes the entry in openapi.py: sign-up confirms the address by email first.
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
                    202: json_response(
                        MESSAGE, "Accepted (whether or not the address has an account)"
                    ),
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
    },
    {
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
                "password": {**PASSWORD, "description": accounts.PASSWORD_RULES},
            },
        },
        "PasswordChange": {
            "type": "object",
            "additionalProperties": False,
            "required": ["current_password", "password"],
            "properties": {
                "current_password": {"type": "string"},
                "password": {**PASSWORD, "description": accounts.PASSWORD_RULES},
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
                "password": {**PASSWORD, "description": accounts.PASSWORD_RULES},
            },
        },
    },
)
