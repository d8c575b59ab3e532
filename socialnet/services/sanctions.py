"""Sanctions on people: warnings, mutes and suspensions, and the checks that enforce them.

A muted person still reads everything they could, but cannot post, comment or
react until ``muted_until``. A suspended person cannot sign in, and their
sessions, tokens and sockets end at once (the session epoch moves). Both are
kept on the user row so every request checks them without a query, and each
sanction is also a :class:`~socialnet.models.Sanction` row for the record.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _

from .. import policy
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import INDEFINITELY, Sanction, SanctionKind, User
from ..models._time import utcnow
from ..serializers import iso
from .accounts import do_end_sessions, until_text

#: The longest mute or timed suspension: a year (longer is "indefinitely").
MAX_DURATION_HOURS = 24 * 366


def check_can_contribute(user: User) -> None:
    """:raise Forbidden: ``user`` is muted (or suspended) and may only read for now."""
    now = utcnow()
    if user.is_suspended(now):
        if user.suspended_until >= INDEFINITELY:
            raise Forbidden(_("Your account is suspended until further notice."))
        raise Forbidden(
            _("Your account is suspended until %(until)s.", until=until_text(user.suspended_until))
        )
    if user.is_muted(now):
        if user.muted_until >= INDEFINITELY:
            message = _(
                "You are muted until further notice: you can read, but not post, comment or react."
            )
        else:
            message = _(
                "You are muted until %(until)s: you can read, but not post, comment or react.",
                until=until_text(user.muted_until),
            )
        raise Forbidden(message, error="muted")


def check_duration(value: Any, *, required: bool) -> int | None:
    """``duration_hours``: a whole number of hours, 1 … a year (None: indefinitely)."""
    if value is None:
        if required:
            raise ValidationFailed(
                _("duration_hours is required for a mute."), fields={"duration_hours": "required"}
            )
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _("duration_hours must be a whole number of hours."),
            fields={"duration_hours": "not_int"},
        )
    if not 1 <= value <= MAX_DURATION_HOURS:
        raise ValidationFailed(
            _(
                "duration_hours must be between 1 and %(max)s.",
                max=MAX_DURATION_HOURS,
            ),
            fields={"duration_hours": "out_of_range"},
        )
    return value


def check_can_sanction(actor: User, person: User) -> None:
    """Nobody sanctions themself; only administrators sanction moderators."""
    if person.id == actor.id:
        raise Forbidden(_("You cannot sanction yourself."))
    if not policy.can_sanction(actor, person):
        raise Forbidden(_("Only an administrator can sanction a community manager or admin."))


def do_sanction(
    actor: User,
    person: User,
    kind: str,
    *,
    message: str,
    duration_hours: int | None,
    case_id: int | None,
) -> Sanction:
    """Record and apply a warning, mute or suspension. Flushes; sockets end after commit."""
    check_can_sanction(actor, person)
    now = utcnow()
    ends_at = now + timedelta(hours=duration_hours) if duration_hours else None
    if kind == SanctionKind.MUTE.value:
        person.muted_until = ends_at
    elif kind == SanctionKind.SUSPEND.value:
        person.suspended_until = ends_at or INDEFINITELY
        do_end_sessions(person)
    sanction = Sanction(
        user_id=person.id,
        kind=kind,
        message=message,
        case_id=case_id,
        created_by_id=actor.id,
        ends_at=ends_at,
    )
    db.session.add(sanction)
    db.session.flush()
    return sanction


def do_lift(person: User) -> dict[str, Any]:
    """End any mute or suspension of ``person`` now; returns what was in force."""
    before = {
        "muted_until": iso(person.muted_until),
        "suspended_until": iso(person.suspended_until),
    }
    person.muted_until = None
    person.suspended_until = None
    db.session.flush()
    return before
