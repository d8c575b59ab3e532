"""Engagement analytics: the days each person was active, and the indexes analytics read by.

A person is recorded at most once per day (the primary key says so) when an
authenticated request of theirs succeeds, so readers count as active, not only
writers. The indexes below let the date-range aggregates of
``services/analytics`` walk ``created_at`` ranges instead of whole tables.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .moderation import ModerationCase
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


#: Covering indexes for "who did what, when" over a date range (bucketing by day reads
#: only the index, never the rows).
Index("ix_posts_created_at_author_id", Post.created_at, Post.author_id)
Index("ix_comments_created_at_author_id", Comment.created_at, Comment.author_id)
Index("ix_reactions_created_at_user_id", Reaction.created_at, Reaction.user_id)
Index("ix_moderation_cases_opened_at", ModerationCase.opened_at)
Index("ix_moderation_cases_closed_at", ModerationCase.closed_at)
