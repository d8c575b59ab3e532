"""Peer-learning circles: who may see a circle, facilitate it, write its synthesis.

A circle is a secret group: its members see it, everyone else (community managers and
admins included) gets a 404, exactly as for a missing one.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from ..extensions import db
from ..models import Circle, CircleSession, Group, User
from .groups import is_group_admin, is_group_member, member_group_ids


def can_see_circle(user: User, circle: Circle | None) -> bool:
    """Members of the circle's group, while active."""
    return circle is not None and user.active and is_group_member(user, circle.group_id)


def visible_circles_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Circle``: the circles ``user`` belongs to."""
    return Circle.group_id.in_(member_group_ids(user))


def can_facilitate(user: User, circle: Circle) -> bool:
    """The facilitator, and the admins of the circle's group: they plan sessions, pick
    topics, take attendance and share syntheses. The caller has checked
    :func:`can_see_circle` (otherwise: 404, not this)."""
    if not user.active:
        return False
    return circle.facilitator_id == user.id or is_group_admin(user, circle.group_id)


def can_publish_synthesis(user: User, circle: Circle, session: CircleSession) -> bool:
    """The session's scribe, or whoever facilitates the circle (standing in)."""
    return user.active and (session.scribe_id == user.id or can_facilitate(user, circle))


def may_change_visibility(group: Group, new: str) -> bool:
    """May ``group`` become ``new`` (public, private, secret)? Not a circle's group: it
    stays secret, since its sessions and syntheses were written for its members only."""
    return new == group.visibility or db.session.get(Circle, group.id) is None
