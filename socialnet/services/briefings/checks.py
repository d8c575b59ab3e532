"""What a briefing may say: its fields checked, every refusal a 422 (400 for a body that
is not an object or names unknown fields, 413 for text over its limit)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from ...errors import Unprocessable, ValidationFailed
from ...models import (
    BRIEFING_AUDIENCES,
    BRIEFING_TITLE_MAX,
    KEY_MESSAGE_MAX,
    KEY_MESSAGES_MAX,
    QA_MAX,
    QA_TEXT_MAX,
    REMIND_AFTER_HOURS_DEFAULT,
    REMIND_AFTER_HOURS_MAX,
    TALKING_POINTS_MAX,
)
from ..validation import check_known_fields, check_text, parse_datetime

FIELDS = {
    "title",
    "key_messages",
    "talking_points",
    "qa",
    "embargo_at",
    "audience",
    "remind_after_hours",
}
#: An embargo this far away is a typo, not a plan.
EMBARGO_HORIZON = timedelta(days=365)


@contextmanager
def unprocessable() -> Iterator[None]:
    """Turn the generic validation refusals raised inside into 422s (same message, fields)."""
    try:
        yield
    except Unprocessable:
        raise
    except ValidationFailed as exc:
        raise Unprocessable(exc.message, fields=exc.fields) from exc


def check_key_messages(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise Unprocessable(_("Give at least one key message."), fields={"key_messages": "empty"})
    if len(value) > KEY_MESSAGES_MAX:
        raise Unprocessable(
            _("%(num)d key messages at most.", num=KEY_MESSAGES_MAX),
            fields={"key_messages": "too_many"},
        )
    return [check_text(item, "key_messages", max_len=KEY_MESSAGE_MAX) for item in value]


def check_qa(value: Any) -> list[tuple[str, str]]:
    """The team's Q&A: ``[{"question", "answer"}]``, both required."""
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > QA_MAX:
        raise Unprocessable(
            _("qa must be a list of at most %(num)d questions and answers.", num=QA_MAX),
            fields={"qa": "invalid"},
        )
    entries = []
    for item in value:
        item = check_known_fields(item, {"question", "answer"})
        question = check_text(item.get("question"), "qa.question", max_len=QA_TEXT_MAX)
        answer = check_text(item.get("answer"), "qa.answer", max_len=QA_TEXT_MAX, multiline=True)
        entries.append((question, answer))
    return entries


def check_embargo(value: Any, now: datetime) -> datetime:
    """The embargo: a date and time in the future (within a year)."""
    embargo = parse_datetime(value, "embargo_at")
    if embargo is None:
        raise Unprocessable(
            _("Give the embargo: the date and time managers may relay the news."),
            fields={"embargo_at": "required"},
        )
    check_embargo_ahead(embargo, now)
    if embargo > now + EMBARGO_HORIZON:
        raise Unprocessable(
            _("The embargo is more than a year away."), fields={"embargo_at": "too_far"}
        )
    return embargo


def check_embargo_ahead(embargo: datetime, now: datetime) -> None:
    if embargo <= now:
        raise Unprocessable(
            _("The embargo is already past: choose a date and time in the future."),
            fields={"embargo_at": "past"},
        )


def check_audience(value: Any) -> tuple[str, str]:
    """``{"kind": "managers"}`` (default) or ``{"kind": "site"|"department", "value"}``."""
    if value is None:
        return "managers", ""
    if not isinstance(value, dict) or value.get("kind") not in BRIEFING_AUDIENCES:
        raise Unprocessable(
            _(
                'audience must be {"kind": one of %(kinds)s, "value": …}.',
                kinds=", ".join(BRIEFING_AUDIENCES),
            ),
            fields={"audience": "invalid"},
        )
    check_known_fields(value, {"kind", "value"})
    if value["kind"] == "managers":
        return "managers", ""
    return value["kind"], check_text(value.get("value"), "audience.value", max_len=120)


def check_remind_after(value: Any) -> int:
    if value is None:
        return REMIND_AFTER_HOURS_DEFAULT
    if isinstance(value, bool) or not isinstance(value, int):
        value = -1
    if not 1 <= value <= REMIND_AFTER_HOURS_MAX:
        raise Unprocessable(
            _(
                "remind_after_hours must be a whole number from 1 to %(high)d.",
                high=REMIND_AFTER_HOURS_MAX,
            ),
            fields={"remind_after_hours": "out_of_range"},
        )
    return value


def check_fields(data: Any, now: datetime, *, partial: bool) -> dict[str, Any]:
    """The checked values of the fields given (all required ones unless ``partial``)."""
    data = check_known_fields(data, FIELDS)
    out: dict[str, Any] = {}
    with unprocessable():
        if not partial or "title" in data:
            out["title"] = check_text(data.get("title"), "title", max_len=BRIEFING_TITLE_MAX)
        if not partial or "key_messages" in data:
            out["key_messages"] = check_key_messages(data.get("key_messages"))
        if not partial or "talking_points" in data:
            out["talking_points"] = check_text(
                data.get("talking_points"),
                "talking_points",
                max_len=TALKING_POINTS_MAX,
                required=False,
                multiline=True,
            )
        if not partial or "qa" in data:
            out["qa"] = check_qa(data.get("qa"))
        if not partial or "embargo_at" in data:
            out["embargo_at"] = check_embargo(data.get("embargo_at"), now)
        if not partial or "audience" in data:
            out["audience"] = check_audience(data.get("audience"))
        if not partial or "remind_after_hours" in data:
            out["remind_after_hours"] = check_remind_after(data.get("remind_after_hours"))
    return out
