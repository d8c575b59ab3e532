"""Engagement analytics: the days each person was active, and the indexes analytics read by.

A person is recorded at most once per day (the primary key says so) when an
authenticated request of theirs succeeds, so readers count as active, not only
writers; the daily rollup also folds each finished day's writers in. The indexes
below let the date-range aggregates of ``services/analytics`` walk ``created_at``
ranges instead of whole tables.

Rollups (``services/analytics/rollup``): one :class:`AnalyticsDay` per finished company
day and one :class:`AnalyticsSpan` per finished calendar week and month. They are kept
exact by database triggers (:data:`TRIGGERS`): any insert, delete or relevant update of
a post, comment, reaction, ballot or recorded day that falls on a rolled-up day deletes
that day's rollup and those of its week and month, so readers fall back to the live
tables for it until the next job pass rolls it up again. Triggers, not ORM events,
because rows also go away by ``DELETE`` statements and ``ON DELETE CASCADE``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import DDL, ForeignKey, ForeignKeyConstraint, Index, String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .moderation import ModerationCase
from .polls import Ballot
from .posts import Comment, Post, Reaction


class UserActivityDay(db.Model):
    """``user_id`` made at least one successful authenticated request on ``day``
    (the company's calendar day, ``SOCIALNET_COMPANY_TIMEZONE``)."""

    __tablename__ = "user_activity_days"
    __table_args__ = (Index("ix_user_activity_days_day_user_id", "day", "user_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(primary_key=True)


class AnalyticsDay(db.Model):
    """Figures of one finished company ``day`` (``[starts_at, ends_at)`` in naive UTC)
    in the zone ``timezone``: live posts, comments, reactions, ballots, and the people
    active (``user_activity_days`` rows of the day, writers folded in)."""

    __tablename__ = "analytics_days"
    __table_args__ = (Index("ix_analytics_days_starts_at", "starts_at"),)

    day: Mapped[date] = mapped_column(primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    posts: Mapped[int]
    comments: Mapped[int]
    reactions: Mapped[int]
    ballots: Mapped[int]
    active_people: Mapped[int]
    rolled_at: Mapped[datetime]


class AnalyticsSpan(db.Model):
    """Distinct people active over a finished calendar ``kind`` ("week", Monday to
    Sunday, or "month") from ``start`` to ``last_day``, every day of it rolled up."""

    __tablename__ = "analytics_spans"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    start: Mapped[date] = mapped_column(primary_key=True)
    last_day: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64))
    active_people: Mapped[int]
    rolled_at: Mapped[datetime]


class AnalyticsDayPerson(db.Model):
    """What ``user_id`` wrote on a rolled-up day (top contributors): live posts (not
    celebrations), live comments, reactions given."""

    __tablename__ = "analytics_day_people"

    day: Mapped[date] = mapped_column(
        ForeignKey("analytics_days.day", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(primary_key=True)
    posts: Mapped[int]
    comments: Mapped[int]
    reactions: Mapped[int]


class AnalyticsSpanPerson(db.Model):
    """:class:`AnalyticsDayPerson` summed over a rolled-up month."""

    __tablename__ = "analytics_span_people"
    __table_args__ = (
        ForeignKeyConstraint(
            ["kind", "start"],
            ["analytics_spans.kind", "analytics_spans.start"],
            ondelete="CASCADE",
        ),
    )

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    start: Mapped[date] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True)
    posts: Mapped[int]
    comments: Mapped[int]
    reactions: Mapped[int]


class AnalyticsDayGroup(db.Model):
    """A group's live posts, live comments (on its posts) and the sum of those posts'
    ``comment_count`` (for replies per post) on a rolled-up day."""

    __tablename__ = "analytics_day_groups"

    day: Mapped[date] = mapped_column(
        ForeignKey("analytics_days.day", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(primary_key=True)
    posts: Mapped[int]
    comments: Mapped[int]
    replies: Mapped[int]


class AnalyticsGroupPerson(db.Model):
    """``user_id`` posted, commented or reacted in ``group_id`` on a rolled-up ``day``
    (keyed for one index seek per membership when counting active members)."""

    __tablename__ = "analytics_group_people"
    __table_args__ = (Index("ix_analytics_group_people_day", "day"),)

    group_id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(
        ForeignKey("analytics_days.day", ondelete="CASCADE"), primary_key=True
    )


#: (table, columns whose update changes a figure) of rows timestamped by ``created_at``.
_SOURCES = (
    (
        "posts",
        "created_at, author_id, group_id, kind, deleted_at, moderation_state, comment_count",
    ),
    ("comments", "created_at, author_id, deleted_at, moderation_state"),
    ("reactions", "created_at, user_id"),
    ("ballots", "created_at, user_id"),
)
_FORGET_AT = """
DELETE FROM analytics_spans WHERE EXISTS (
  SELECT 1 FROM analytics_days d WHERE d.starts_at <= {at} AND {at} < d.ends_at
  AND d.day >= analytics_spans.start AND d.day <= analytics_spans.last_day);
DELETE FROM analytics_days WHERE starts_at <= {at} AND {at} < ends_at;"""
#: A post moved to another group: the days of its comments and reactions change too.
_FORGET_POST = """
DELETE FROM analytics_spans WHERE EXISTS (
  SELECT 1 FROM analytics_days d WHERE d.day >= analytics_spans.start
  AND d.day <= analytics_spans.last_day AND (
    EXISTS (SELECT 1 FROM comments c WHERE c.post_id = {post}
            AND d.starts_at <= c.created_at AND c.created_at < d.ends_at)
    OR EXISTS (SELECT 1 FROM reactions r WHERE r.post_id = {post}
               AND d.starts_at <= r.created_at AND r.created_at < d.ends_at)));
DELETE FROM analytics_days WHERE
  EXISTS (SELECT 1 FROM comments c WHERE c.post_id = {post}
          AND analytics_days.starts_at <= c.created_at AND c.created_at < analytics_days.ends_at)
  OR EXISTS (SELECT 1 FROM reactions r WHERE r.post_id = {post}
             AND analytics_days.starts_at <= r.created_at
             AND r.created_at < analytics_days.ends_at);"""
_FORGET_DAY = """
DELETE FROM analytics_spans WHERE start <= {day} AND {day} <= last_day;
DELETE FROM analytics_days WHERE day = {day};"""


def _sqlite_triggers() -> list[str]:
    out = []
    for table, columns in _SOURCES:
        for name, when, rows in (
            ("ins", "INSERT", ("NEW",)),
            ("del", "DELETE", ("OLD",)),
            ("upd", f"UPDATE OF {columns}", ("OLD", "NEW")),
        ):
            body = "".join(_FORGET_AT.format(at=f"{row}.created_at") for row in rows)
            out += _sqlite_trigger(f"trg_{table}_analytics_{name}", f"{when} ON {table}", body)
    for name, when, rows in (("ins", "INSERT", ("NEW",)), ("del", "DELETE", ("OLD",))):
        body = "".join(_FORGET_DAY.format(day=f"{row}.day") for row in rows)
        out += _sqlite_trigger(
            f"trg_user_activity_days_analytics_{name}", f"{when} ON user_activity_days", body
        )
    out += _sqlite_trigger(
        "trg_posts_analytics_move",
        "UPDATE OF group_id ON posts",
        _FORGET_POST.format(post="NEW.id"),
        when="OLD.group_id IS NOT NEW.group_id",
    )
    return out


def _sqlite_trigger(name: str, on: str, body: str, when: str = "") -> list[str]:
    condition = f" WHEN {when}" if when else ""
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER {on} FOR EACH ROW{condition} BEGIN{body}\nEND",
    ]


def _postgresql_triggers() -> list[str]:
    # The statements are inlined in PL/pgSQL (which caches their plans) rather than
    # called as SQL functions (planned again on every call: ~0.3 ms a row on bulk loads).
    def forget_at(row: str) -> str:
        return _FORGET_AT.format(at=f"{row}.created_at")

    out = [
        "DROP FUNCTION IF EXISTS analytics_forget_at(timestamp)",
        "DROP FUNCTION IF EXISTS analytics_forget_day(date)",
        "DROP FUNCTION IF EXISTS analytics_forget_post(integer)",
        f"""CREATE OR REPLACE FUNCTION analytics_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'user_activity_days' THEN
    IF TG_OP <> 'INSERT' THEN {_FORGET_DAY.format(day="OLD.day")}
    END IF;
    IF TG_OP <> 'DELETE' THEN {_FORGET_DAY.format(day="NEW.day")}
    END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN {forget_at("OLD")}
    END IF;
    IF TG_OP <> 'DELETE' THEN {forget_at("NEW")}
    END IF;
    IF TG_TABLE_NAME = 'posts' AND TG_OP = 'UPDATE' THEN
      IF OLD.group_id IS DISTINCT FROM NEW.group_id THEN {_FORGET_POST.format(post="NEW.id")}
      END IF;
    END IF;
  END IF;
  RETURN NULL;
END $$""",
    ]
    sources = [*_SOURCES, ("user_activity_days", "day, user_id")]
    for table, columns in sources:
        name = f"trg_{table}_analytics"
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        out.append(
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION analytics_touch()"
        )
    return out


#: DDL of the invalidation triggers per dialect (idempotent; the migration runs it too).
TRIGGERS = {"sqlite": _sqlite_triggers(), "postgresql": _postgresql_triggers()}


def _create_triggers(target, connection, **_kw) -> None:
    for statement in TRIGGERS.get(connection.dialect.name, ()):
        connection.execute(DDL(statement.replace("%", "%%")))


event.listen(db.metadata, "after_create", _create_triggers)


#: Covering indexes for "who did what, when" over a date range (bucketing by day reads
#: only the index, never the rows).
Index("ix_posts_created_at_author_id", Post.created_at, Post.author_id)
Index("ix_comments_created_at_author_id", Comment.created_at, Comment.author_id)
Index("ix_reactions_created_at_user_id", Reaction.created_at, Reaction.user_id)
Index("ix_ballots_created_at_user_id", Ballot.created_at, Ballot.user_id)
Index("ix_moderation_cases_opened_at", ModerationCase.opened_at)
#: Published, undeleted posts (kind "post") holding a "?" and no comment yet: the open
#: questions, a tenth of the posts. ``services/analytics/content`` repeats this condition
#: word for word (:data:`OPEN_QUESTION`) so both databases use the partial index.
OPEN_QUESTION = {
    dialect: "posts.kind = 'post' AND posts.comment_count = 0 AND posts.deleted_at IS NULL "
    f"AND posts.moderation_state = 'published' AND {find}(posts.body, '?') > 0"
    for dialect, find in (("sqlite", "instr"), ("postgresql", "strpos"))
}
Index(
    "ix_posts_open_questions_created_at",
    Post.created_at,
    sqlite_where=text(OPEN_QUESTION["sqlite"].replace("posts.", "")),
    postgresql_where=text(OPEN_QUESTION["postgresql"].replace("posts.", "")),
)
Index("ix_moderation_cases_closed_at", ModerationCase.closed_at)
