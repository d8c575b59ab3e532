"""The editorial calendar (issue #18): what the communication team plans to publish,
who writes it, for whom and when."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

EDITORIAL_STATUSES: tuple[str, ...] = (
    "idea",
    "assigned",
    "draft",
    "scheduled",
    "published",
    "dropped",
)
EDITORIAL_TARGETS: tuple[str, ...] = ("company", "site", "department", "group")
CORRESPONDENT_SCOPES: tuple[str, ...] = ("site", "department")
#: What a draft may be: a post, a poll, an event or kudos (written by the assignee, kept
#: unpublished).
DRAFT_KINDS: tuple[str, ...] = ("post", "poll", "event", "kudos")


class EditorialItem(db.Model):
    """One planned piece: ``idea`` → ``assigned`` (someone writes it) → ``draft`` →
    ``scheduled`` (``publish_at`` set) → ``published``; or ``dropped``."""

    __tablename__ = "editorial_items"
    __table_args__ = (
        CheckConstraint(
            "status IN ('idea', 'assigned', 'draft', 'scheduled', 'published', 'dropped')",
            name="status_known",
        ),
        CheckConstraint(
            "target_kind IN ('company', 'site', 'department', 'group')", name="target_known"
        ),
        Index("ix_editorial_items_publish_at", "publish_at"),
        Index("ix_editorial_items_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None]
    publish_at: Mapped[datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    target_kind: Mapped[str] = mapped_column(String(16), default="company")
    target_value: Mapped[str] = mapped_column(String(120), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="idea")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The item's draft: a real post kept in the ``draft`` moderation state (its author
    #: alone sees it in the feed), published by the job loop at ``publish_at``.
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )
    #: Set by the pass that claimed the publication (``UPDATE … WHERE published_at IS NULL``).
    published_at: Mapped[datetime | None]
    #: Set by the pass that sent the assignee's reminder before ``due_at`` (once).
    reminded_at: Mapped[datetime | None]


class Correspondent(db.Model):
    """A communication correspondent for one site or department, named by an administrator.
    One role per person (granting again moves it)."""

    __tablename__ = "correspondents"
    __table_args__ = (CheckConstraint("scope_kind IN ('site', 'department')", name="scope_known"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[str] = mapped_column(String(120))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class CorrespondentSpace(db.Model):
    """The group made for the correspondents on the first grant (one row, ``key`` fixed);
    its members follow the role."""

    __tablename__ = "correspondent_spaces"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))


class EditorialSummary(db.Model):
    """The weekly summary of late items sent to one community manager: the primary key
    makes it once per person per week (its Monday, company time)."""

    __tablename__ = "editorial_summaries"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    week_start: Mapped[date] = mapped_column(primary_key=True)
    late_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
