"""Small validators shared by the services: each raises ValidationFailed with a field name."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import TooLarge, ValidationFailed
from ..limits import MAX_ID  # re-exported: services import it from here


def check_known_fields(data: Any, allowed: set[str]) -> dict[str, Any]:
    """``data`` must be a JSON object whose keys are all in ``allowed``."""
    if not isinstance(data, dict):
        raise ValidationFailed("The request body must be a JSON object.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(
            f"Unknown or read-only field(s): {', '.join(unknown)}.",
            fields=dict.fromkeys(unknown, "not_allowed"),
        )
    return data


def is_utf8_encodable(text: str) -> bool:
    """False when ``text`` holds a lone UTF-16 surrogate (U+D800–U+DFFF), which JSON's
    ``"\\ud800"`` escapes can produce but UTF-8 (and so nh3, the database, argon2) cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def has_lone_surrogate(data: Any) -> bool:
    """Whether any string in parsed JSON ``data`` (keys too) is not encodable as UTF-8.

    Iterative, so JSON nested as deep as the parser allows cannot exhaust the stack.
    """
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not is_utf8_encodable(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def check_text(
    value: Any, field: str, *, max_len: int, required: bool = True, multiline: bool = False
) -> str:
    """A trimmed string of at most ``max_len`` characters, without control characters."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be text.", fields={field: "not_text"})
    if not is_utf8_encodable(value):
        raise ValidationFailed(
            f"{field} contains invalid Unicode text.", fields={field: "invalid_unicode"}
        )
    text = value.strip()
    if required and not text:
        raise ValidationFailed(f"{field} cannot be empty.", fields={field: "empty"})
    if len(text) > max_len:
        raise TooLarge(
            f"{field} is too long ({len(text)} characters, {max_len} at most).",
            fields={field: "too_long"},
        )
    allowed_controls = "\n\r\t" if multiline else ""
    if any(_is_control(ch) and ch not in allowed_controls for ch in text):
        raise ValidationFailed(
            f"{field} contains control characters.", fields={field: "control_chars"}
        )
    if not multiline and any(ch in BIDI_OVERRIDES for ch in text):
        # A name or title could otherwise display reversed text ("moc.evil" tricks).
        raise ValidationFailed(
            f"{field} contains text-direction override characters.", fields={field: "bidi"}
        )
    return text


#: Explicit embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
BIDI_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(ch: str) -> bool:
    """C0, DEL and C1 control characters."""
    code = ord(ch)
    return code < 32 or 127 <= code <= 159


def check_filter_text(value: str | None, field: str, *, max_len: int = 200) -> str | None:
    """A search or filter string from the query string, or None when absent.

    Control characters are refused (PostgreSQL cannot even compare a NUL), and
    so are absurd lengths, with a 400 rather than a database error.
    """
    if value is None:
        return None
    if len(value) > max_len:
        raise ValidationFailed(f"{field} is too long.", fields={field: "too_long"})
    if not is_utf8_encodable(value):
        raise ValidationFailed(
            f"{field} contains invalid Unicode text.", fields={field: "invalid_unicode"}
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationFailed(
            f"{field} contains control characters.", fields={field: "control_chars"}
        )
    return value


def check_optional_id(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValidationFailed(f"{field} must be a positive integer id.", fields={field: "not_id"})
    return value


def check_date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be a date (YYYY-MM-DD).", fields={field: "not_date"})
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            f"{field} must be a date (YYYY-MM-DD).", fields={field: "not_date"}
        ) from exc


def check_birthday(value: Any) -> tuple[int | None, int | None]:
    """Accept ``MM-DD`` or ``--MM-DD`` (month and day only, no year is ever stored)."""
    if value in (None, ""):
        return None, None
    if not isinstance(value, str):
        raise ValidationFailed("birthday must be MM-DD.", fields={"birthday": "not_date"})
    try:
        parsed = date.fromisoformat("2000-" + value.removeprefix("--"))
    except ValueError as exc:
        raise ValidationFailed(
            "birthday must be a real day, as MM-DD.", fields={"birthday": "not_date"}
        ) from exc
    return parsed.month, parsed.day


def escape_like(text: str) -> str:
    """Escape ``text`` for a LIKE pattern whose escape character is a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
