"""Company roles: who is an administrator or a community manager, and the rights that
follow from the role alone."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select

from ..extensions import db
from ..models import Role, User
from .guests import is_guest

MODERATOR_ROLES = frozenset({Role.COMMUNITY_MANAGER.value, Role.ADMIN.value})


def is_admin_role(role: str) -> bool:
    """``role`` (a value about to be given) makes its holder an administrator."""
    return role == Role.ADMIN.value


def administrators_filter() -> ColumnElement[bool]:
    """SQL condition on ``User``: an active administrator."""
    return and_(User.active.is_(True), User.role == Role.ADMIN.value)


def moderators_filter() -> ColumnElement[bool]:
    """SQL condition on ``User``: an active community manager or administrator."""
    return and_(User.active.is_(True), User.role.in_(MODERATOR_ROLES))


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


def can_curate_topics(user: User) -> bool:
    """Describe a topic, merge one tag into another: community managers and admins."""
    return is_moderator(user)


def has_reports(user: User, *, active_only: bool = True) -> bool:
    """Someone (active, unless ``active_only`` is false) reports to ``user``: a manager in
    fact, whatever their role."""
    reports = select(User.id).where(User.manager_id == user.id)
    if active_only:
        reports = reports.where(User.active.is_(True))
    return db.session.scalar(reports.limit(1)) is not None


def can_take_role(person: User, role: str) -> bool:
    """A guest keeps a guest's rights: no company role is given to them (invite them as an
    employee instead)."""
    return not is_guest(person) or role == person.role


def can_sanction(actor: User, person: User) -> bool:
    """Community managers sanction employees; only administrators sanction community
    managers and administrators (active or not: the role is what is protected)."""
    return person.role not in MODERATOR_ROLES or is_admin(actor)


def can_celebrate_team(user: User) -> bool:
    """Managers (by role, or anyone with reports), community managers and admins."""
    if not user.active or is_guest(user):
        return False
    return is_moderator(user) or user.role == Role.MANAGER.value or has_reports(user)
