"""Groups: the audience a post can be addressed to (the groups issue builds on this)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class GroupVisibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    SECRET = "secret"


class Group(db.Model):
    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint("visibility IN ('public', 'private', 'secret')", name="visibility_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(2000), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=GroupVisibility.PUBLIC.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GroupMembership(db.Model):
    __tablename__ = "group_memberships"
    __table_args__ = (CheckConstraint("role IN ('member', 'admin')", name="role_known"),)

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="member")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
