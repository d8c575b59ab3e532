"""Skills: normalised tags people declare, suggestions, and colleagues' endorsements.

A skill is one row per :func:`~socialnet.text_keys.fold` key (``skills.key`` is unique),
created with ``INSERT … ON CONFLICT DO NOTHING`` so two people declaring it at once
agree on one row. Endorsements are unique per (person, skill, endorser) in the database.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select

from ... import policy
from ...errors import NotFound, ValidationFailed
from ...extensions import db
from ...models import SKILL_NAME_MAX, Endorsement, Skill, User, UserSkill
from ...text_keys import KEY_WIDTH_FACTOR, bounded, fold, like_prefix
from ..unique import insert_unless_taken
from ..validation import check_text

#: The most skills one profile declares.
SKILLS_MAX = 30
SUGGESTIONS_MAX = 10


def check_skill_names(value: Any) -> list[str]:
    """A list of distinct skill names (distinct by key), in the order given.

    :raise ValidationFailed: not a list, too many, an empty name.
    :raise TooLarge: a name longer than :data:`SKILL_NAME_MAX`.
    """
    if not isinstance(value, list):
        raise ValidationFailed(_("skills must be a list of names."), fields={"skills": "not_list"})
    if len(value) > SKILLS_MAX:
        raise ValidationFailed(
            _("At most %(max)s skills.", max=SKILLS_MAX),
            fields={"skills": "too_many"},
        )
    names: dict[str, str] = {}
    for item in value:
        name = check_text(item, "skills", max_len=SKILL_NAME_MAX)
        names.setdefault(bounded(name, "skills", SKILL_NAME_MAX * KEY_WIDTH_FACTOR), name)
    return list(names.values())


def _skill_for(name: str) -> Skill:
    key = fold(name)
    insert_unless_taken(Skill, {"name": name, "key": key}, ["key"])
    return db.session.scalars(select(Skill).where(Skill.key == key)).one()


def do_set_skills(user: User, names: list[str]) -> None:
    """Make ``names`` (from :func:`check_skill_names`) ``user``'s skills, in that order.

    A skill dropped from the profile loses its endorsements. Flushes; never commits.
    """
    skills = [_skill_for(name) for name in names]
    keep = [s.id for s in skills]
    db.session.execute(
        delete(Endorsement).where(Endorsement.user_id == user.id, Endorsement.skill_id.not_in(keep))
    )
    db.session.execute(
        delete(UserSkill).where(UserSkill.user_id == user.id, UserSkill.skill_id.not_in(keep))
    )
    existing = {
        row.skill_id: row
        for row in db.session.scalars(select(UserSkill).where(UserSkill.user_id == user.id))
    }
    for position, skill in enumerate(skills):
        row = existing.get(skill.id)
        if row is None:
            db.session.add(UserSkill(user_id=user.id, skill_id=skill.id, position=position))
        else:
            row.position = position
    db.session.flush()


#: :func:`skills_of`'s statement, built once: every profile and every ``GET /me`` runs it
#: (building it cost as much as running it). Parameter: ``user_id``.
_SKILLS_OF = (
    select(
        Skill.name,
        select(func.count(Endorsement.id))
        .where(Endorsement.user_id == bindparam("user_id"), Endorsement.skill_id == Skill.id)
        .scalar_subquery(),
    )
    .join(UserSkill, UserSkill.skill_id == Skill.id)
    .where(UserSkill.user_id == bindparam("user_id"))
    .order_by(UserSkill.position, Skill.key)
)


def skills_of(user: User) -> list[dict[str, Any]]:
    """``user``'s skills in profile order, each with its endorsement count (one query)."""
    rows = db.session.execute(_SKILLS_OF, {"user_id": user.id})
    return [{"name": name, "endorsement_count": count} for name, count in rows]


def suggest(query: str | None) -> list[dict[str, Any]]:
    """Skills whose key starts with ``query``'s, most declared first (at most 10)."""
    people = func.count(UserSkill.user_id)
    stmt = (
        select(Skill.name, people)
        .outerjoin(UserSkill, UserSkill.skill_id == Skill.id)
        .group_by(Skill.id, Skill.name, Skill.key)
        .order_by(people.desc(), Skill.key)
        .limit(SUGGESTIONS_MAX)
    )
    key = fold(query or "")
    if key:
        stmt = stmt.where(Skill.key.like(like_prefix(key), escape="\\"))
    return [{"name": name, "people": count} for name, count in db.session.execute(stmt)]


def _declared_skill(person: User, skill_name: str) -> Skill:
    skill = db.session.scalars(
        select(Skill)
        .join(UserSkill, UserSkill.skill_id == Skill.id)
        .where(UserSkill.user_id == person.id, Skill.key == fold(skill_name))
    ).first()
    if skill is None:
        raise NotFound(_("This person has not declared that skill."))
    return skill


def _endorsement_state(person: User, skill: Skill, endorser: User) -> dict[str, Any]:
    count = db.session.scalar(
        select(func.count(Endorsement.id)).where(
            Endorsement.user_id == person.id, Endorsement.skill_id == skill.id
        )
    )
    mine = db.session.scalar(
        select(Endorsement.id).where(
            Endorsement.user_id == person.id,
            Endorsement.skill_id == skill.id,
            Endorsement.endorser_id == endorser.id,
        )
    )
    return {"skill": skill.name, "endorsement_count": count, "endorsed_by_me": mine is not None}


def do_endorse(endorser: User, person: User, skill_name: str) -> dict[str, Any]:
    """``endorser`` vouches for ``person``'s declared skill; idempotent.

    :raise ValidationFailed: endorsing oneself (or an inactive account).
    :raise NotFound: ``person`` has not declared the skill.
    """
    skill = _declared_skill(person, skill_name)
    if not policy.can_endorse(endorser, person):
        raise ValidationFailed(
            _("You cannot endorse your own skills.")
            if endorser.id == person.id
            else _("This person's account is not active."),
            fields={"user_id": "self" if endorser.id == person.id else "inactive"},
        )
    insert_unless_taken(
        Endorsement,
        {"user_id": person.id, "skill_id": skill.id, "endorser_id": endorser.id},
        ["user_id", "skill_id", "endorser_id"],
    )
    return _endorsement_state(person, skill, endorser)


def do_withdraw(endorser: User, person: User, skill_name: str) -> dict[str, Any]:
    """Withdraw ``endorser``'s endorsement of ``person``'s skill; idempotent.

    :raise NotFound: ``person`` has not declared the skill.
    """
    skill = _declared_skill(person, skill_name)
    db.session.execute(
        delete(Endorsement).where(
            Endorsement.user_id == person.id,
            Endorsement.skill_id == skill.id,
            Endorsement.endorser_id == endorser.id,
        )
    )
    return _endorsement_state(person, skill, endorser)


def endorsed_by(endorser: User, person: User) -> set[str]:
    """The names of ``person``'s skills that ``endorser`` endorsed (one query)."""
    return set(
        db.session.scalars(
            select(Skill.name)
            .join(Endorsement, Endorsement.skill_id == Skill.id)
            .where(Endorsement.user_id == person.id, Endorsement.endorser_id == endorser.id)
        )
    )
