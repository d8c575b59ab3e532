"""Groups: thematic channels, local peer groups and communities, with members and admins.

``public`` groups are read and joined by anyone; ``private`` ones are listed but
their content is for members, and joining needs a group admin's approval;
``secret`` ones are unlisted and invitation-only (their existence is a 404 to
outsiders). Archived groups are read-only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from ..text_keys import KEY_WIDTH_FACTOR, truncated
from ._time import utcnow


class GroupVisibility(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    SECRET = "secret"


class Group(db.Model):
    __tablename__ = "groups"
    __table_args__ = (
        CheckConstraint("visibility IN ('public', 'private', 'secret')", name="visibility_known"),
        {"sqlite_autoincrement": True},  # a deleted group's id (and room) is never reused
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: :func:`~socialnet.text_keys.fold` of the name, to sort and search by. Not unique:
    #: a refused duplicate would reveal that a secret group of that name exists.
    name_key: Mapped[str] = mapped_column(
        String(120 * KEY_WIDTH_FACTOR), index=True, server_default=""
    )
    description: Mapped[str] = mapped_column(String(2000), default="")
    visibility: Mapped[str] = mapped_column(String(16), default=GroupVisibility.PUBLIC.value)
    is_official: Mapped[bool] = mapped_column(default=False)
    cover_color: Mapped[str] = mapped_column(String(7), default="#3b5bdb")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None]
    #: Every post waits for a group admin's approval before anyone else sees it.
    premoderated: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @validates("name")
    def _keep_key(self, _attribute: str, name: str) -> str:
        self.name_key = truncated(name, 120 * KEY_WIDTH_FACTOR)
        return name


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


class GroupJoinRequest(db.Model):
    """A pending request to join a private group; approving or declining removes it."""

    __tablename__ = "group_join_requests"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
