"""The editorial calendar and its correspondents: who plans, who sees an item, who
writes its draft, who names correspondents.

Community managers, administrators and correspondents (named by an administrator for a
site or a department) share the calendar: they see and change every item whose target
group (if any) they may read. Anyone else sees only the items assigned to them, and may
write their drafts. A guest is never a correspondent.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from ..extensions import db
from ..models import Correspondent, EditorialItem, User
from .groups import readable_group_ids
from .guests import is_guest
from .roles import is_admin, is_moderator


def is_correspondent(user: User) -> bool:
    """An active employee holding the correspondent role."""
    if not user.active or is_guest(user):
        return False
    return db.session.get(Correspondent, user.id) is not None


def can_grant_correspondent(user: User) -> bool:
    """Name or revoke correspondents: administrators."""
    return is_admin(user)


def can_be_correspondent(person: User) -> bool:
    """The role goes to active employees, never to a guest."""
    return person.active and person.deleted_at is None and not is_guest(person)


def can_list_correspondents(user: User) -> bool:
    """The list of correspondents: those who share the calendar."""
    return can_plan_editorial(user)


def can_plan_editorial(user: User) -> bool:
    """Write and change the editorial calendar: community managers, administrators and
    correspondents."""
    return is_moderator(user) or is_correspondent(user)


def can_write_draft(user: User, item: EditorialItem) -> bool:
    """Write an item's draft: its assignee; a planner when nobody is assigned."""
    if not user.active:
        return False
    if item.assignee_id is not None:
        return item.assignee_id == user.id
    return can_plan_editorial(user)


def editorial_items_visible_filter(user: User) -> ColumnElement[bool]:
    """SQL on ``EditorialItem``: planners (:func:`can_plan_editorial`) see the items whose
    target group (if any) they may read; anyone sees the items assigned to them (same rule
    for the group)."""
    if not user.active:
        return false()
    readable = or_(
        EditorialItem.group_id.is_(None), EditorialItem.group_id.in_(readable_group_ids(user))
    )
    mine = EditorialItem.assignee_id == user.id
    return and_(readable, or_(true() if can_plan_editorial(user) else false(), mine))


def correspondent_ids():
    """SQL subquery of the correspondents' user ids (active or not)."""
    return select(Correspondent.user_id)
