"""Profiles and skills: who may endorse whom."""

from __future__ import annotations

from ..models import User


def can_endorse(endorser: User, person: User) -> bool:
    """A colleague vouches for someone else's skill, never their own; nobody endorses a
    deactivated or deleted account."""
    return endorser.id != person.id and person.active and person.deleted_at is None
