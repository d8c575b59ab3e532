"""Keyset cursors: opaque, signed, and bound to the list they came from.

A cursor names the last id of a page and the *scope* of the list (``feed``,
``profile:12``…). It is signed with the app's secret so a forged or edited
cursor, or one taken from another list, is refused with a 400 instead of
silently showing the wrong page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from .errors import ValidationFailed

DEFAULT_LIMIT = 20


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="socialnet.cursor")


def encode_cursor(scope: str, key: Any) -> str:
    """Sign ``key`` (the sort key of the last item, JSON-serializable) for list ``scope``."""
    return _serializer().dumps([scope, key])


def _is_id(key: Any) -> bool:
    return isinstance(key, int) and not isinstance(key, bool)


def is_name_key(key: Any) -> bool:
    """A ``[lowercased name, id]`` key, for lists sorted by name (people, readers)."""
    return isinstance(key, list) and len(key) == 2 and isinstance(key[0], str) and _is_id(key[1])


def decode_cursor(
    scope: str, cursor: str | None, *, valid_key: Callable[[Any], bool] = _is_id
) -> Any:
    """Return the key carried by ``cursor`` (by default an id), or None for the first page.

    :raise ValidationFailed: the cursor is forged, damaged or from another list.
    """
    if cursor in (None, ""):
        return None
    try:
        cursor_scope, key = _serializer().loads(cursor)
    except (BadSignature, ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("This cursor is not valid."), fields={"cursor": "invalid"}
        ) from exc
    if cursor_scope != scope or not valid_key(key):
        raise ValidationFailed(
            _("This cursor belongs to another list."), fields={"cursor": "foreign"}
        )
    return key


def parse_limit(raw: str | None) -> int:
    """Parse ``limit``: 1..FEED_PAGE_MAX, default 20; anything else is a 400."""
    if raw in (None, ""):
        return DEFAULT_LIMIT
    maximum = current_app.config["FEED_PAGE_MAX"]
    # ASCII digits only: str.isdigit() also accepts "²", which int() then rejects.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        raise ValidationFailed(
            _("limit must be a whole number between 1 and %(maximum)d.", maximum=maximum),
            fields={"limit": "out_of_range"},
        )
    return int(raw)
