"""Company-wide settings that administrators change at run time.

The only place that knows the keys, their defaults and their allowed values.
A key without a row has its default, so a new setting needs no data migration.
"""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import policy
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..models import CompanySetting, User
from ..models._time import utcnow
from . import audit
from .validation import check_known_fields

#: What happens to a person's posts, comments, reactions and votes when they delete
#: their account: ``anonymise`` keeps them under "Former colleague" (conversations
#: stay whole); ``remove`` erases them. Either way the profile itself is erased.
ACCOUNT_DELETION = "account_deletion"
ANONYMISE = "anonymise"
REMOVE = "remove"

#: key → (default, allowed values, what an administrator reads next to it)
SETTINGS: dict[str, tuple[str, tuple[str, ...], LazyString]] = {
    ACCOUNT_DELETION: (
        ANONYMISE,
        (ANONYMISE, REMOVE),
        _l(
            "When someone deletes their account, their posts, comments, reactions and votes "
            "are kept under 'Former colleague' (anonymise) or erased (remove)."
        ),
    ),
}


def get(key: str) -> str:
    """The value of ``key`` (its default when never set)."""
    value = db.session.scalar(select(CompanySetting.value).where(CompanySetting.key == key))
    return value if value is not None else SETTINGS[key][0]


def current() -> dict[str, str]:
    """Every setting with its value."""
    stored = dict(db.session.execute(select(CompanySetting.key, CompanySetting.value)).all())
    return {key: stored.get(key, default) for key, (default, _, _) in SETTINGS.items()}


def describe() -> list[dict[str, Any]]:
    """Every setting with its value, allowed values and help text (the admin page), the
    help text in the request's language."""
    values = current()
    return [
        {"key": key, "value": values[key], "allowed": list(allowed), "help": str(help_text)}
        for key, (_, allowed, help_text) in SETTINGS.items()
    ]


def check_can_manage(user: User) -> None:
    """:raise Forbidden: ``user`` is not an administrator (only they see or change settings)."""
    if not policy.is_admin(user):
        raise Forbidden(_("Only administrators see and change company settings."))


def do_update(actor: User, data: Any) -> dict[str, str]:
    """Change some settings (administrators only); audited with the old and new values.

    :raise Forbidden: ``actor`` is not an administrator.
    :raise ValidationFailed: an unknown key or a value not allowed (nothing is changed).
    """
    check_can_manage(actor)
    data = check_known_fields(data, set(SETTINGS))
    for key, value in data.items():
        allowed = SETTINGS[key][1]
        if value not in allowed:
            raise ValidationFailed(
                _("%(key)s must be one of: %(values)s.", key=key, values=", ".join(allowed)),
                fields={key: "not_allowed"},
            )
    before = current()
    for key, value in data.items():
        row = db.session.get(CompanySetting, key)
        if row is None:
            db.session.add(CompanySetting(key=key, value=value, updated_by_id=actor.id))
        else:
            row.value, row.updated_at, row.updated_by_id = value, utcnow(), actor.id
    db.session.flush()
    after = current()
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if changed:
        audit.record(
            actor,
            "settings.changed",
            "settings",
            None,
            before={k: before[k] for k in changed},
            after=changed,
        )
    return after
