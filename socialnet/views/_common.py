"""Small helpers shared by the HTML views."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_login import current_user

from ..models import User
from ..services.celebrations import company_tz

FEED_PAGE = 20


def company_instant(raw: str) -> str | None:
    """A ``datetime-local`` form value (the company's wall clock) as ISO 8601 with the
    company's offset, which the services read; ``None`` when empty. Anything else (a
    typo, an offset already given, a year outside 1900-9000) is passed on as typed, for
    the service to refuse with its own message."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        local = datetime.fromisoformat(raw)
    except ValueError:
        return raw
    if local.tzinfo is not None or not 1900 < local.year < 9000:
        return raw
    return local.replace(tzinfo=company_tz()).isoformat()


def local_instant(raw: str) -> str:
    """:func:`company_instant` for a required field: empty stays empty (the service says
    it is missing)."""
    instant = company_instant(raw)
    return raw if instant is None else instant


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


# A refused form's fields survive the redirect in the (cookie) session, so the next
# page can show them again: bad input gets a clear error and loses nothing. Browsers
# drop cookies over ~4 KB (and with them the flash), so a draft that would push the
# signed session past this bound is not kept; neither is a body over DRAFT_MAX_BODY.
DRAFT_MAX_BODY = 20_000
DRAFT_MAX_COOKIE = 3_800
_NOT_KEPT = ("csrf_token", "next", "tz_offset")


class Draft:
    """What a person typed into a refused form, read by a composer template once."""

    def __init__(self, fields: dict | None = None):
        self.fields = fields if isinstance(fields, dict) else {}

    def __bool__(self) -> bool:
        return bool(self.fields)

    def getlist(self, name: str) -> list[str]:
        values = self.fields.get(name) or []
        return [v for v in values if isinstance(v, str)]

    def get(self, name: str, default: str = "") -> str:
        values = self.getlist(name)
        return values[0] if values else default

    def on(self, name: str) -> bool:
        return self.get(name) == "on"


def keep_draft(name: str) -> None:
    """Keep the posted form's fields for :func:`take_draft` (call on a refused form)."""
    if (request.content_length or 0) > DRAFT_MAX_BODY:
        return
    fields = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in _NOT_KEPT}
    if not fields:
        return
    key = f"draft:{name}"
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    if serializer is not None:
        size = len(serializer.dumps({**dict(session), key: fields}))
        if size > DRAFT_MAX_COOKIE:
            session.pop(key, None)
            return
    session[key] = fields


def take_draft(name: str) -> Draft:
    """The kept draft of form ``name``, removed from the session: it prefills once."""
    return Draft(session.pop(f"draft:{name}", None))
