"""The pages' forms, read into the API's shapes: a template's steps typed one a line, and
a colleague named by handle or email. The rules stay :mod:`.templates`' and
:mod:`.journeys`' (the same refusals as the API)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...errors import ValidationFailed
from ...extensions import db
from ...models import Group, User

#: ``<day> | <title> | <action>``: the action is a link (http…), ``group <name or id>``,
#: ``person <handle or email>`` or ``question <text>``; none if left out.
SEPARATOR = "|"


def person_id_of(who: str, field: str) -> int | None:
    """The id of the colleague named by ``who`` (handle, ``@handle`` or email); None if
    empty. :raise ValidationFailed: nobody has it."""
    who = who.strip().lstrip("@").lower()
    if not who:
        return None
    column = User.email if "@" in who else User.handle
    found = db.session.scalar(select(User.id).where(column == who))
    if found is None:
        raise ValidationFailed(_("No such colleague."), fields={field: "unknown"})
    return found


def _group_id(ref: str, where: str) -> int:
    if ref.isascii() and ref.isdigit() and len(ref) < 16:
        return int(ref)
    found = db.session.scalar(select(Group.id).where(Group.name == ref).limit(2))
    if found is None:
        raise ValidationFailed(_("No such group."), fields={where: "unknown"})
    return found


def _action(text: str, where: str, line_no: int) -> dict[str, Any]:
    word, _space, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    if text.startswith(("http://", "https://")) or word in ("link", "lien"):
        return {"action": "link", "url": text if word not in ("link", "lien") else rest}
    if word in ("group", "groupe"):
        return {"action": "group", "group_id": _group_id(rest, f"{where}.group_id")}
    if word in ("person", "personne"):
        return {"action": "person", "person_id": person_id_of(rest, f"{where}.person_id")}
    if word == "question":
        return {"action": "question", "question": rest}
    raise ValidationFailed(
        _("Line %(n)s: start the action with a link, group, person or question.", n=line_no),
        fields={f"{where}.action": "unknown"},
    )


def _step(line: str, index: int) -> dict[str, Any]:
    where = f"steps[{index}]"
    parts = [p.strip() for p in line.split(SEPARATOR)]
    day = parts[0].lstrip("+")
    negative = day.startswith("-") and day[1:].isdigit()
    if len(parts) < 2 or not (day.isdigit() or negative) or len(day) > 6:
        raise ValidationFailed(
            _("Line %(n)s: write the day, a bar, then the title.", n=index + 1),
            fields={f"{where}.day_offset": "not_integer"},
        )
    step: dict[str, Any] = {"day_offset": int(day), "title": parts[1]}
    if len(parts) > 2 and parts[2]:
        step.update(_action(SEPARATOR.join(parts[2:]).strip(), where, index + 1))
    return step


def template_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The API body of a template typed in the page's form."""
    lines = [line for line in form.get("steps", "").splitlines() if line.strip()]
    return {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "is_default": form.get("is_default") == "1",
        "feedback_question": form.get("feedback_question", ""),
        "anonymous_feedback": form.get("anonymous_feedback") == "1",
        "steps": [_step(line, i) for i, line in enumerate(lines)],
    }
