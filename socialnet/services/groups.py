"""Groups: create and govern them, join, invite, approve, leave, and read their feed.

Visibility rules live in :mod:`socialnet.policy`; this module applies them.
Membership changes move open sockets in or out of the group's room right
after the commit, so a removed member stops receiving the group at once.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from sqlalchemy import case, delete, func, select, tuple_

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    Announcement,
    Group,
    GroupJoinRequest,
    GroupMembership,
    GroupVisibility,
    Post,
    User,
)
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor
from ..realtime.presence import (
    close_room_everywhere,
    enter_room_for_users,
    keep_only_users_in_room,
    leave_room_for_users,
)
from ..realtime.publisher import after_commit, publish
from ..serializers import group_dict, user_summary
from ..text_keys import like_anywhere
from . import audit
from . import screening as screening_gate
from .feed import page_of_posts
from .notifications import do_notify
from .validation import (
    check_filter_text,
    check_known_fields,
    check_optional_id,
    check_text,
)

VISIBILITIES = tuple(v.value for v in GroupVisibility)
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
CREATE_FIELDS = {"name", "description", "type", "cover_color", "official", "premoderated"}
#: Changes of these are written to the audit log (who, before, after).
AUDITED_FIELDS = ("visibility", "is_official", "archived_at", "premoderated", "name")
UPDATE_FIELDS = CREATE_FIELDS | {"archived"}


def _room(group_id: int) -> str:
    return f"group:{group_id}"


# -- reading -------------------------------------------------------------------------------


def access_group(user: User, group_id: int) -> Group:
    """The group if ``user`` may know it exists. :raise NotFound: missing or secret to them."""
    group = db.session.get(Group, group_id)
    if not policy.can_see_group(user, group):
        raise NotFound("No such group.")
    return group


def access_readable_group(user: User, group_id: int) -> Group:
    """The group if ``user`` may read its content.

    :raise NotFound: as :func:`access_group`. :raise Forbidden: a private group's
        outsider (its existence is public, its content is not).
    """
    group = access_group(user, group_id)
    if not policy.can_read_group(user, group.id):
        raise Forbidden("This group is private: ask to join to read it.")
    return group


def member_count(group_id: int) -> int:
    return db.session.scalar(select(func.count()).where(GroupMembership.group_id == group_id))


def describe(user: User, group: Group) -> dict[str, Any]:
    """The group as ``user`` sees it: with their role and whether they asked to join."""
    pending = db.session.get(GroupJoinRequest, (group.id, user.id)) is not None
    return group_dict(
        group,
        member_count=member_count(group.id),
        my_role=policy.group_role(user, group.id),
        request_pending=pending,
    )


def _is_group_key(key: Any) -> bool:
    return (
        isinstance(key, list)
        and len(key) == 3
        and key[0] in (0, 1)
        and isinstance(key[1], str)
        and isinstance(key[2], int)
        and not isinstance(key[2], bool)
    )


def list_groups(
    user: User, *, query: str | None, mine: bool, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Groups ``user`` may know of, official first, then by name; ``mine``: theirs only."""
    query = check_filter_text(query, "q", max_len=100)
    rank = case((Group.is_official.is_(True), 0), else_=1)
    name_key = Group.name_key
    stmt = (
        select(Group, rank, name_key)
        .where(policy.visible_groups_filter(user))
        .order_by(rank, name_key, Group.id)
        .limit(limit + 1)
    )
    if mine:
        stmt = stmt.where(Group.id.in_(policy.member_group_ids(user)))
    if query:
        stmt = stmt.where(name_key.like(like_anywhere(query), escape="\\"))
    scope = f"groups:{int(mine)}:{query or ''}"
    after = decode_cursor(scope, cursor, valid_key=_is_group_key)
    if after is not None:
        stmt = stmt.where(tuple_(rank, name_key, Group.id) > tuple_(*after))
    rows = db.session.execute(stmt).all()
    next_cursor = None
    if len(rows) > limit:
        group, last_rank, last_name = rows[limit - 1]
        next_cursor = encode_cursor(scope, [last_rank, last_name, group.id])
    groups = [row[0] for row in rows[:limit]]
    return _describe_many(user, groups), next_cursor


def _describe_many(user: User, groups: list[Group]) -> list[dict[str, Any]]:
    """Like :func:`describe` for a page of groups, in three queries."""
    ids = [g.id for g in groups]
    if not ids:
        return []
    counts = dict(
        db.session.execute(
            select(GroupMembership.group_id, func.count())
            .where(GroupMembership.group_id.in_(ids))
            .group_by(GroupMembership.group_id)
        ).all()
    )
    roles = dict(
        db.session.execute(
            select(GroupMembership.group_id, GroupMembership.role).where(
                GroupMembership.user_id == user.id, GroupMembership.group_id.in_(ids)
            )
        ).all()
    )
    pending = set(
        db.session.scalars(
            select(GroupJoinRequest.group_id).where(
                GroupJoinRequest.user_id == user.id, GroupJoinRequest.group_id.in_(ids)
            )
        )
    )
    return [
        group_dict(
            g,
            member_count=counts.get(g.id, 0),
            my_role=roles.get(g.id),
            request_pending=g.id in pending,
        )
        for g in groups
    ]


def group_feed(
    user: User, group_id: int, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The group's posts ``user`` may see, newest first (the group's own index drives it)."""
    group = access_readable_group(user, group_id)
    condition = policy.visible_posts_filter(user) & (Post.group_id == group.id)
    return page_of_posts(user, f"group:{group.id}", condition, cursor, limit)


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
        raise Forbidden("Only the group's admins see its join requests.")
    rows = db.session.execute(
        select(User, GroupJoinRequest.created_at)
        .join(GroupJoinRequest, GroupJoinRequest.user_id == User.id)
        .where(GroupJoinRequest.group_id == group.id)
        .order_by(GroupJoinRequest.created_at)
    ).all()
    return [{"user": user_summary(u), "requested_at": at.isoformat() + "Z"} for u, at in rows]


# -- creating and governing ----------------------------------------------------------------


def _check_type(value: Any) -> str:
    if value not in VISIBILITIES:
        raise ValidationFailed(
            "type must be public, private or secret.", fields={"type": "unknown"}
        )
    return value


def _check_color(value: Any) -> str:
    if not isinstance(value, str) or not COLOR_RE.match(value):
        raise ValidationFailed(
            "cover_color must be a colour like #3b5bdb.", fields={"cover_color": "invalid"}
        )
    return value.lower()


def _check_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(f"{field} must be true or false.", fields={field: "not_bool"})
    return value


def check_may_create_group(user: User) -> None:
    if not policy.can_create_group(user, current_app.config.get("GROUP_CREATION_ROLES") or ()):
        raise Forbidden("Group creation is limited to some roles in this company.")


def do_create_group(user: User, data: Any) -> Group:
    """Create a group; its creator is its first admin."""
    check_may_create_group(user)
    data = check_known_fields(data, CREATE_FIELDS)
    screening = screening_gate.check_writing(
        user,
        {
            "name": check_text(data.get("name"), "name", max_len=120),
            "description": check_text(
                data.get("description"),
                "description",
                max_len=2000,
                required=False,
                multiline=True,
            ),
        },
    )
    group = Group(
        name=screening.texts["name"],
        description=screening.texts.get("description", ""),
        visibility=_check_type(data.get("type", "public")),
        created_by_id=user.id,
    )
    if data.get("premoderated") is not None:
        group.premoderated = _check_bool(data["premoderated"], "premoderated")
    if "cover_color" in data:
        group.cover_color = _check_color(data["cover_color"])
    if data.get("official") is not None and _check_bool(data["official"], "official"):
        if not policy.can_mark_official(user):
            raise Forbidden("Only community managers can mark a group official.")
        group.is_official = True
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMembership(group_id=group.id, user_id=user.id, role="admin"))
    db.session.flush()
    screening_gate.settle_group(group, screening)
    if group.is_official or not policy.is_public_group(group):
        audit.record(user, "group.created", "group", group.id, after=_audited(group))
    user_id, group_id = user.id, group.id
    after_commit(lambda: enter_room_for_users([user_id], _room(group_id)), before_emits=True)
    return group


def _apply_texts(actor: User, group: Group, data: dict[str, Any]) -> None:
    """New name and description, through the watched words."""
    texts = {}
    if "name" in data:
        texts["name"] = check_text(data["name"], "name", max_len=120)
    if "description" in data:
        texts["description"] = check_text(
            data["description"], "description", max_len=2000, required=False, multiline=True
        )
    if texts:
        screening = screening_gate.check_writing(actor, texts)
        for field, value in screening.texts.items():
            setattr(group, field, value)
        screening_gate.settle_group(group, screening)


def _apply_update(actor: User, group: Group, data: dict[str, Any]) -> bool:
    """Apply ``data`` to ``group``; True when its visibility became more restrictive."""
    manager_only = set(data) - {"official"}
    if (manager_only or not data) and not policy.can_manage_group(actor, group):
        raise Forbidden("Only the group's admins can change it.")
    if "official" in data:
        if not policy.can_mark_official(actor):
            raise Forbidden("Only community managers can mark a group official.")
        group.is_official = _check_bool(data["official"], "official")
    _apply_texts(actor, group, data)
    if "premoderated" in data:
        group.premoderated = _check_bool(data["premoderated"], "premoderated")
    if "cover_color" in data:
        group.cover_color = _check_color(data["cover_color"])
    if "archived" in data:
        group.archived_at = utcnow() if _check_bool(data["archived"], "archived") else None
    narrowed = False
    if "type" in data:
        new_type = _check_type(data["type"])
        narrowed = policy.visibility_narrows(group.visibility, new_type)
        group.visibility = new_type
    return narrowed


def do_update_group(actor: User, group_id: int, data: Any) -> Group:
    """Change a group (its admins; ``official``: community managers).

    Turning a public group private or secret takes effect at once: outsiders'
    sockets leave its room right after the commit.
    """
    data = check_known_fields(data, UPDATE_FIELDS)
    group = access_group(actor, group_id)
    before = _audited(group)
    narrowed = _apply_update(actor, group, data)
    db.session.flush()
    after = _audited(group)
    if before != after:
        changed = [k for k in AUDITED_FIELDS if before[k] != after[k]]
        audit.record(
            actor,
            "group.updated",
            "group",
            group.id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    publish("group.updated", describe_public(group), room=_room(group.id))
    if narrowed:
        members = set(
            db.session.scalars(
                select(GroupMembership.user_id).where(GroupMembership.group_id == group.id)
            )
        )
        rooms = [_room(group.id), *_announcement_rooms(group.id)]
        after_commit(lambda: [keep_only_users_in_room(members, room) for room in rooms])
    return group


def _audited(group: Group) -> dict[str, Any]:
    return {field: getattr(group, field) for field in AUDITED_FIELDS}


def _announcement_rooms(group_id: int) -> list[str]:
    """The rooms of the group's published announcements (their recipients listen there)."""
    ids = db.session.scalars(
        select(Announcement.id).where(
            Announcement.group_id == group_id, Announcement.published_at.is_not(None)
        )
    )
    return [f"announcement:{aid}" for aid in ids]


def describe_public(group: Group) -> dict[str, Any]:
    """The group without viewer-specific fields (for broadcast events)."""
    return group_dict(group, member_count=member_count(group.id), include_viewer=False)


def do_delete_group(actor: User, group_id: int) -> None:
    """Delete a group and its content (its admins, company admins). Not undoable."""
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden("Only the group's admins can delete it.")
    # Everyone leaves: members, outside readers of a public group, announcement listeners.
    rooms = [_room(group.id), *_announcement_rooms(group.id)]
    db.session.delete(group)  # its posts, events, announcements… go with it (ON DELETE CASCADE)
    db.session.flush()
    after_commit(lambda: [close_room_everywhere(room) for room in rooms])


# -- membership ----------------------------------------------------------------------------


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
    if group is None or policy.is_secret_group(group):
        if group is not None and policy.is_group_member(user, group.id):
            raise Conflict("You are already a member of this group.")
        raise NotFound("No such group.")
    if policy.is_group_member(user, group.id):
        raise Conflict("You are already a member of this group.")
    if group.is_archived:
        raise Conflict("This group is archived: nobody can join it.")
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
        raise ValidationFailed("user_id names no active person.", fields={"user_id": "unknown"})
    return target


def do_add_member(actor: User, group_id: int, data: Any) -> User:
    """A group admin adds (invites) someone directly; they are notified."""
    data = check_known_fields(data, {"user_id", "role"})
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden("Only the group's admins can add members.")
    if group.is_archived:
        raise Conflict("This group is archived.")
    target = _check_target_user(data.get("user_id"))
    role = data.get("role", policy.GROUP_MEMBER)
    if role not in policy.GROUP_ROLES:
        raise ValidationFailed("role must be member or admin.", fields={"role": "unknown"})
    if policy.is_group_member(target, group.id):
        raise Conflict("This person is already a member.")
    _add_member(group, target.id, role)
    do_notify([target.id], "invited", actor=actor, group=group)
    return target


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
        raise Forbidden("Only the group's admins can remove members.")
    if membership is None:
        raise NotFound("This person is not a member of the group.")
    if policy.is_group_admin_role(membership.role) and _admin_count(group.id) == 1:
        raise Conflict("The last admin cannot leave: make someone else an admin first.")
    db.session.delete(membership)
    db.session.flush()
    publish("member.left", {"group_id": group.id, "user_id": user_id}, room=_room(group.id))
    rooms = [_room(group.id)]
    if not policy.is_public_group(group):
        # Announcements they received in a public group stay theirs to read; in a
        # private or secret group, nothing of it reaches them any more.
        rooms += _announcement_rooms(group.id)
    after_commit(lambda: [leave_room_for_users([user_id], room) for room in rooms])


def do_set_member_role(actor: User, group_id: int, user_id: int, data: Any) -> None:
    """Promote or demote a member (group admins); the last admin cannot step down."""
    data = check_known_fields(data, {"role"})
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden("Only the group's admins can change roles.")
    role = data.get("role")
    if role not in policy.GROUP_ROLES:
        raise ValidationFailed("role must be member or admin.", fields={"role": "unknown"})
    membership = db.session.get(GroupMembership, (group.id, user_id))
    if membership is None:
        raise NotFound("This person is not a member of the group.")
    demoted = policy.is_group_admin_role(membership.role) and not policy.is_group_admin_role(role)
    if demoted and _admin_count(group.id) == 1:
        raise Conflict("The last admin cannot step down: make someone else an admin first.")
    membership.role = role
    db.session.flush()
    publish("group.updated", describe_public(group), room=_room(group.id))


def do_decide_request(actor: User, group_id: int, user_id: int, approve: bool) -> str:
    """Approve or decline a join request (group admins, never one's own request)."""
    group = access_group(actor, group_id)
    if user_id == actor.id:
        raise Forbidden("You cannot decide on your own join request.")
    if not policy.can_manage_group(actor, group):
        raise Forbidden("Only the group's admins can decide on join requests.")
    request = db.session.get(GroupJoinRequest, (group.id, user_id))
    if request is None:
        raise NotFound("No pending request from this person.")
    if not approve:
        db.session.delete(request)
        db.session.flush()
        return "declined"
    requester = db.session.get(User, user_id)
    if requester is None or not requester.active:
        db.session.delete(request)
        db.session.flush()
        raise Conflict("This person's account is no longer active.")
    _add_member(group, user_id)
    do_notify([user_id], "request_approved", actor=actor, group=group)
    return "approved"
