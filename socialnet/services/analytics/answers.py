"""Questions and answers per group: questions asked, the share answered, and the median
time to the first answer and to the best answer.

Counts are SQL; the medians are taken in Python over one row per question of the range
(the range is at most ``periods.MAX_DAYS`` days, and questions are a small share of
posts), which is exact and the same on SQLite and PostgreSQL, neither of which offers
a portable median aggregate. Only questions the viewer may read are counted, so a group
named here is one they may read (the rule of the other lists that name groups).

*First answer*: the first published, undeleted comment by someone other than the asker
(a comment may be moderated away later, then it no longer counts). *Best answer*: the
time the current best answer was chosen, for questions still answered.
"""

from __future__ import annotations

from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import func, select

from ... import policy
from ...extensions import db
from ...models import Comment, Group, ModerationState, Post, User
from ..questions import QUESTION, best_answer_counts
from .periods import Range


def _first_answer_at():
    return (
        select(func.min(Comment.created_at))
        .where(
            Comment.post_id == Post.id,
            Comment.author_id != Post.author_id,
            Comment.deleted_at.is_(None),
            Comment.moderation_state == ModerationState.PUBLISHED.value,
        )
        .scalar_subquery()
    )


def _seconds(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds())


def _hours(seconds: list[float]) -> float | None:
    """The median, in hours to two decimals (as ``median_hours_to_resolve``)."""
    return round(median(seconds) / 3600, 2) if seconds else None


def _summary(rows: list[tuple[datetime, datetime | None, datetime | None, bool]]) -> dict:
    asked = len(rows)
    answered = sum(1 for *_, counts in rows if counts)
    to_first = [s for s in (_seconds(c, f) for c, f, _b, _a in rows) if s is not None]
    to_best = [s for s in (_seconds(c, b) for c, _f, b, a in rows if a) if s is not None]
    return {
        "asked": asked,
        "answered": answered,
        "answered_share": round(answered / asked, 4) if asked else None,
        "median_hours_to_first_answer": _hours(to_first),
        "median_hours_to_best_answer": _hours(to_best),
    }


def per_group(viewer: User, period: Range) -> dict[str, Any]:
    """``{"items": [per group, the company space as group_id None], "total": {...}}`` for
    the questions asked in ``period`` that ``viewer`` may read; items by questions asked."""
    query = select(
        Post.group_id,
        Post.created_at,
        _first_answer_at(),
        Post.best_answer_at,
        best_answer_counts(),
    ).where(
        Post.kind == QUESTION,
        Post.created_at >= period.since,
        Post.created_at < period.until,
        policy.visible_posts_filter(viewer),
    )
    by_group: dict[int | None, list] = {}
    every = []
    for group_id, created, first, best, counts in db.session.execute(query):
        row = (created, first, best, bool(counts))
        by_group.setdefault(group_id, []).append(row)
        every.append(row)
    names = dict(
        db.session.execute(
            select(Group.id, Group.name).where(Group.id.in_([g for g in by_group if g]))
        ).all()
    )
    items = [
        {"group_id": group_id, "group_name": names.get(group_id), **_summary(rows)}
        for group_id, rows in by_group.items()
    ]
    items.sort(key=lambda i: (-i["asked"], i["group_id"] or 0))
    return {"items": items, "total": _summary(every)}
