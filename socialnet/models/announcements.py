"""Top-down announcements: a titled post addressed to a computed audience, with read receipts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class AudienceKind(StrEnum):
    REPORTS = "reports"
    COMPANY = "company"
    SITE = "site"
    DEPARTMENT = "department"
    GROUP = "group"


AUDIENCE_KINDS: tuple[str, ...] = tuple(k.value for k in AudienceKind)


class Announcement(db.Model):
    """An announcement, scheduled or published.

    Its post (``post_id``) is created when it is published, so it takes its
    place at the top of the feed then, not when it was written. The audience is
    materialized into :class:`AnnouncementRecipient` rows at that moment: reach
    is a COUNT in the database, and later org-chart changes do not rewrite who
    was addressed.
    """

    __tablename__ = "announcements"
    __table_args__ = (
        CheckConstraint(
            "audience_kind IN ('reports', 'company', 'site', 'department', 'group')",
            name="audience_kind_known",
        ),
        Index("ix_announcements_due", "published_at", "publish_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), unique=True
    )
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    audience_kind: Mapped[str] = mapped_column(String(16))
    audience_value: Mapped[str] = mapped_column(String(120), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    publish_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    comments_enabled: Mapped[bool] = mapped_column(default=True)
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnnouncementRecipient(db.Model):
    """One addressee of a published announcement, and when they marked it read."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (Index("ix_announcement_recipients_user_id", "user_id", "announcement_id"),)

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    acknowledged_at: Mapped[datetime | None]
