"""Daily rollups: each finished company day counted once, so long ranges stay cheap.

A day is *finished* once it is over in the company's time zone. Rolling it up:

1. folds its writers (post — not celebration —, comment, reaction and ballot authors,
   whatever became of the row since) into ``user_activity_days`` with
   ``INSERT … SELECT … ON CONFLICT DO NOTHING``, so that table alone says who was
   active on a finished day (and a person stays active on a day they acted on, even if
   the reaction is later withdrawn);
2. writes an ``analytics_days`` row: live posts, comments, reactions, ballots and the
   day's active people (``INSERT … ON CONFLICT DO NOTHING`` on the day: idempotent);
3. writes an ``analytics_spans`` row, the distinct people active, for every calendar
   week and month whose days are all rolled up.

Database triggers (``models.analytics.TRIGGERS``) delete a day's rollup (and its week's
and month's) when a row of that day is inserted, deleted or changed afterwards;
readers then compute that day from the live tables and the next pass rolls it again.
Rollups of another time zone than the company's are ignored and replaced.

Known limit: a row changed *while* its day is being rolled up (a few milliseconds
after midnight) can be missed until something else touches that day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, delete, func, literal, select, union, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...extensions import db
from ...models import (
    AnalyticsDay,
    AnalyticsDayGroup,
    AnalyticsDayPerson,
    AnalyticsGroupPerson,
    AnalyticsSpan,
    AnalyticsSpanPerson,
    Ballot,
    Comment,
    Post,
    Reaction,
    UserActivityDay,
)
from ...models._time import utcnow
from .live import contributions, group_contributions, group_volume, live_comments, live_posts
from .periods import Range, as_date, month_start_of, week_start_of

#: Days a job pass rolls up at most (newest first); ``flask analytics rollup`` has no cap.
DAYS_PER_PASS = 62


def _insert(model):
    dialect = db.session.get_bind().dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(model)


def writers(period: Range, *, day=None):
    """SQL ``(user_id, day)`` of every post (not celebration), comment, reaction and
    ballot author within ``period``; ``day`` is a constant when given, else each row's
    company day."""
    from .periods import day_bucket

    def rows(user_col, at_col, *extra):
        bucket = day if day is not None else day_bucket(at_col, period)
        return select(user_col.label("user_id"), bucket.label("day")).where(
            at_col >= period.since, at_col < period.until, *extra
        )

    return union(
        rows(Post.author_id, Post.created_at, Post.kind != "celebration"),
        rows(Comment.author_id, Comment.created_at),
        rows(Reaction.user_id, Reaction.created_at),
        rows(Ballot.user_id, Ballot.created_at),
    ).subquery("writers")


def _count(model, period: Range, *extra) -> int:
    at = model.created_at
    query = select(func.count()).select_from(model).where(at >= period.since, at < period.until)
    return db.session.scalar(query.where(*extra)) or 0


def day_counts(period: Range) -> dict[str, int]:
    """Live posts, comments, reactions and ballots within ``period`` (one day)."""
    return {
        "posts": db.session.scalar(select(func.count()).where(live_posts(period))) or 0,
        "comments": db.session.scalar(select(func.count()).where(live_comments(period))) or 0,
        "reactions": _count(Reaction, period),
        "ballots": _count(Ballot, period),
    }


def roll_day(day: date, tz: ZoneInfo) -> bool:
    """Roll up ``day`` (finished); False if it already was (in this zone). Flushes."""
    period = Range(day, day, tz)
    existing = db.session.get(AnalyticsDay, day)
    if existing is not None:
        if existing.timezone == tz.key:
            return False
        db.session.execute(delete(AnalyticsDay).where(AnalyticsDay.day == day))
    rows = writers(period, day=literal(day, Date))
    _insert_from(UserActivityDay, ["user_id", "day"], select(rows.c.user_id, rows.c.day))
    active = db.session.scalar(
        select(func.count()).select_from(UserActivityDay).where(UserActivityDay.day == day)
    )
    db.session.execute(
        _insert(AnalyticsDay)
        .values(
            day=day,
            timezone=tz.key,
            starts_at=period.since,
            ends_at=period.until,
            active_people=active or 0,
            rolled_at=utcnow(),
            **day_counts(period),
        )
        .on_conflict_do_nothing()
    )
    _roll_details(period)
    return True


def _roll_details(period: Range) -> None:
    """The day's per-person and per-group rollups (same selections as the live path)."""
    day = literal(period.start, Date)
    rows = union_all(*contributions(period)).subquery()
    c = list(rows.c)
    _insert_from(
        AnalyticsDayPerson,
        ["day", "user_id", "posts", "comments", "reactions"],
        select(day, c[0], func.sum(c[1]), func.sum(c[2]), func.sum(c[3])).group_by(c[0]),
    )
    rows = union_all(*group_volume(period)).subquery()
    c = list(rows.c)
    _insert_from(
        AnalyticsDayGroup,
        ["day", "group_id", "posts", "comments", "replies"],
        select(day, c[0], func.sum(c[1]), func.sum(c[2]), func.sum(c[3])).group_by(c[0]),
    )
    rows = union(*group_contributions(period)).subquery()
    c = list(rows.c)
    _insert_from(AnalyticsGroupPerson, ["group_id", "user_id", "day"], select(c[0], c[1], day))


def _insert_from(model, columns: list[str], query) -> None:
    # SQLite needs a WHERE in INSERT … SELECT … ON CONFLICT (to parse it unambiguously).
    db.session.execute(
        _insert(model).from_select(columns, query.where(literal(True))).on_conflict_do_nothing()
    )


def _spans(first: date, last: date) -> Iterator[tuple[str, date, date]]:
    """Every calendar week and month ``(kind, start, last day)`` within ``first..last``."""
    week = week_start_of(first)
    if week < first:
        week += timedelta(days=7)
    while week + timedelta(days=6) <= last:
        yield "week", week, week + timedelta(days=6)
        week += timedelta(days=7)
    month = month_start_of(first)
    if month < first:
        month = month_start_of(month + timedelta(days=31))
    while True:
        following = month_start_of(month + timedelta(days=31))
        if following - timedelta(days=1) > last:
            return
        yield "month", month, following - timedelta(days=1)
        month = following


def roll_spans(tz: ZoneInfo) -> int:
    """Add the missing week and month rollups whose every day is rolled up."""
    rolled = sorted(
        as_date(d)
        for d in db.session.scalars(select(AnalyticsDay.day).where(AnalyticsDay.timezone == tz.key))
    )
    if not rolled:
        return 0
    have = {
        (kind, as_date(start))
        for kind, start in db.session.execute(
            select(AnalyticsSpan.kind, AnalyticsSpan.start).where(AnalyticsSpan.timezone == tz.key)
        )
    }
    days = set(rolled)
    added = 0
    for kind, start, last in _spans(rolled[0], rolled[-1]):
        length = (last - start).days + 1
        whole = all(start + timedelta(days=i) in days for i in range(length))
        if (kind, start) in have or not whole:
            continue
        key = (AnalyticsSpan.kind == kind, AnalyticsSpan.start == start)
        db.session.execute(delete(AnalyticsSpan).where(*key))  # of another zone, if any
        people = db.session.scalar(
            select(func.count(UserActivityDay.user_id.distinct())).where(
                UserActivityDay.day >= start, UserActivityDay.day <= last
            )
        )
        db.session.execute(
            _insert(AnalyticsSpan)
            .values(kind=kind, start=start, last_day=last, timezone=tz.key)
            .values(active_people=people or 0, rolled_at=utcnow())
            .on_conflict_do_nothing()
        )
        if kind == "month":
            person = AnalyticsDayPerson
            _insert_from(
                AnalyticsSpanPerson,
                ["kind", "start", "user_id", "posts", "comments", "reactions"],
                select(literal(kind), literal(start, Date), person.user_id)
                .add_columns(func.sum(person.posts), func.sum(person.comments))
                .add_columns(func.sum(person.reactions))
                .where(person.day >= start, person.day <= last)
                .group_by(person.user_id),
            )
        added += 1
    return added


def _earliest_day(tz: ZoneInfo) -> date | None:
    firsts = [
        db.session.scalar(select(func.min(model.created_at)))
        for model in (Post, Comment, Reaction, Ballot)
    ]
    instants = [f if isinstance(f, datetime) else datetime.fromisoformat(f) for f in firsts if f]
    days = [i.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).date() for i in instants]
    recorded = db.session.scalar(select(func.min(UserActivityDay.day)))
    if recorded is not None:
        days.append(as_date(recorded))
    return min(days) if days else None


def do_rollup(
    today: date, tz: ZoneInfo, *, since: date | None = None, limit: int | None = None
) -> int:
    """Roll up every finished day (before ``today``) not rolled up yet, from ``since``
    (default: the first day with any data), newest first, at most ``limit`` days; then
    the weeks and months they complete. Returns the days rolled up. Flushes only."""
    first = since or _earliest_day(tz)
    if first is None:
        return 0
    done = {
        as_date(d)
        for d in db.session.scalars(
            select(AnalyticsDay.day).where(
                AnalyticsDay.day >= first, AnalyticsDay.timezone == tz.key
            )
        )
    }
    todo = [
        today - timedelta(days=i)
        for i in range(1, (today - first).days + 1)
        if today - timedelta(days=i) not in done
    ]
    rolled = 0
    for day in todo[:limit] if limit is not None else todo:
        rolled += roll_day(day, tz)
    roll_spans(tz)
    db.session.flush()
    return rolled


def rollup_due(now: datetime | None = None) -> int:
    """The job: roll up the finished days not rolled up yet (at most
    :data:`DAYS_PER_PASS` per pass), in the company's time zone."""
    from ..celebrations import company_today, company_tz

    return do_rollup(company_today(now), company_tz(), limit=DAYS_PER_PASS)


# --- reading ------------------------------------------------------------------------------


def rolled_days(period: Range) -> dict[date, AnalyticsDay]:
    """The rollups of ``period``'s days (in its zone), by day."""
    rows = db.session.scalars(
        select(AnalyticsDay).where(
            AnalyticsDay.day >= period.start,
            AnalyticsDay.day <= period.end,
            AnalyticsDay.timezone == period.tz.key,
        )
    )
    return {as_date(row.day): row for row in rows}


def rolled_spans(period: Range) -> dict[tuple[str, date], int]:
    """``{(kind, start): active people}`` of the week and month rollups within ``period``."""
    rows = db.session.execute(
        select(AnalyticsSpan.kind, AnalyticsSpan.start, AnalyticsSpan.active_people).where(
            AnalyticsSpan.start >= period.start,
            AnalyticsSpan.last_day <= period.end,
            AnalyticsSpan.timezone == period.tz.key,
        )
    )
    return {(kind, as_date(start)): n for kind, start, n in rows}


def live_runs(period: Range, rolled) -> list[Range]:
    """The runs of consecutive days of ``period`` that are not in ``rolled``."""
    runs: list[Range] = []
    for day in period.days:
        if day in rolled:
            continue
        if runs and runs[-1].end == day - timedelta(days=1):
            runs[-1] = Range(runs[-1].start, day, period.tz)
        else:
            runs.append(Range(day, day, period.tz))
    return runs
