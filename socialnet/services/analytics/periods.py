"""Date ranges and day buckets for analytics, the same on SQLite and PostgreSQL.

Days are the company's calendar days (``SOCIALNET_COMPANY_TIMEZONE``), like the
kudos leaderboard's periods. Timestamps are stored as naive UTC, so a row's day
is ``date(created_at + offset)`` where the offset is the zone's UTC offset at
that instant. Within a range the offset changes only at a few known instants
(daylight saving), so :func:`day_bucket` is a ``CASE`` over those instants: exact,
index-friendly (it reads only the timestamp), and written in each dialect's own
date arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Date, case, cast, func, literal, literal_column
from sqlalchemy.sql.elements import ColumnElement

from ...errors import ValidationFailed
from ...extensions import db
from ..validation import parse_date

#: Default range: the last 30 days, today included.
DEFAULT_DAYS = 30
#: Longest range a request may ask for (a leap year, inclusive).
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
LATEST = date(9000, 12, 31)


@dataclass(frozen=True)
class Range:
    """Company days ``start``..``end`` (both included); ``since``/``until`` are the
    first instant and the first instant after, as naive UTC (how timestamps are stored)."""

    start: date
    end: date
    tz: ZoneInfo

    @property
    def since(self) -> datetime:
        return _utc_midnight(self.start, self.tz)

    @property
    def until(self) -> datetime:
        return _utc_midnight(self.end + timedelta(days=1), self.tz)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def ending(self, days: int) -> Range:
        """The ``days``-long range that ends where this one ends (for WAU, MAU)."""
        return Range(self.end - timedelta(days=days - 1), self.end, self.tz)

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": len(self.days),
            "timezone": self.tz.key,
        }


def _utc_midnight(day: date, tz: ZoneInfo) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=tz)
    return local.astimezone(UTC).replace(tzinfo=None)


def check_range(raw_from: Any, raw_to: Any) -> Range:
    """Parse ``from``/``to`` (``YYYY-MM-DD``, both optional, both included).

    Defaults: ``to`` is today (company time), ``from`` is 29 days before ``to``.
    :raise ValidationFailed: not a date, ``from`` after ``to``, out of bounds, or
        longer than :data:`MAX_DAYS` days.
    """
    from ..celebrations import company_today, company_tz

    given_start = parse_date(raw_from, "from", lo=EARLIEST, hi=LATEST)
    end = parse_date(raw_to, "to", lo=EARLIEST, hi=LATEST) or company_today()
    # the default start comes from an end known to be in bounds (0001-01-01 minus 29 days
    # does not exist), and is held to the same bounds
    start = given_start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start < EARLIEST:
        raise ValidationFailed(
            _(
                "'from' must be between %(earliest)s and %(latest)s.",
                earliest=EARLIEST,
                latest=LATEST,
            ),
            fields={"from": "out_of_range"},
        )
    if start > end:
        raise ValidationFailed(_("'from' must not be after 'to'."), fields={"from": "after_to"})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            ngettext(
                "The range may cover at most %(num)d day.",
                "The range may cover at most %(num)d days.",
                MAX_DAYS,
            ),
            fields={"to": "too_long"},
        )
    return Range(start, end, company_tz())


def offset_segments(since: datetime, until: datetime, tz: ZoneInfo) -> list[tuple[datetime, int]]:
    """``[(from_utc, offset_minutes), …]``: the zone's offset in force from each instant
    (the first from ``since``) up to the next, over ``[since, until)``. Transitions are
    found to the quarter hour, which every real zone's transitions fall on."""

    def offset(instant: datetime) -> int:
        delta = instant.replace(tzinfo=UTC).astimezone(tz).utcoffset() or timedelta()
        return int(delta.total_seconds() // 60)

    segments = [(since, offset(since))]
    step, quarter = timedelta(hours=6), timedelta(minutes=15)
    cursor = since
    while cursor < until:
        nxt = min(cursor + step, until)
        if offset(nxt) != segments[-1][1]:
            probe = cursor
            while offset(probe + quarter) == segments[-1][1]:
                probe += quarter
            segments.append((probe + quarter, offset(probe + quarter)))
        cursor = nxt
    return segments


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _shifted_day(column, minutes: int | ColumnElement) -> ColumnElement:
    """``column`` (naive UTC) moved by ``minutes``, truncated to its date."""
    if _dialect() == "postgresql":
        interval = literal_column("INTERVAL '1 minute'")
        return cast(column + interval * minutes, Date)
    modifier = (
        literal(f"{minutes:+d} minutes")
        if isinstance(minutes, int)
        else func.printf("%+d minutes", minutes)
    )
    return func.date(column, modifier)


def day_bucket(column, period: Range) -> ColumnElement:
    """SQL: the company day of the UTC timestamp ``column``, for rows within ``period``.

    On SQLite the result is the text ``YYYY-MM-DD``, on PostgreSQL a ``date``;
    read it with :func:`as_date`.
    """
    segments = offset_segments(period.since, period.until, period.tz)
    if len(segments) == 1:
        return _shifted_day(column, segments[0][1])
    starts, offsets = [s for s, _ in segments[1:]], [o for _, o in segments[:-1]]
    whens = [(column < start, off) for start, off in zip(starts, offsets, strict=True)]
    minutes = case(*whens, else_=segments[-1][1])
    return _shifted_day(column, minutes)


def week_start(day_expr) -> ColumnElement:
    """SQL: the Monday on or before the day ``day_expr`` (a :func:`day_bucket`)."""
    if _dialect() == "postgresql":
        return cast(func.date_trunc("week", day_expr), Date)
    return func.date(day_expr, "-6 days", "weekday 1")


def month_start(day_expr) -> ColumnElement:
    """SQL: the first day of the month of ``day_expr``."""
    if _dialect() == "postgresql":
        return cast(func.date_trunc("month", day_expr), Date)
    return func.date(day_expr, "start of month")


def seconds_between(start, end) -> ColumnElement:
    """SQL: ``end - start`` in seconds (two naive UTC timestamp columns)."""
    if _dialect() == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def as_date(value: Any) -> date:
    """A bucket value read back from either dialect as a :class:`date`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def week_start_of(day: date) -> date:
    """The Monday on or before ``day`` (:func:`week_start` in Python)."""
    return day - timedelta(days=day.weekday())


def month_start_of(day: date) -> date:
    """The first day of ``day``'s month (:func:`month_start` in Python)."""
    return day.replace(day=1)
