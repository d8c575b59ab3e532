"""The pain-point register: irritants people raise, vote for and someone answers.

A pain point *is* a post of kind ``pain_point`` (its title and description are the
post's title and body), so it has the post's audience and visibility — one raised in a
private group stays as visible as the group —, comments, moderation and search.
:class:`PainPoint` adds where it hurts (site, department), the triage (status, owner,
resolution note), an optional time estimate and, once merged, the pain point that
absorbed it. Votes and followers are one row per person (primary keys), so nobody is
ever counted twice, merges included.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

PAIN_POINT_PLACE_MAX = 100
RESOLUTION_NOTE_MAX = 2000
#: Most minutes a week one pain point may cost one person (a full 40-hour week).
MINUTES_PER_WEEK_MAX = 2400


class PainPointStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    SOLVED = "solved"
    WONT_FIX = "wont_fix"


PAIN_POINT_STATUSES: tuple[str, ...] = tuple(s.value for s in PainPointStatus)
#: Statuses that close a pain point (a resolution note is then required).
CLOSED_STATUSES: tuple[str, ...] = ("solved", "wont_fix")


class PainPoint(db.Model):
    """The register's side of a ``pain_point`` post (one row per such post).

    ``minutes_per_week``: the estimate of the time it costs each person affected (the API
    speaks in hours); the people affected are its voters. ``merged_into_id`` set: a
    duplicate, whose votes and followers moved to that pain point; it leaves the lists.
    """

    __tablename__ = "pain_points"
    __table_args__ = (
        CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'solved', 'wont_fix')",
            name="status_known",
        ),
        CheckConstraint(
            f"minutes_per_week IS NULL OR (minutes_per_week >= 0"
            f" AND minutes_per_week <= {MINUTES_PER_WEEK_MAX})",
            name="minutes_range",
        ),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> post_id", name="not_self"),
        Index("ix_pain_points_status", "status"),
        Index("ix_pain_points_merged_into_id", "merged_into_id"),
    )

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    site: Mapped[str] = mapped_column(String(PAIN_POINT_PLACE_MAX), default="")
    department: Mapped[str] = mapped_column(String(PAIN_POINT_PLACE_MAX), default="")
    status: Mapped[str] = mapped_column(String(16), default=PainPointStatus.NEW.value)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    minutes_per_week: Mapped[int | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PainPointVote(db.Model):
    """One person's voice on one pain point (its author's included): the primary key says
    one per person."""

    __tablename__ = "pain_point_votes"
    __table_args__ = (
        Index("ix_pain_point_votes_user_id", "user_id"),
        Index("ix_pain_point_votes_post_id_created_at", "post_id", "created_at"),
    )

    post_id: Mapped[int] = mapped_column(
        ForeignKey("pain_points.post_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PainPointFollower(db.Model):
    """Someone told of a pain point's status changes: its author, every voter, and whoever
    chose to follow it."""

    __tablename__ = "pain_point_followers"
    __table_args__ = (Index("ix_pain_point_followers_user_id", "user_id"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("pain_points.post_id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
