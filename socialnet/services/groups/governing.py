"""Creating, changing and deleting groups (their admins and community managers)."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Forbidden, ValidationFailed
from ...extensions import db
from ...markup import MENTION_RE
from ...models import (
    Group,
    GroupMembership,
    GroupVisibility,
    User,
)
from ...models._time import utcnow
from ...realtime.presence import (
    close_room_everywhere,
    enter_room_for_users,
    keep_only_users_in_room,
)
from ...realtime.publisher import after_commit, publish
from ...text_keys import fold
from .. import audit
from .. import screening as screening_gate
from ..guests.access import end_access_if_groupless
from ..validation import (
    check_known_fields,
    check_text,
)
from .reading import _announcement_rooms, _room, access_group, describe_public

VISIBILITIES = tuple(v.value for v in GroupVisibility)
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
CREATE_FIELDS = {
    "name", "handle", "description", "type", "cover_color", "official", "premoderated",
}  # fmt: skip
#: Changes of these are written to the audit log (who, before, after).
AUDITED_FIELDS = ("visibility", "is_official", "archived_at", "premoderated", "name", "handle")
UPDATE_FIELDS = CREATE_FIELDS | {"archived"}


def _check_type(value: Any) -> str:
    if value not in VISIBILITIES:
        raise ValidationFailed(
            _("type must be public, private or secret."), fields={"type": "unknown"}
        )
    return value


def _check_color(value: Any) -> str:
    if not isinstance(value, str) or not COLOR_RE.match(value):
        raise ValidationFailed(
            _("cover_color must be a colour like #3b5bdb."), fields={"cover_color": "invalid"}
        )
    return value.lower()


def check_handle(value: Any, group: Group | None = None) -> str:
    """A group's new ``@handle``: a handle as ``markup.MENTION_RE`` reads one, whole, whose
    key no person and no other group has (a handle names one thing).

    The refusal of a taken handle says only that it is taken, never by whom: a secret
    group's handle is not revealed.

    :raise ValidationFailed: ``fields.handle``: ``invalid`` or ``taken``.
    """
    if not isinstance(value, str) or not MENTION_RE.fullmatch("@" + value.strip().lstrip("@")):
        raise ValidationFailed(
            _(
                "A handle is 1 to 64 letters (a–z, no accents), digits, dots, dashes or"
                " underscores, starting and ending with a letter or digit."
            ),
            fields={"handle": "invalid"},
        )
    handle = value.strip().lstrip("@")
    key = fold(handle)
    person = select(User.id).where(User.handle_key == key)
    other = select(Group.id).where(Group.handle_key == key)
    if group is not None and group.id is not None:
        other = other.where(Group.id != group.id)
    if db.session.scalar(person.limit(1)) is not None or (
        db.session.scalar(other.limit(1)) is not None
    ):
        raise ValidationFailed(
            _("The handle @%(handle)s is taken: choose another.", handle=handle),
            fields={"handle": "taken"},
        )
    return handle


def _check_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed(
            _("%(name)s must be true or false.", name=field), fields={field: "not_bool"}
        )
    return value


def check_may_create_group(user: User) -> None:
    """Raise Forbidden, with the reason in the person's words, unless ``user`` may create
    a group (guests never; others as ``GROUP_CREATION_ROLES`` allows)."""
    if policy.is_guest(user):
        raise Forbidden(_("Guests cannot create groups."))
    if not policy.can_create_group(user, current_app.config.get("GROUP_CREATION_ROLES") or ()):
        raise Forbidden(_("Group creation is limited to some roles in this company."))


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
    if data.get("handle") not in (None, ""):
        group.handle = check_handle(data["handle"])
    if data.get("premoderated") is not None:
        group.premoderated = _check_bool(data["premoderated"], "premoderated")
    if "cover_color" in data:
        group.cover_color = _check_color(data["cover_color"])
    if data.get("official") is not None and _check_bool(data["official"], "official"):
        if not policy.can_mark_official(user):
            raise Forbidden(_("Only community managers can mark a group official."))
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
        raise Forbidden(_("Only the group's admins can change it."))
    if "official" in data:
        if not policy.can_mark_official(actor):
            raise Forbidden(_("Only community managers can mark a group official."))
        group.is_official = _check_bool(data["official"], "official")
    _apply_texts(actor, group, data)
    if "handle" in data and data["handle"] != group.handle:
        group.handle = check_handle(data["handle"], group)
    if "premoderated" in data:
        group.premoderated = _check_bool(data["premoderated"], "premoderated")
    if "cover_color" in data:
        group.cover_color = _check_color(data["cover_color"])
    if "archived" in data:
        group.archived_at = utcnow() if _check_bool(data["archived"], "archived") else None
    narrowed = False
    if "type" in data:
        new_type = _check_type(data["type"])
        if not policy.may_change_visibility(group, new_type):
            raise ValidationFailed(
                _("A peer-learning circle stays secret."), fields={"type": "circle"}
            )
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


def do_delete_group(actor: User, group_id: int) -> None:
    """Delete a group and its content (its admins, company admins). Not undoable."""
    group = access_group(actor, group_id)
    if not policy.can_manage_group(actor, group):
        raise Forbidden(_("Only the group's admins can delete it."))
    # Everyone leaves: members, outside readers of a public group, announcement listeners.
    rooms = [_room(group.id), *_announcement_rooms(group.id)]
    guests = db.session.scalars(
        select(User)
        .join(GroupMembership, GroupMembership.user_id == User.id)
        .where(GroupMembership.group_id == group.id, User.guest_company.is_not(None))
    ).all()
    db.session.delete(group)  # its posts, events, announcements… go with it (ON DELETE CASCADE)
    db.session.flush()
    for guest in guests:  # a guest whose last group this was loses access at once
        end_access_if_groupless(guest)
    after_commit(lambda: [close_room_everywhere(room) for room in rooms])
