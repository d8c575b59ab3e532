"""Membership: members and join requests, joining, inviting, approving, roles, leaving.

Each change moves open sockets in or out of the group's room right after the commit,
so a removed member stops receiving the group at once."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, delete, func, select, tuple_

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    Group,
    GroupJoinRequest,
    GroupMembership,
    NotificationType,
    User,
)
from ...pagination import decode_cursor, encode_cursor
from ...realtime.presence import (
    enter_room_for_users,
    leave_room_for_users,
)
from ...realtime.publisher import after_commit, publish
from ...serializers import user_summary
from ..guests.access import end_access_if_groupless
from ..notifications import do_notify
from ..validation import (
    check_known_fields,
    check_optional_id,
)
from .reading import (
    _announcement_rooms,
    _is_group_key,
    _room,
    access_group,
    access_readable_group,
    describe_public,
)


def list_members(
    user: User, group_id: int, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Members (admins first, then by name) of a group whose content ``user`` may read."""
    group = access_readable_group(user, group_id)
    rank = case((policy.group_admin_rows(), 0), else_=1)
    name_key = User.name_key
    stmt = (
        select(User, GroupMembership.role, rank, name_key)
        .join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == group.id)
        .order_by(rank, name_key, User.id)
        .limit(limit + 1)
    )
    scope = f"members:{group.id}"
    after = decode_cursor(scope, cursor, valid_key=_is_group_key)
    if after is not None:
        stmt = stmt.where(tuple_(rank, name_key, User.id) > tuple_(*after))
    rows = db.session.execute(stmt).all()
    next_cursor = None
    if len(rows) > limit:
        member, _role, last_rank, last_name = rows[limit - 1]
        next_cursor = encode_cursor(scope, [last_rank, last_name, member.id])
    items = [{**user_summary(m), "role": role} for m, role, _r, _n in rows[:limit]]
    return items, next_cursor


def list_join_requests(actor: User, group_id: int) -> list[dict[str, Any]]:
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's admins see its join requests."))
    rows = db.session.execute(
        select(User, GroupJoinRequest.created_at)
        .join(GroupJoinRequest, GroupJoinRequest.user_id == User.id)
        .where(GroupJoinRequest.group_id == group.id)
        .order_by(GroupJoinRequest.created_at)
    ).all()
    return [{"user": user_summary(u), "requested_at": at.isoformat() + "Z"} for u, at in rows]


def _add_member(group: Group, user_id: int, role: str = "member") -> GroupMembership:
    membership = GroupMembership(group_id=group.id, user_id=user_id, role=role)
    db.session.add(membership)
    db.session.execute(
        delete(GroupJoinRequest).where(
            GroupJoinRequest.group_id == group.id, GroupJoinRequest.user_id == user_id
        )
    )
    db.session.flush()
    member = db.session.get(User, user_id)
    publish(
        "member.joined",
        {"group_id": group.id, "user": user_summary(member), "role": role},
        room=_room(group.id),
    )
    room = _room(group.id)
    after_commit(lambda: enter_room_for_users([user_id], room), before_emits=True)
    return membership


def do_join(user: User, group_id: int) -> str:
    """Join a public group (``"joined"``) or ask to join a private one (``"requested"``).

    :raise NotFound: a secret group (invitation only, and its existence is not revealed).
    :raise Conflict: already a member, or the group is archived.
    """
    group = db.session.get(Group, group_id)
    if group is not None and not policy.can_see_group(user, group):  # a guest: their groups
        group = None
    if group is None or policy.is_secret_group(group):
        if group is not None and policy.is_group_member(user, group.id):
            raise Conflict(_("You are already a member of this group."))
        raise NotFound(_("No such group."))
    if policy.is_group_member(user, group.id):
        raise Conflict(_("You are already a member of this group."))
    if group.is_archived:
        raise Conflict(_("This group is archived: nobody can join it."))
    if policy.is_public_group(group):
        _add_member(group, user.id)
        return "joined"
    if db.session.get(GroupJoinRequest, (group.id, user.id)) is None:
        db.session.add(GroupJoinRequest(group_id=group.id, user_id=user.id))
        db.session.flush()
        admins = db.session.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group.id, policy.group_admin_rows()
            )
        ).all()
        do_notify(admins, "join_requested", actor=user, group=group)
    return "requested"


def _check_target_user(user_id: Any) -> User:
    user_id = check_optional_id(user_id, "user_id")
    target = db.session.get(User, user_id) if user_id else None
    if target is None or not target.active:
        raise ValidationFailed(_("user_id names no active person."), fields={"user_id": "unknown"})
    return target


def do_add_member(actor: User, group_id: int, data: Any) -> User:
    """A group admin adds someone directly; they are told "X added you to Y" (``added``)."""
    data = check_known_fields(data, {"user_id", "role"})
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's admins can add members."))
    if group.is_archived:
        raise Conflict(_("This group is archived."))
    target = _check_target_user(data.get("user_id"))
    role = data.get("role", policy.GROUP_MEMBER)
    if role not in policy.GROUP_ROLES:
        raise ValidationFailed(_("role must be member or admin."), fields={"role": "unknown"})
    if policy.is_group_member(target, group.id):
        raise Conflict(_("This person is already a member."))
    if policy.is_guest(target):
        check_guest_may_join(actor, group, target, role)
    _add_member(group, target.id, role)
    do_notify([target.id], NotificationType.ADDED, actor=actor, group=group)
    return target


def check_guest_may_join(actor: User, group: Group, guest: User, role: str) -> None:
    """A guest joins a group only as a member, by someone who may invite guests into it
    (:func:`policy.can_invite_guest_to`); joining gives back access that ended when they
    left their last group (an expired one stays expired)."""
    if policy.is_group_admin_role(role):
        raise ValidationFailed(
            _("A guest cannot be a group admin."), fields={"role": "guest_admin"}
        )
    if not policy.can_invite_guest_to(actor, group):
        raise Forbidden(_("Only this group's admins can bring guests into a secret group."))
    guest.guest_ended_at = None


def _admin_count(group_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(GroupMembership.group_id == group_id, policy.group_admin_rows())
    )


def do_remove_member(actor: User, group_id: int, user_id: int) -> None:
    """Leave (oneself) or remove a member (group admins).

    The last admin cannot leave before handing over (409). Takes effect at
    once: the member's open sockets leave the group's room after the commit.
    """
    group = access_group(actor, group_id)
    membership = db.session.get(GroupMembership, (group.id, user_id))
    if user_id != actor.id and not policy.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's admins can remove members."))
    if membership is None:
        raise NotFound(_("This person is not a member of the group."))
    if policy.is_group_admin_role(membership.role) and _admin_count(group.id) == 1:
        raise Conflict(_("The last admin cannot leave: make someone else an admin first."))
    db.session.delete(membership)
    db.session.flush()
    publish("member.left", {"group_id": group.id, "user_id": user_id}, room=_room(group.id))
    rooms = [_room(group.id)]
    if not policy.is_public_group(group):
        # Announcements they received in a public group stay theirs to read; in a
        # private or secret group, nothing of it reaches them any more.
        rooms += _announcement_rooms(group.id)
    after_commit(lambda: [leave_room_for_users([user_id], room) for room in rooms])
    end_access_if_groupless(db.session.get(User, user_id))


def do_set_member_role(actor: User, group_id: int, user_id: int, data: Any) -> None:
    """Promote or demote a member (group admins); the last admin cannot step down."""
    data = check_known_fields(data, {"role"})
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's admins can change roles."))
    role = data.get("role")
    if role not in policy.GROUP_ROLES:
        raise ValidationFailed(_("role must be member or admin."), fields={"role": "unknown"})
    membership = db.session.get(GroupMembership, (group.id, user_id))
    if membership is None:
        raise NotFound(_("This person is not a member of the group."))
    if policy.is_group_admin_role(role) and policy.is_guest(db.session.get(User, user_id)):
        raise ValidationFailed(
            _("A guest cannot be a group admin."), fields={"role": "guest_admin"}
        )
    demoted = policy.is_group_admin_role(membership.role) and not policy.is_group_admin_role(role)
    if demoted and _admin_count(group.id) == 1:
        raise Conflict(_("The last admin cannot step down: make someone else an admin first."))
    membership.role = role
    db.session.flush()
    publish("group.updated", describe_public(group), room=_room(group.id))


def do_decide_request(actor: User, group_id: int, user_id: int, approve: bool) -> str:
    """Approve or decline a join request (group admins, never one's own request)."""
    group = access_group(actor, group_id)
    if user_id == actor.id:
        raise Forbidden(_("You cannot decide on your own join request."))
    if not policy.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's admins can decide on join requests."))
    request = db.session.get(GroupJoinRequest, (group.id, user_id))
    if request is None:
        raise NotFound(_("No pending request from this person."))
    if not approve:
        db.session.delete(request)
        db.session.flush()
        return "declined"
    requester = db.session.get(User, user_id)
    if requester is None or not requester.active:
        db.session.delete(request)
        db.session.flush()
        raise Conflict(_("This person's account is no longer active."))
    _add_member(group, user_id)
    do_notify([user_id], "request_approved", actor=actor, group=group)
    return "approved"
