"""Conditions shared by the sources of search: visibility of posts (policy) and the
content filters (group, topic, dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select

from ... import policy
from ...models import Post, PostHashtag, User


@dataclass(frozen=True)
class SearchFilters:
    """The filters of a search. Content filters (group, author, topic, dates,
    ``unanswered``) narrow results to posts, comments and files (``unanswered``: posts
    only)."""

    type: str = "all"
    group_id: int | None = None
    author_id: int | None = None
    topic: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    unanswered: bool = False
    questions_only: bool = False  # posts of kind "question" only (the composer's lookup)

    @property
    def narrows_content(self) -> bool:
        return any(
            (self.group_id, self.author_id, self.topic, self.date_from, self.date_to)
        ) or bool(self.unanswered)


def day_range(column: Any, filters: SearchFilters) -> list[ColumnElement[bool]]:
    """``column`` within the filters' days (UTC), if any."""
    conditions = []
    if filters.date_from:
        conditions.append(column >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        conditions.append(column < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return conditions


def post_conditions(user: User, filters: SearchFilters) -> list[ColumnElement[bool]]:
    """Visibility (policy) and the post-level filters, shared by posts, comments and files."""
    conditions = [policy.visible_posts_filter(user)]
    if filters.group_id:
        conditions.append(Post.group_id == filters.group_id)
    if filters.topic:
        tagged = select(PostHashtag.post_id).where(PostHashtag.tag == filters.topic)
        conditions.append(Post.id.in_(tagged))
    return conditions
