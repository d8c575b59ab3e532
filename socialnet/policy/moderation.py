"""Moderation: who reviews which cases, takes which actions, pins and features."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select

from ..extensions import db
from ..models import GroupMembership, ModerationCase, Post, User
from .groups import administered_group_ids, group_admin_rows, is_group_admin
from .roles import is_moderator, moderators_filter

#: Case actions a group admin may take on cases of their group; the others (account-wide
#: sanctions, moving a post elsewhere) are for community managers and admins.
GROUP_ADMIN_CASE_ACTIONS = frozenset(
    {"dismiss", "approve", "hide", "restore", "delete", "warn", "lock"}
)


def cases_visible_filter(user: User) -> ColumnElement[bool]:
    """Cases ``user`` may see in the review queue: all for community managers and admins,
    those of their groups for group admins, none for anyone else."""
    if not user.active:
        return ModerationCase.id.is_(None)
    if is_moderator(user):
        return ModerationCase.id.is_not(None)
    return ModerationCase.group_id.in_(administered_group_ids(user))


def can_moderate_group(user: User, group_id: int | None) -> bool:
    """Community managers moderate everything; group admins their group's content."""
    if is_moderator(user):
        return True
    return group_id is not None and is_group_admin(user, group_id)


def can_take_case_action(user: User, case_group_id: int | None, action: str) -> bool:
    if is_moderator(user):
        return True
    return can_moderate_group(user, case_group_id) and action in GROUP_ADMIN_CASE_ACTIONS


def can_pin(user: User, post: Post, scope: str) -> bool:
    """Community managers pin to the company feed or a group; group admins in their group."""
    if scope == "company":
        return is_moderator(user)
    return post.group_id is not None and can_moderate_group(user, post.group_id)


def can_open_queue(user: User) -> bool:
    """Community managers, admins and group admins open the review queue."""
    if is_moderator(user):
        return True
    return user.active and db.session.scalar(administered_group_ids(user).limit(1)) is not None


@dataclass(frozen=True)
class ModerationReach:
    """What one person may moderate, loaded once (:func:`moderation_reach`), to decide for
    every post of a page without a query each: the batched twin of :func:`can_pin`,
    :func:`~.roles.can_feature` and :func:`can_open_queue`."""

    moderator: bool = False
    admin_groups: frozenset[int] = frozenset()

    @property
    def can_open_queue(self) -> bool:
        return self.moderator or bool(self.admin_groups)

    def can_pin(self, group_id: int | None) -> bool:
        """May pin a post of ``group_id`` (None: the company space) in its space."""
        return self.moderator or (group_id is not None and group_id in self.admin_groups)

    @property
    def can_feature(self) -> bool:
        return self.moderator


def moderation_reach(user: User | None) -> ModerationReach:
    """``user``'s :class:`ModerationReach` (None: signed out): one query at most."""
    if user is None or not user.active:
        return ModerationReach()
    if is_moderator(user):
        return ModerationReach(moderator=True)
    return ModerationReach(admin_groups=frozenset(db.session.scalars(administered_group_ids(user))))


def case_moderator_ids(group_id: int | None) -> Select:
    """SQL SELECT of who moderates a case of ``group_id`` (None: not a group's): active
    community managers and admins, and the group's active admins."""
    query = select(User.id).where(moderators_filter())
    if group_id is None:
        return query
    return query.union(
        select(GroupMembership.user_id)
        .join(User, User.id == GroupMembership.user_id)
        .where(GroupMembership.group_id == group_id, group_admin_rows(), User.active.is_(True))
    )
