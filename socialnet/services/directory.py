"""The people directory: search by name, department and site, sorted by name."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select, tuple_

from .. import policy
from ..extensions import db
from ..models import Skill, User, UserSkill
from ..pagination import decode_cursor, encode_cursor, is_name_key
from ..text_keys import fold, like_anywhere
from .validation import check_filter_text


def search_people(
    *,
    query: str | None,
    department: str | None,
    site: str | None,
    skill: str | None = None,
    cursor: str | None,
    limit: int,
    include_inactive: bool = False,
    viewer: User | None = None,
) -> tuple[list[User], str | None]:
    """Active people matching all given filters, by name, among those ``viewer`` may see
    (:func:`policy.visible_people_filter`: a guest, the members of their groups; None: a
    trusted caller).

    ``query`` matches part of the name, handle, job title, department, site or of a
    declared skill, ignoring case and accents (their :func:`~socialnet.text_keys.fold`
    keys); ``skill`` keeps the people who declared that skill (its key, exactly).
    """
    skill = check_filter_text(skill, "skill")
    query = check_filter_text(query, "q")
    department = check_filter_text(department, "department")
    site = check_filter_text(site, "site")
    name_key = User.name_key
    stmt = select(User, name_key).order_by(name_key, User.id).limit(limit + 1)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    if viewer is not None:
        stmt = stmt.where(policy.visible_people_filter(viewer))
    if query and fold(query):
        # One key line per field (folded text has no newline), so no match spans two.
        pattern = like_anywhere(query)
        stmt = stmt.where(
            or_(
                User.search_key.like(pattern, escape="\\"),
                _has_skill(Skill.key.like(pattern, escape="\\")),
            )
        )
    if skill:
        stmt = stmt.where(_has_skill(Skill.key == fold(skill)))
    if department:
        stmt = stmt.where(User.department == department)
    if site:
        stmt = stmt.where(User.site == site)
    scope = f"people:{query or ''}:{department or ''}:{site or ''}:{skill or ''}"
    after = decode_cursor(scope, cursor, valid_key=is_name_key)
    if after is not None:
        stmt = stmt.where(tuple_(name_key, User.id) > tuple_(after[0], after[1]))
    rows = db.session.execute(stmt).all()
    next_cursor = None
    if len(rows) > limit:
        last_user, last_key = rows[limit - 1]
        next_cursor = encode_cursor(scope, [last_key, last_user.id])
    return [user for user, _key in rows[:limit]], next_cursor


def _has_skill(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The person declared a skill meeting ``condition``."""
    return exists().where(UserSkill.user_id == User.id, UserSkill.skill_id == Skill.id, condition)


def departments_and_sites() -> tuple[list[str], list[str]]:
    departments = db.session.scalars(
        select(User.department).where(User.department != "").distinct().order_by(User.department)
    ).all()
    sites = db.session.scalars(
        select(User.site).where(User.site != "").distinct().order_by(User.site)
    ).all()
    return list(departments), list(sites)


def direct_reports(user: User) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.manager_id == user.id, User.active.is_(True))
            .order_by(User.name_key, User.id)
        )
    )
