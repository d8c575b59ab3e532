"""Guests from the extended company: who is one, and whether their access has ended.

A guest (``User.guest_company`` set) sees only the groups they belong to and the members
of those groups: every visibility rule of this package narrows itself with
:func:`is_guest` (``groups``, ``posts``, ``notifications``, ``rooms``, ``people``,
``announcements``). This module imports models only, so every other policy module may
ask it.
"""

from __future__ import annotations

from datetime import date

from ..models import User


def is_guest(user: User) -> bool:
    """``user`` is a guest, confined to their groups."""
    return user.is_guest


def guest_access_ended(user: User, today: date) -> bool:
    """A guest whose access ended: removed from their last group (``guest_ended_at``) or
    past the last day of their access (``today`` in the company's time zone). No query:
    the session and token loaders ask it at every request."""
    if not user.is_guest:
        return False
    if user.guest_ended_at is not None:
        return True
    return user.guest_expires_on is not None and user.guest_expires_on < today
