"""Who was active when.

**Active** (the definition every figure uses): a person is active on a company day
when, that day, they made at least one successful authenticated request (page,
API call — recorded in ``user_activity_days``, so readers count), or wrote a post
(other than a celebration, which the daily job writes in a manager's name), a
comment, a reaction or a poll ballot. Deactivated people count for the days they
were active. DAU is the number of people active on a day; WAU and MAU the distinct
people active over the 7 and 30 days ending on the range's last day.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, literal, select, union, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...extensions import db
from ...models import Ballot, Comment, Post, Reaction, User, UserActivityDay
from .periods import Range, as_date, day_bucket, month_start_of, week_start_of
from .rollup import live_runs, rolled_spans

#: Remembered (user id → day recorded) per process, so an API client without a
#: cookie costs one INSERT a day, not one per call. A miss only costs a no-op INSERT.


def activity_rows(period: Range):
    """SQL ``(user_id, day)`` rows, one per contribution or recorded day within
    ``period`` (duplicates included: count them DISTINCT)."""
    inside = (period.since, period.until)

    def written(user_col, at_col, *extra):
        return select(user_col.label("user_id"), day_bucket(at_col, period).label("day")).where(
            at_col >= inside[0], at_col < inside[1], *extra
        )

    return union_all(
        written(Post.author_id, Post.created_at, Post.kind != "celebration"),
        written(Comment.author_id, Comment.created_at),
        written(Reaction.user_id, Reaction.created_at),
        written(Ballot.user_id, Ballot.created_at),
        select(UserActivityDay.user_id, UserActivityDay.day).where(
            UserActivityDay.day >= period.start, UserActivityDay.day <= period.end
        ),
    ).subquery("activity")


def distinct_active(period: Range) -> int:
    """How many distinct people were active within ``period``."""
    rows = activity_rows(period)
    return db.session.scalar(select(func.count(rows.c.user_id.distinct()))) or 0


def activity_summary(period: Range, rolled: dict | None = None) -> dict:
    """Active people per day, per calendar week and month (the range's days only), over
    the range, and WAU/MAU ending on its last day.

    ``rolled`` (``rollup.rolled_days`` of the 30 days before the end and the range):
    a rolled-up day's figure is read from its rollup, a whole rolled-up week or month
    from ``analytics_spans``; any other distinct count is ``user_activity_days`` (where
    rolled-up days hold their writers too) united with the writers of the days not
    rolled up (normally only today), counted once each.
    """
    rolled = rolled or {}
    window = Range(min(period.start, period.ending(30).start), period.end, period.tz)
    runs = live_runs(window, rolled)
    out: dict = {"day": {}, "week": {}, "month": {}}
    counted: dict[tuple[date, date], int] = {}  # a 30-day range is also the MAU window

    def count(first: date, last: date) -> int:
        if (first, last) not in counted:
            counted[first, last] = people_between(first, last, runs, period.tz)
        return counted[first, last]

    out["day"] = _daily_active(period, rolled, runs)
    spans = rolled_spans(period) if rolled else {}
    for kind, first_of in (("week", week_start_of), ("month", month_start_of)):
        for start in sorted({first_of(day) for day in period.days}):
            following = start + timedelta(days=7) if kind == "week" else _next_month(start)
            first, last = max(start, period.start), min(following - timedelta(days=1), period.end)
            whole = first == start and last == following - timedelta(days=1)
            n = spans.get((kind, start)) if whole else None
            if n is None:
                n = count(first, last)
            if n:
                out[kind][start] = n
    out["range"] = count(period.start, period.end)
    out["wau"] = count(period.ending(7).start, period.end)
    out["mau"] = count(period.ending(30).start, period.end)
    return out


def _daily_active(period: Range, rolled: dict, runs: list[Range]) -> dict[date, int]:
    days = {day: rolled[day].active_people for day in period.days if day in rolled}
    for run in runs:
        inside = Range(max(run.start, period.start), run.end, period.tz)
        if inside.start <= inside.end:
            days.update(_live_daily_active(inside))
    return {day: n for day, n in days.items() if n}


def _next_month(start: date) -> date:
    return month_start_of(start + timedelta(days=31))


def _live_daily_active(period: Range) -> dict[date, int]:
    rows = activity_rows(period)
    query = select(rows.c.day, func.count(rows.c.user_id.distinct())).group_by(rows.c.day)
    return {as_date(day): n for day, n in db.session.execute(query)}


#: From this many days on, distinct people are counted by probing each person's
#: ``user_activity_days`` primary key (one index seek per person) rather than by
#: sorting every ``(day, person)`` row of the range.
PROBE_FROM_DAYS = 32


def people_between(first: date, last: date, runs: list[Range], tz) -> int:
    """Distinct people active from ``first`` to ``last`` (both included): recorded days,
    plus the writers of the days of ``runs`` (those not rolled up) in between."""
    recorded = (UserActivityDay.day >= first, UserActivityDay.day <= last)
    if (last - first).days + 1 >= PROBE_FROM_DAYS:
        probe = select(literal(1)).where(UserActivityDay.user_id == User.id, *recorded)
        parts = [select(User.id.label("user_id")).where(probe.exists())]
    else:
        parts = [select(UserActivityDay.user_id).where(*recorded).distinct()]
    for run in runs:
        inside = Range(max(run.start, first), min(run.end, last), tz)
        if inside.start <= inside.end:
            parts.extend(_writer_ids(inside))
    people = union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    return db.session.scalar(select(func.count()).select_from(people)) or 0


def _writer_ids(period: Range):
    inside = (period.since, period.until)

    def written(user_col, at_col, *extra):
        return select(user_col.label("user_id")).where(
            at_col >= inside[0], at_col < inside[1], *extra
        )

    return [
        written(Post.author_id, Post.created_at, Post.kind != "celebration"),
        written(Comment.author_id, Comment.created_at),
        written(Reaction.user_id, Reaction.created_at),
        written(Ballot.user_id, Ballot.created_at),
    ]


# --- recording ---------------------------------------------------------------------------


def do_record_activity(user_id: int, day: date) -> None:
    """Note that ``user_id`` was active on ``day``: one ``INSERT … ON CONFLICT DO NOTHING``
    (the primary key keeps it to one row a day, even under concurrent requests)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(UserActivityDay).values(user_id=user_id, day=day).on_conflict_do_nothing()
    )
