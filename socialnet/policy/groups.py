"""Groups: who may know a group exists, read it, post in it, manage it."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select

from ..extensions import db
from ..models import Group, GroupMembership, GroupVisibility, Post, User
from .guests import is_guest
from .roles import is_admin

#: The roles of ``GroupMembership.role``.
GROUP_ADMIN, GROUP_MEMBER = "admin", "member"
GROUP_ROLES = (GROUP_MEMBER, GROUP_ADMIN)


def is_group_admin_role(role: str | None) -> bool:
    """A membership ``role`` (stored, or about to be given) is a group admin's."""
    return role == GROUP_ADMIN


def group_admin_rows() -> ColumnElement[bool]:
    """SQL condition on ``GroupMembership``: the row of one of the group's admins."""
    return GroupMembership.role == GROUP_ADMIN


def is_public_group(group: Group) -> bool:
    """Anyone reads a public group and joins it at once."""
    return group.visibility == GroupVisibility.PUBLIC.value


def is_secret_group(group: Group) -> bool:
    """A secret group's existence is known to its members only (invitation only)."""
    return group.visibility == GroupVisibility.SECRET.value


def visibility_narrows(old: str, new: str) -> bool:
    """Going from ``old`` to ``new`` takes the content away from non-members."""
    return old == GroupVisibility.PUBLIC.value and new != GroupVisibility.PUBLIC.value


def member_group_ids(user: User):
    """SQL subquery of the ids of the groups ``user`` belongs to."""
    return select(GroupMembership.group_id).where(GroupMembership.user_id == user.id)


def public_group_ids():
    """SQL subquery of the public groups (anyone reads them and joins them at once)."""
    return select(Group.id).where(Group.visibility == GroupVisibility.PUBLIC.value)


def readable_group_ids(user: User):
    """SQL subquery of the groups whose content ``user`` may read: public ones and their own
    (a guest's own only)."""
    if is_guest(user):
        return member_group_ids(user)
    return public_group_ids().union_all(member_group_ids(user))  # IN needs no de-duplication


def visible_groups_filter(user: User) -> ColumnElement[bool]:
    """Groups whose existence ``user`` may know: all but the secret ones they are not in
    (a guest: their own only)."""
    if is_guest(user):
        return Group.id.in_(member_group_ids(user))
    return or_(
        Group.visibility != GroupVisibility.SECRET.value, Group.id.in_(member_group_ids(user))
    )


def mentionable_groups_filter(author: User, within_group_id: int | None) -> ColumnElement[bool]:
    """Groups whose ``@handle`` becomes a link in ``author``'s text posted in
    ``within_group_id`` (None: the company space): the groups whose content the author may
    read (public ones, their own; a guest's own only), and a secret group only in its own
    content, so that its id never reaches a reader who may not know it exists. Any other
    ``@handle`` stays text, and the composer calls it unknown."""
    return and_(
        Group.id.in_(readable_group_ids(author)),
        or_(Group.visibility != GroupVisibility.SECRET.value, Group.id == within_group_id),
    )


def may_notify_group(author: User, group_id: int) -> bool:
    """Whether ``author``'s mention of a group notifies its members: when they belong to it
    (its members and admins alike). Anyone else's mention of it still links, silently: a
    whole group is not paged by someone outside it."""
    return author.active and is_group_member(author, group_id)


def can_see_group(user: User, group: Group | None) -> bool:
    """May ``user`` know that ``group`` exists? (A secret group is a 404 to outsiders.)"""
    if group is None or not user.active:
        return False
    if is_guest(user):
        return is_group_member(user, group.id)
    return group.visibility != GroupVisibility.SECRET.value or is_group_member(user, group.id)


def group_role(user: User, group_id: int) -> str | None:
    """``"admin"``, ``"member"`` or None."""

    membership = db.session.get(GroupMembership, (group_id, user.id))
    return membership.role if membership else None


def is_group_admin(user: User, group_id: int) -> bool:
    return user.active and is_group_admin_role(group_role(user, group_id))


def can_create_group(user: User, allowed_roles: Collection[str]) -> bool:
    """Anyone active creates groups, unless the company limits it to ``allowed_roles``
    (the ``GROUP_CREATION_ROLES`` setting; empty: no limit). Never a guest."""
    return user.active and not is_guest(user) and (not allowed_roles or user.role in allowed_roles)


def can_manage_group(user: User, group: Group) -> bool:
    """Group admins manage their group; company admins any group they may see."""
    return user.active and (
        is_group_admin(user, group.id) or (is_admin(user) and can_see_group(user, group))
    )


def can_read_group(user: User, group_id: int) -> bool:

    group = db.session.get(Group, group_id)
    if group is None:
        return False
    if group.visibility == GroupVisibility.PUBLIC.value and not is_guest(user):
        return True
    return is_group_member(user, group_id)


def is_group_member(user: User, group_id: int) -> bool:

    return db.session.get(GroupMembership, (group_id, user.id)) is not None


def readers_among(user_ids: list[int], group_id: int | None) -> list[int]:
    """The people of ``user_ids`` who may read content of ``group_id`` (None: the company).

    Used to record mentions: naming someone in a private group must not give
    them (or a notification built from the mention) a way into the group.
    """

    if not user_ids:
        return user_ids
    if group_id is None:  # the company space: every employee, no guest
        guests = _guests_among(user_ids)  # once, not once per person named
        return [uid for uid in user_ids if uid not in guests]
    group = db.session.get(Group, group_id)
    if group is None:
        return []
    members = set(
        db.session.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group_id, GroupMembership.user_id.in_(user_ids)
            )
        )
    )
    if group.visibility == GroupVisibility.PUBLIC.value:  # everyone but outside guests
        guests = _guests_among(user_ids)
        return [uid for uid in user_ids if uid in members or uid not in guests]
    return [uid for uid in user_ids if uid in members]


def _guests_among(user_ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            select(User.id).where(User.id.in_(user_ids), User.guest_company.is_not(None))
        )
    )


def can_post_in_group(user: User, group_id: int | None) -> bool:
    """Company posts: any active employee (not a guest). Group posts: members of a group
    not archived."""

    if not user.active:
        return False
    if group_id is None:
        return not is_guest(user)
    group = db.session.get(Group, group_id)
    return group is not None and not group.is_archived and is_group_member(user, group_id)


#: What a service answers (403) when :func:`is_read_only` refuses a change.
READ_ONLY_REFUSAL = _l("This group is archived: it is read-only.")


def is_read_only(post: Post) -> bool:
    """The post belongs to an archived group: no comments, edits or reactions any more."""

    if post.group_id is None:
        return False
    group = db.session.get(Group, post.group_id)
    return group is not None and group.is_archived


def administered_group_ids(user: User):
    """SQL subquery of the groups ``user`` is an admin of."""
    return select(GroupMembership.group_id).where(
        GroupMembership.user_id == user.id, group_admin_rows()
    )
