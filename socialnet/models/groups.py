"""Groups: thematic channels, local peer groups and communities, with members and admins.

``public`` groups are read and joined by anyone; ``private`` ones are listed but
their content is for members, and joining needs a group admin's approval;
``secret`` ones are unlisted and invitation-only (their existence is a 404 to
outsiders). Archived groups are read-only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..extensions import db
from ..text_keys import (
    HANDLE_MAX,
    KEY_WIDTH_FACTOR,
    fold,
    handle_slug,
    like_prefix,
    truncated,
    unique_handle,
)
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
    #: The group's ``@handle`` in posts and comments (``equipe-lyon``). ``handle_key``
    #: (its :func:`~socialnet.text_keys.fold`) is unique among groups by the database and
    #: differs from every person's ``handle_key`` (checked when it is set: a handle names
    #: one thing). Derived from the name when a group is inserted without one.
    handle: Mapped[str] = mapped_column(String(HANDLE_MAX), server_default="")
    handle_key: Mapped[str] = mapped_column(
        String(HANDLE_MAX * KEY_WIDTH_FACTOR), unique=True, index=True, server_default=""
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

    @validates("handle")
    def _keep_handle_key(self, _attribute: str, handle: str) -> str:
        self.handle_key = fold(handle or "")
        return handle


def taken_handle_keys(connection, base: str) -> set[str]:
    """The handle keys of people and groups that start like ``base``'s (one query each)."""
    from .users import User  # users import nothing of groups; kept local all the same

    starts = like_prefix(base)
    people = select(User.handle_key).where(User.handle_key.like(starts, escape="\\"))
    groups = select(Group.handle_key).where(Group.handle_key.like(starts, escape="\\"))
    return set(connection.scalars(people)) | set(connection.scalars(groups))


def derived_handle(connection, name: str) -> str:
    """A free handle from ``name`` (``equipe-lyon``, else ``equipe-lyon-2``…; ``group``
    when nothing of the name is ASCII)."""
    base = handle_slug(name) or "group"
    return unique_handle(base, taken_handle_keys(connection, base))


@event.listens_for(Group, "before_insert")
def _derive_handle(_mapper, connection, group: Group) -> None:
    """Every group has a handle, whoever creates it (the API, circles, correspondents,
    the demo): one derived from the name when none was given. Two groups of one name
    inserted at the same instant, or in one flush, can still meet on the unique index (an
    error, never a duplicate): callers flush each new group."""
    if not group.handle:
        group.handle = derived_handle(connection, group.name or "")


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
