"""The editorial calendar (issue #18): what the communication team plans to publish,
who writes it, for whom and when."""

from __future__ import annotations

from datetime import datetime

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
