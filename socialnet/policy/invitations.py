"""Who invites guests into which groups, and who manages a guest's access."""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select

from ..extensions import db
from ..models import Group, GroupMembership, GroupVisibility, User
from .groups import administered_group_ids, is_group_admin, is_secret_group
from .guests import is_guest
from .roles import is_admin


def can_invite_guests(user: User) -> bool:
    """Admins, and group admins (the "Invite guests" page). Never a guest."""
    if not user.active or is_guest(user):
        return False
    return is_admin(user) or db.session.scalar(administered_group_ids(user).limit(1)) is not None


def can_invite_guest_to(user: User, group: Group) -> bool:
    """Admins invite into any group but a secret one; a group's admins into their group.
    Only its own admins invite anyone into a secret group (company admins included)."""
    if not user.active or is_guest(user):
        return False
    if is_group_admin(user, group.id):
        return True
    return is_admin(user) and not is_secret_group(group)


def invitable_groups_filter(user: User):
    """SQL condition on ``Group``: the groups ``user`` may invite guests into (the
    invitation form's list, as :func:`can_invite_guest_to` decides), archived ones aside."""
    if not user.active or is_guest(user):
        return false()
    theirs = Group.id.in_(administered_group_ids(user))
    if is_admin(user):
        theirs = or_(theirs, Group.visibility != GroupVisibility.SECRET.value)
    return and_(theirs, Group.archived_at.is_(None))


def can_manage_guest(user: User, guest: User) -> bool:
    """Renew or end a guest's access: admins, and the admins of one of the guest's groups."""
    if not user.active or is_guest(user) or not is_guest(guest):
        return False
    if is_admin(user):
        return True
    shared = select(GroupMembership.group_id).where(
        GroupMembership.user_id == guest.id,
        GroupMembership.group_id.in_(administered_group_ids(user)),
    )
    return db.session.scalar(shared.limit(1)) is not None


def managed_guests_filter(user: User):
    """SQL condition on ``User``: the guests ``user`` manages (:func:`can_manage_guest`)."""
    guests = User.guest_company.is_not(None)
    if is_admin(user):
        return guests
    in_their_groups = select(GroupMembership.user_id).where(
        GroupMembership.group_id.in_(administered_group_ids(user))
    )
    return guests & User.id.in_(in_their_groups)
