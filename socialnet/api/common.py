"""Request-layer helpers for the JSON API: who is calling, the JSON body, responses."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..errors import Forbidden, NotAuthenticated, ValidationFailed
from ..extensions import csrf
from ..models import User
from ..services.tokens import do_note_token_use, live_token
from ..services.validation import has_lone_surrogate
from ..unit_of_work import commit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Endpoints that create a session rather than act for one: no CSRF token exists yet.
#: They only accept ``application/json``, which a cross-site form cannot send.
SESSION_STARTERS = frozenset({"api.login", "api.signup"})


def refuse_repeated_query_parameters() -> None:
    """``before_request``: no documented query parameter takes several values, so
    ``?department=a&department=b`` is a 400 rather than silently the first value."""
    repeated = sorted(key for key in request.args if len(request.args.getlist(key)) > 1)
    if repeated:
        raise ValidationFailed(
            f"Give each query parameter once: {', '.join(repeated)}.",
            fields=dict.fromkeys(repeated, "repeated"),
        )


def authenticate_request() -> None:
    """``before_request``: resolve the caller from a bearer token or the session cookie.

    Cookie-authenticated mutations must carry the CSRF token (``X-CSRFToken``);
    token-authenticated ones need none, since a browser never adds the header.
    """
    g.api_user = g.api_token = None
    header = request.headers.get("Authorization")
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated("Use the header 'Authorization: Bearer <token>'.")
        token = live_token(secret.strip())
        if token is None:
            raise NotAuthenticated(
                "This token is not valid: unknown, revoked, or its account is inactive."
            )
        if do_note_token_use(token):
            commit()  # its own tiny unit of work, before the request's
        g.api_user, g.api_token = token.user, token
        return
    if request.method in SAFE_METHODS:
        g.api_user = current_user._get_current_object() if current_user.is_authenticated else None
        return
    if request.endpoint in SESSION_STARTERS:
        if not request.is_json:
            raise ValidationFailed("Send a JSON body with 'Content-Type: application/json'.")
        return
    if current_user.is_authenticated:
        try:
            csrf.protect()
        except CSRFError as exc:
            raise Forbidden(
                "Missing or invalid CSRF token: send it in the X-CSRFToken header.",
                error="csrf_failed",
            ) from exc
        g.api_user = current_user._get_current_object()


def require_user() -> User:
    """The authenticated caller. :raise NotAuthenticated: nobody is signed in."""
    user = g.get("api_user")
    if user is None:
        raise NotAuthenticated("Sign in, or send a bearer token.")
    return user


def bearer_call() -> bool:
    """Whether the caller authenticated with a bearer token (not the session cookie)."""
    return g.get("api_token") is not None


def json_body() -> Any:
    """The parsed JSON body. :raise ValidationFailed: missing, not JSON, or malformed."""
    if not request.is_json:
        raise ValidationFailed("Send a JSON body with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[…" nested deeper than the parser goes: not a 500
        data = None
    if data is None:
        raise ValidationFailed("The request body is not valid JSON.")
    if has_lone_surrogate(data):
        raise ValidationFailed("The request contains invalid Unicode text.")
    return data


def created(data: dict[str, Any]):
    return jsonify(data), 201


def no_content():
    return "", 204
