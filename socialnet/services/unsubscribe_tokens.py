"""Signed one-click unsubscribe tokens (RFC 8058 links in emails), one salt per kind of
email: a digest token does nothing to the newsletters and the other way round.

A token names one person and never expires (an old email's link still works); it is
refused when malformed, tampered with, signed with another salt or key, or when its
person is gone or deactivated.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer

from ..errors import ValidationFailed
from ..extensions import db
from ..models import User


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=salt)


def token_for(user: User, salt: str) -> str:
    """A token, signed with ``salt``, that names ``user`` and nobody else."""
    return _serializer(salt).dumps({"u": user.id})


def person_for(token: Any, salt: str) -> User:
    """The active person a ``salt`` token was made for.

    :raise ValidationFailed: ``fields.token`` = ``invalid`` (see the module docstring).
    """
    invalid = ValidationFailed(
        _("This unsubscribe link is not valid. Copy the whole link from the email."),
        fields={"token": "invalid"},
    )
    if not isinstance(token, str) or not token or len(token) > 200 or not token.isascii():
        raise invalid
    try:
        payload = _serializer(salt).loads(token)
    except BadData as exc:
        raise invalid from exc
    if not isinstance(payload, dict) or type(payload.get("u")) is not int:
        raise invalid
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or user.deleted_at is not None:
        raise invalid
    return user
