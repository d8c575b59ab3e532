"""Company roles: who is an administrator or a community manager, and the rights that
follow from the role alone."""

from __future__ import annotations

from ..models import Role, User

MODERATOR_ROLES = frozenset({Role.COMMUNITY_MANAGER.value, Role.ADMIN.value})


def is_admin(user: User) -> bool:
    return user.active and user.role == Role.ADMIN.value


def is_moderator(user: User) -> bool:
    return user.active and user.role in MODERATOR_ROLES


def can_mark_official(user: User) -> bool:
    return is_moderator(user)


def can_manage_users(user: User) -> bool:
    return is_admin(user)


def can_read_analytics(user: User) -> bool:
    return is_moderator(user)


def can_feature(user: User) -> bool:
    return is_moderator(user)
