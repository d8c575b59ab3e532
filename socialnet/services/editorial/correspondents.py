"""Correspondents: the people an administrator names to relay communication for one site
or department, and their space.

``do_grant`` gives (or moves) the role, ``do_revoke`` takes it back; both are for
administrators (``policy.can_grant_correspondent``). The first grant creates the
correspondents' private group (:class:`~socialnet.models.CorrespondentSpace`), with the
granting administrator as its admin; each grant adds the person to it and each revoke
removes them, so its members follow the role. Flushes, never commits.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    CORRESPONDENT_SCOPES,
    Correspondent,
    CorrespondentSpace,
    Group,
    GroupMembership,
    GroupVisibility,
    User,
)
from ...models._time import utcnow
from ...realtime.presence import leave_room_for_users
from ...realtime.publisher import after_commit, publish
from ...serializers import iso, user_summary
from ..audit import record
from ..groups.membership import _add_member
from ..groups.reading import _room
from ..validation import check_known_fields, check_text

SPACE_KEY = "correspondents"


def check_can_grant(user: User) -> None:
    """:raise Forbidden: not an administrator."""
    if not policy.can_grant_correspondent(user):
        raise Forbidden(_("Only administrators name correspondents."))


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.deleted_at is not None:
        raise NotFound(_("No such person."))
    return person


def _check_scope(data: Any) -> tuple[str, str]:
    data = check_known_fields(data, {"scope", "value"})
    scope = data.get("scope")
    if scope not in CORRESPONDENT_SCOPES:
        raise ValidationFailed(_("scope must be site or department."), fields={"scope": "invalid"})
    value = check_text(data.get("value"), "value", max_len=120)
    column = User.site if scope == "site" else User.department
    if db.session.scalar(select(User.id).where(column == value, User.active).limit(1)) is None:
        message = (
            _("Nobody works at the site %(value)s.", value=value)
            if scope == "site"
            else _("Nobody works in the department %(value)s.", value=value)
        )
        raise ValidationFailed(message, fields={"value": f"unknown_{scope}"})
    return scope, value


def space_group(actor: User | None = None) -> Group | None:
    """The correspondents' group; created (with ``actor`` as its admin) when missing and
    ``actor`` is given."""
    space = db.session.get(CorrespondentSpace, SPACE_KEY)
    if space is not None:
        return db.session.get(Group, space.group_id)
    if actor is None:
        return None
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        name = _("Communication correspondents")
        description = _("The space of the communication correspondents and the communication team.")
    group = Group(
        name=name,
        description=description,
        visibility=GroupVisibility.PRIVATE.value,
        created_by_id=actor.id,
    )
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMembership(group_id=group.id, user_id=actor.id, role="admin"))
    db.session.add(CorrespondentSpace(key=SPACE_KEY, group_id=group.id))
    db.session.flush()
    return group


def correspondent_dict(row: Correspondent, person: User) -> dict[str, Any]:
    """A correspondent: ``{"user", "scope", "value", "granted_at"}``."""
    return {
        "user": user_summary(person),
        "scope": row.scope_kind,
        "value": row.scope_value,
        "granted_at": iso(row.granted_at),
    }


def person_of(row: Correspondent) -> User:
    """The person holding ``row``."""
    return db.session.get(User, row.user_id)


def do_grant(actor: User, user_id: int, data: Any) -> Correspondent:
    """Make ``user_id`` the correspondent of ``{"scope": site|department, "value"}``
    (moving an existing role), and a member of the correspondents' space.

    :raise Forbidden: ``actor`` is not an administrator; the person is a guest or inactive.
    :raise NotFound: no such person.
    :raise ValidationFailed: a bad scope, or a site/department where nobody works.
    """
    check_can_grant(actor)
    person = _person(user_id)
    scope, value = _check_scope(data)
    if not policy.can_be_correspondent(person):
        raise Forbidden(_("Only active employees can be correspondents."))
    row = db.session.get(Correspondent, person.id)
    before = None if row is None else {"scope": row.scope_kind, "value": row.scope_value}
    if row is None:
        row = Correspondent(user_id=person.id)
        db.session.add(row)
    row.scope_kind, row.scope_value = scope, value
    row.granted_by_id, row.granted_at = actor.id, utcnow()
    db.session.flush()
    group = space_group(actor)
    if db.session.get(GroupMembership, (group.id, person.id)) is None:
        _add_member(group, person.id)
    record(
        actor,
        "correspondent.granted",
        "user",
        person.id,
        before=before,
        after={"scope": scope, "value": value},
    )
    return row


def do_revoke(actor: User, user_id: int) -> None:
    """Take the role back and the person out of the correspondents' space (unless they
    run it). :raise NotFound: no such person, or not a correspondent."""
    check_can_grant(actor)
    person = _person(user_id)
    row = db.session.get(Correspondent, person.id)
    if row is None:
        raise NotFound(_("This person is not a correspondent."))
    before = {"scope": row.scope_kind, "value": row.scope_value}
    db.session.delete(row)
    group = space_group()
    membership = (
        db.session.get(GroupMembership, (group.id, person.id)) if group is not None else None
    )
    if membership is not None and not policy.is_group_admin_role(membership.role):
        db.session.delete(membership)
        db.session.flush()
        room = _room(group.id)
        publish("member.left", {"group_id": group.id, "user_id": person.id}, room=room)
        after_commit(lambda: leave_room_for_users([person.id], room))
    db.session.flush()
    record(actor, "correspondent.revoked", "user", person.id, before=before, after=None)


def list_correspondents(user: User) -> list[dict[str, Any]]:
    """Every correspondent, by scope then name. :raise Forbidden: not a planner."""
    if not policy.can_list_correspondents(user):
        raise Forbidden(_("Only the communication team sees the correspondents."))
    rows = db.session.execute(
        select(Correspondent, User)
        .join(User, User.id == Correspondent.user_id)
        .where(User.active.is_(True))
        .order_by(Correspondent.scope_kind, Correspondent.scope_value, User.id)
    ).all()
    return [correspondent_dict(row, person) for row, person in rows]
