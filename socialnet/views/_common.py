"""Small helpers shared by the HTML views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request
from flask_login import current_user

from ..errors import DomainError
from ..extensions import db
from ..models import User

FEED_PAGE = 20


def me() -> User:
    """The signed-in user as a model object (services and relationships need the real one)."""
    return current_user._get_current_object()


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirect).

    Refuses absolute and scheme-relative URLs (``//evil``, ``/\\evil``) and anything
    with control characters, which browsers may strip into one of those.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def form_next() -> str | None:
    return safe_next(request.form.get("next") or request.args.get("next"))


def failed(error: DomainError) -> int:
    """Undo the request's changes, tell the user why, and return the status to answer with."""
    db.session.rollback()
    flash(error.message, "error")
    return error.status
