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

from collections import OrderedDict
from datetime import date

from flask import current_app, g, session
from sqlalchemy import Date, cast, func, literal, null, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...extensions import db
from ...models import Ballot, Comment, Post, Reaction, UserActivityDay
from .periods import Range, as_date, day_bucket, month_start, week_start

#: Remembered (user id → day recorded) per process, so an API client without a
#: cookie costs one INSERT a day, not one per call. A miss only costs a no-op INSERT.
_RECORDED: OrderedDict[int, date] = OrderedDict()
_RECORDED_MAX = 50_000
SESSION_KEY = "activity_day"


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


def activity_summary(period: Range) -> dict:
    """Active people per day, per calendar week and month (the range's days only), over
    the range, and WAU/MAU ending on its last day — in one statement: the distinct
    ``(user_id, day)`` pairs are computed once (a CTE used several times, which both
    SQLite and PostgreSQL materialize) and every figure is a cheap aggregate over them.
    """
    window = Range(min(period.start, period.ending(30).start), period.end, period.tz)
    rows = activity_rows(window)
    pairs = select(rows.c.user_id, rows.c.day).distinct().cte("pairs")
    people = func.count(pairs.c.user_id.distinct())
    in_range = pairs.c.day >= period.start
    nothing = cast(null(), Date)

    def figure(kind: str, key, *where):
        query = select(literal(kind).label("kind"), key.label("key"), people.label("n"))
        query = query.where(*where)
        return query.group_by(key) if key is not nothing else query

    statement = union_all(
        figure("day", pairs.c.day, in_range),
        figure("week", week_start(pairs.c.day), in_range),
        figure("month", month_start(pairs.c.day), in_range),
        figure("range", nothing, in_range),
        figure("wau", nothing, pairs.c.day >= period.ending(7).start),
        figure("mau", nothing, pairs.c.day >= period.ending(30).start),
    )
    out: dict = {"day": {}, "week": {}, "month": {}, "range": 0, "wau": 0, "mau": 0}
    for kind, key, n in db.session.execute(statement):
        if key is None:
            out[kind] = n
        else:
            out[kind][as_date(key)] = n
    return out


# --- recording ---------------------------------------------------------------------------


def do_record_activity(user_id: int, day: date) -> None:
    """Note that ``user_id`` was active on ``day``: one ``INSERT … ON CONFLICT DO NOTHING``
    (the primary key keeps it to one row a day, even under concurrent requests)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(UserActivityDay).values(user_id=user_id, day=day).on_conflict_do_nothing()
    )


def _request_user_id() -> int | None:
    """The caller of the request, if it was already resolved (never loads it)."""
    user = g.get("api_user") or g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.id


def record_request_activity(response):
    """``after_app_request``: record the caller's day once (session and process cache).

    Off when ``ANALYTICS_RECORD_ACTIVITY`` is false (by default under ``TESTING``, so
    other suites' query-count guards are not disturbed). Failed requests, static
    files and anonymous calls record nothing. Its own tiny unit of work, after the
    request's: a failure here never affects the answer.
    """
    from ..celebrations import company_today

    config = current_app.config
    if not config.get("ANALYTICS_RECORD_ACTIVITY", not config.get("TESTING")):
        return response
    if response.status_code >= 400:
        return response
    user_id = _request_user_id()
    if user_id is None:
        return response
    today = company_today()
    if _RECORDED.get(user_id) == today or (
        g.get("api_user") is None and session.get(SESSION_KEY) == today.isoformat()
    ):
        return response
    try:
        do_record_activity(user_id, today)
        db.session.commit()
    except Exception:  # noqa: BLE001  (never fail a served request over a statistic)
        db.session.rollback()
        current_app.logger.warning("could not record activity of user %s", user_id)
        return response
    _remember(user_id, today)
    if g.get("api_user") is None:
        session[SESSION_KEY] = today.isoformat()
    return response


def _remember(user_id: int, day: date) -> None:
    _RECORDED[user_id] = day
    _RECORDED.move_to_end(user_id)
    while len(_RECORDED) > _RECORDED_MAX:
        _RECORDED.popitem(last=False)


def forget_recorded() -> None:
    """Empty the process cache (tests, which reuse user ids after wiping tables)."""
    _RECORDED.clear()
