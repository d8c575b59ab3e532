"""The profile people edit themselves (``PATCH /api/v1/me``), and ``user.updated``.

Organisational fields (manager, department, site, hire date, role) are not here: they
stay with administrators (``accounts.do_update_user``). Every change is announced to the
company room after commit with the public profile (the serializer of ``GET /users/{id}``).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ...errors import Conflict, ValidationFailed
from ...models import User
from ...policy.rooms import COMPANY_ROOM
from ...realtime.publisher import publish
from ...serializers import user_profile
from ..content import render_body
from ..editorial.roles import role_of
from ..validation import check_known_fields, check_text
from . import skills

SELF_FIELDS = {
    "display_name",
    "job_title",
    "pronouns",
    "phone",
    "about",
    "skills",
    "languages",
    "location_detail",
}
#: The text fields of the profile form (``skills`` and ``languages`` are lists).
TEXT_FORM_FIELDS = ("display_name", "job_title", "pronouns", "phone", "about", "location_detail")
ABOUT_MAX = 5000
LANGUAGES_MAX = 10
#: Field → (longest length, may be empty).
_TEXTS = {
    "display_name": (120, False),
    "job_title": (120, True),
    "pronouns": (40, True),
    "phone": (40, True),
    "location_detail": (120, True),
}


def _check_languages(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValidationFailed(
            _("languages must be a list of names."), fields={"languages": "not_list"}
        )
    if len(value) > LANGUAGES_MAX:
        raise ValidationFailed(
            _("At most %(max)s languages.", max=LANGUAGES_MAX),
            fields={"languages": "too_many"},
        )
    return list(dict.fromkeys(check_text(v, "languages", max_len=40) for v in value))


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """Every given field checked before anything is written; ``null`` is no text (an
    optional field is cleared with ``""``)."""
    for field, value in data.items():
        if value is None:
            raise ValidationFailed(
                _("%(field)s must be text.", field=field), fields={field: "not_text"}
            )
    values: dict[str, Any] = {}
    for field, (max_len, optional) in _TEXTS.items():
        if field in data:
            values[field] = check_text(data[field], field, max_len=max_len, required=not optional)
    if "about" in data:
        values["about"] = check_text(
            data["about"], "about", max_len=ABOUT_MAX, required=False, multiline=True
        )
    if "languages" in data:
        values["languages"] = _check_languages(data["languages"])
    if "skills" in data:
        values["skills"] = skills.check_skill_names(data["skills"])
    return values


def do_update_own_profile(user: User, data: Any) -> User:
    """Apply ``data`` (fields of :data:`SELF_FIELDS`) to ``user``'s own profile.

    All fields are checked before any is written, so a refusal changes nothing.
    Publishes ``user.updated`` to the company room. Flushes; never commits.

    :raise ValidationFailed: an unknown field (an organisational one included), an empty
        display name, a malformed list.
    :raise TooLarge: a text over its limit (``fields`` names it).
    :raise Conflict: a deleted account.
    """
    data = check_known_fields(data, SELF_FIELDS)
    if user.deleted_at is not None:
        raise Conflict(_("This account was deleted."))
    values = _checked(data)
    new_skills = values.pop("skills", None)
    if "about" in values:
        user.about_html = render_body(values["about"]).html if values["about"] else ""
    for field, value in values.items():
        setattr(user, field, value)
    if new_skills is not None:
        skills.do_set_skills(user, new_skills)
    announce_update(user)
    return user


def public_profile(user: User) -> dict[str, Any]:
    """The card any colleague sees, with skills and the correspondent role
    (``GET /users/{id}``, ``user.updated``)."""
    return {
        **user_profile(user, skills=skills.skills_of(user)),
        "correspondent": role_of(user),
    }


def announce_update(user: User) -> None:
    """Tell open pages that ``user``'s card changed (after commit)."""
    publish("user.updated", public_profile(user), room=COMPANY_ROOM)
