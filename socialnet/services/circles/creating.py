"""Creating and changing a circle: a secret group (its members see it, nobody else
knows it exists), its facilitator (an admin of the group) and its rhythm."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Forbidden, ValidationFailed
from ...extensions import db
from ...models import CADENCES, Circle, User
from .. import groups
from ..validation import check_known_fields, check_optional_id
from .live import circle_updated
from .reading import access_circle, member_ids
from .topics import check_open

FIELDS = {"name", "description", "facilitator_id", "member_ids", "cadence"}
#: A circle is small: people who meet around a table.
MAX_MEMBERS = 30


def check_cadence(value: Any) -> str:
    if value not in CADENCES:
        raise ValidationFailed(
            _("cadence must be one of: %(values)s.", values=", ".join(CADENCES)),
            fields={"cadence": "unknown"},
        )
    return value


def _active_people(ids: list[int], field: str) -> list[int]:
    found = set(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active.is_(True))))
    if any(i not in found for i in ids):
        raise ValidationFailed(
            _("%(field)s names someone who is not an active colleague.", field=field),
            fields={field: "unknown"},
        )
    return ids


def _check_member_ids(value: Any) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_MEMBERS:
        raise ValidationFailed(
            _("member_ids must be a list of at most %(max)s people.", max=MAX_MEMBERS),
            fields={"member_ids": "not_list"},
        )
    ids = [check_optional_id(v, "member_ids") for v in value]
    if any(i is None for i in ids):
        raise ValidationFailed(
            _("member_ids must be a list of people's ids."), fields={"member_ids": "not_list"}
        )
    return list(dict.fromkeys(ids))


def do_create_circle(user: User, data: Any) -> Circle:
    """Create a circle from ``{"name", "description", "facilitator_id", "member_ids",
    "cadence"}``. Its group is secret; the creator and the facilitator are its admins,
    ``member_ids`` its members (each told they were added). Nothing is written if any
    field is refused.

    :raise ValidationFailed: unknown fields, no name, an unknown cadence, a facilitator or
        member who is not an active colleague, more than :data:`MAX_MEMBERS` people.
    :raise Forbidden: group creation is limited to roles ``user`` does not have.
    """
    data = check_known_fields(data, FIELDS)
    cadence = check_cadence(data.get("cadence"))
    facilitator_id = check_optional_id(data.get("facilitator_id"), "facilitator_id") or user.id
    _active_people([facilitator_id], "facilitator_id")
    members = _active_people(_check_member_ids(data.get("member_ids")), "member_ids")
    everyone = dict.fromkeys([user.id, facilitator_id, *members])
    if len(everyone) > MAX_MEMBERS:
        raise ValidationFailed(
            _("A circle has at most %(max)s members.", max=MAX_MEMBERS),
            fields={"member_ids": "too_many"},
        )
    group = groups.do_create_group(
        user,
        {"name": data.get("name"), "description": data.get("description") or "", "type": "secret"},
    )
    circle = Circle(group_id=group.id, facilitator_id=facilitator_id, cadence=cadence)
    db.session.add(circle)
    db.session.flush()
    for person_id in everyone:
        if person_id == user.id:
            continue
        role = "admin" if person_id == facilitator_id else "member"
        groups.do_add_member(user, group.id, {"user_id": person_id, "role": role})
    return circle


UPDATE_FIELDS = FIELDS - {"member_ids"}


def do_update_circle(user: User, circle_id: int, data: Any) -> Circle:
    """The facilitator changes ``{"name", "description", "facilitator_id", "cadence"}``
    (any of them). A new facilitator must be a member; they become an admin of the
    circle's group (the previous one stays an admin: a group admin demotes them there).

    :raise NotFound: not a member. :raise Forbidden: not the facilitator, or archived.
    :raise ValidationFailed: an unknown cadence, a facilitator who is not a member.
    """
    data = check_known_fields(data, UPDATE_FIELDS)
    circle = access_circle(user, circle_id)
    if not policy.can_facilitate(user, circle):
        raise Forbidden(_("Only the circle's facilitator changes it."))
    check_open(circle)
    if "cadence" in data:
        circle.cadence = check_cadence(data["cadence"])
    if "facilitator_id" in data:
        facilitator_id = check_optional_id(data["facilitator_id"], "facilitator_id")
        if facilitator_id not in member_ids(circle.group_id):
            raise ValidationFailed(
                _("%(field)s must name a member of the circle.", field="facilitator_id"),
                fields={"facilitator_id": "not_member"},
            )
        if facilitator_id != circle.facilitator_id:
            groups.do_set_member_role(user, circle.group_id, facilitator_id, {"role": "admin"})
            circle.facilitator_id = facilitator_id
    texts = {k: data[k] for k in ("name", "description") if k in data}
    if texts:
        groups.do_update_group(user, circle.group_id, texts)
    db.session.flush()
    circle_updated(circle.group_id)
    return circle
