"""Small validators shared by the services: each raises ValidationFailed with a field name."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from flask_babel import gettext as _

from ..errors import TooLarge, ValidationFailed
from ..limits import MAX_ID  # noqa: F401  (re-exported: services import it from here)
from ..text_keys import escape_like  # noqa: F401  (re-exported: services import it from here)


def check_known_fields(data: Any, allowed: set[str]) -> dict[str, Any]:
    """``data`` must be a JSON object whose keys are all in ``allowed``."""
    if not isinstance(data, dict):
        raise ValidationFailed(_("The request body must be a JSON object."))
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationFailed(
            _("Unknown or read-only field(s): %(values)s.", values=", ".join(unknown)),
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
        raise ValidationFailed(
            _("%(field)s must be text.", field=field), fields={field: "not_text"}
        )
    if not is_utf8_encodable(value):
        raise ValidationFailed(
            _("%(field)s contains invalid Unicode text.", field=field),
            fields={field: "invalid_unicode"},
        )
    text = value.strip()
    if required and not text:
        raise ValidationFailed(
            _("%(field)s cannot be empty.", field=field), fields={field: "empty"}
        )
    if len(text) > max_len:
        raise TooLarge(
            _(
                "%(field)s is too long (%(num)s characters, %(max_len)s at most).",
                field=field,
                num=len(text),
                max_len=max_len,
            ),
            fields={field: "too_long"},
        )
    allowed_controls = "\n\r\t" if multiline else ""
    if any(_is_control(ch) and ch not in allowed_controls for ch in text):
        raise ValidationFailed(
            _("%(field)s contains control characters.", field=field),
            fields={field: "control_chars"},
        )
    if not multiline and any(ch in BIDI_OVERRIDES for ch in text):
        # A name or title could otherwise display reversed text ("moc.evil" tricks).
        raise ValidationFailed(
            _("%(field)s contains text-direction override characters.", field=field),
            fields={field: "bidi"},
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
        raise ValidationFailed(_("%(field)s is too long.", field=field), fields={field: "too_long"})
    if not is_utf8_encodable(value):
        raise ValidationFailed(
            _("%(field)s contains invalid Unicode text.", field=field),
            fields={field: "invalid_unicode"},
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationFailed(
            _("%(field)s contains control characters.", field=field),
            fields={field: "control_chars"},
        )
    return value


def parse_flag(raw: str | None, name: str) -> bool:
    """A query flag: ``1`` is on; absent or empty is off. :raise ValidationFailed: else."""
    if raw not in (None, "", "1"):
        raise ValidationFailed(
            _("%(name)s must be 1 (or left out).", name=name), fields={name: "invalid"}
        )
    return raw == "1"


def check_optional_id(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValidationFailed(
            _("%(field)s must be a positive integer id.", field=field), fields={field: "not_id"}
        )
    return value


#: The days and instants a request may name (query parameters and body fields alike): wide
#: enough for any business date, far enough from ``date.min`` and ``date.max`` that what
#: is computed from them (the start and end of a period, a time zone's offset, the next
#: day) can never overflow into a 500.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(9000, 12, 31)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: ISO 8601 date-times are short; anything longer is not one (and not worth parsing).
_DATETIME_MAX_CHARS = 40


def _out_of_range(name: str, lo: date, hi: date) -> ValidationFailed:
    return ValidationFailed(
        _(
            "'%(name)s' must be between %(start)s and %(end)s.",
            name=name,
            start=lo.isoformat(),
            end=hi.isoformat(),
        ),
        fields={name: "out_of_range"},
    )


def parse_date(
    value: Any, name: str, *, lo: date = EARLIEST_DATE, hi: date = LATEST_DATE
) -> date | None:
    """The day ``value`` names (``YYYY-MM-DD``), or None when absent (None or empty).

    :raise ValidationFailed: not such a day (``not_date``), or outside ``lo``..``hi``
        (``out_of_range``); the message and ``fields`` name the parameter ``name``.
    """
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValidationFailed(
            _("'%(name)s' must be a date (YYYY-MM-DD).", name=name), fields={name: "not_date"}
        )
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("'%(name)s' must be a real day (YYYY-MM-DD).", name=name), fields={name: "not_date"}
        ) from exc
    if not lo <= day <= hi:
        raise _out_of_range(name, lo, hi)
    return day


def parse_datetime(
    value: Any, name: str, *, lo: date = EARLIEST_DATE, hi: date = LATEST_DATE
) -> datetime | None:
    """The instant ``value`` names (ISO 8601; no offset means UTC) as naive UTC, or None
    when absent (None or empty). Its day, as written and in UTC, must be in ``lo``..``hi``.

    :raise ValidationFailed: not a date-time (``not_datetime``) or out of range
        (``out_of_range``), naming ``name``.
    """
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or len(value) > _DATETIME_MAX_CHARS:
            raise ValueError(value)
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(
            _("'%(name)s' must be an ISO 8601 date and time.", name=name),
            fields={name: "not_datetime"},
        ) from exc
    # Checked before converting: an offset moves the day by one at most, so in bounds this
    # far from year 1 and year 9999, the conversion cannot overflow.
    if not lo <= parsed.date() <= hi:
        raise _out_of_range(name, lo, hi)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if not datetime.combine(lo, time.min) <= parsed <= datetime.combine(hi, time.max):
        raise _out_of_range(name, lo, hi)
    return parsed


def check_birthday(value: Any) -> tuple[int | None, int | None]:
    """Accept ``MM-DD`` or ``--MM-DD`` (month and day only, no year is ever stored)."""
    if value in (None, ""):
        return None, None
    if not isinstance(value, str):
        raise ValidationFailed(_("birthday must be MM-DD."), fields={"birthday": "not_date"})
    try:
        parsed = date.fromisoformat("2000-" + value.removeprefix("--"))
    except ValueError as exc:
        raise ValidationFailed(
            _("birthday must be a real day, as MM-DD."), fields={"birthday": "not_date"}
        ) from exc
    return parsed.month, parsed.day
