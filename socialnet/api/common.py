"""Request-layer helpers for the JSON API: who is calling, the JSON body, responses."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask_babel import gettext as _

from ..errors import NotAuthenticated, ValidationFailed
from ..models import User
from ..services.validation import has_lone_surrogate


def require_user() -> User:
    """The authenticated caller. :raise NotAuthenticated: nobody is signed in."""
    user = g.get("api_user")
    if user is None:
        raise NotAuthenticated(_("Sign in, or send a bearer token."))
    return user


def bearer_call() -> bool:
    """Whether the caller authenticated with a bearer token (not the session cookie)."""
    return g.get("api_token") is not None


def json_body() -> Any:
    """The parsed JSON body. :raise ValidationFailed: missing, not JSON, or malformed."""
    if not request.is_json:
        raise ValidationFailed(_("Send a JSON body with 'Content-Type: application/json'."))
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[…" nested deeper than the parser goes: not a 500
        data = None
    if data is None:
        raise ValidationFailed(_("The request body is not valid JSON."))
    if has_lone_surrogate(data):
        raise ValidationFailed(_("The request contains invalid Unicode text."))
    return data


def created(data: dict[str, Any]):
    return jsonify(data), 201


def no_content():
    return "", 204
