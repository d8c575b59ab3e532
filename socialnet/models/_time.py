"""The one clock the code reads: all timestamps are naive UTC in the database.

Every "now" and every "today" (``services.company_day.company_today``) is read through
:func:`now_utc`, so a test can set the clock (:func:`set_clock`) and a rule stated in
days cannot change its answer when a run crosses midnight in the company's time zone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

#: How far the clock is from the system's (zero outside tests).
_shift = timedelta(0)


def now_utc() -> datetime:
    """Current time, aware UTC."""
    return datetime.now(UTC) + _shift


def utcnow() -> datetime:
    """Current time as naive UTC (the same on SQLite and PostgreSQL columns)."""
    return now_utc().replace(tzinfo=None)


@contextmanager
def set_clock(at: datetime) -> Iterator[None]:
    """Within the block, the clock reads ``at`` (aware; naive means UTC) when entered and
    runs on from there at the system's pace (rows keep their order of creation)."""
    global _shift
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    before = _shift
    _shift = at - datetime.now(UTC)
    try:
        yield
    finally:
        _shift = before
