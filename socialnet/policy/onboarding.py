"""Onboarding journeys: who writes templates, who sees a journey, who may be a buddy.

There is no HR role: HR's rights are the community managers' and administrators'
(:func:`can_manage_onboarding`). A journey is seen by its person, their manager, their
buddy and HR; anyone else gets a 404, as for a missing one. Guests have no journey and
see no template.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from ..models import OnboardingJourney, User
from .guests import is_guest
from .roles import is_moderator


def can_manage_onboarding(user: User) -> bool:
    """Write templates, start journeys for anyone, read every journey and the figures."""
    return is_moderator(user) and not is_guest(user)


def may_have_journey(person: User) -> bool:
    """Employees only: a guest, a deactivated or deleted account has no journey."""
    return person.active and person.deleted_at is None and not is_guest(person)


def can_be_buddy(candidate: User | None, newcomer: User) -> bool:
    """An active employee other than the new joiner."""
    return (
        candidate is not None
        and candidate.active
        and candidate.deleted_at is None
        and not is_guest(candidate)
        and candidate.id != newcomer.id
    )


def buddy_candidates_filter(newcomer: User) -> ColumnElement[bool]:
    """SQL condition on ``User``: who may be suggested as ``newcomer``'s buddy (same site
    and department, active employee, not them)."""
    return (
        (User.active.is_(True))
        & User.deleted_at.is_(None)
        & User.guest_company.is_(None)
        & (User.id != newcomer.id)
        & (User.site == newcomer.site)
        & (User.department == newcomer.department)
    )


def can_see_journey(viewer: User, journey: OnboardingJourney, person: User) -> bool:
    """The person, their manager, their buddy, or HR (all active, none a guest)."""
    if not viewer.active or is_guest(viewer):
        return False
    if viewer.id in (journey.user_id, journey.buddy_id) or viewer.id == person.manager_id:
        return True
    return can_manage_onboarding(viewer)


def can_steer_journey(viewer: User, person: User) -> bool:
    """Start a journey for ``person`` or change their buddy: their manager or HR."""
    if not viewer.active or is_guest(viewer):
        return False
    return viewer.id == person.manager_id or can_manage_onboarding(viewer)


def visible_journeys_filter(viewer: User) -> ColumnElement[bool]:
    """SQL condition on ``OnboardingJourney``: the journeys ``viewer`` may see."""
    if not viewer.active or is_guest(viewer):
        return false()
    if can_manage_onboarding(viewer):
        return true()
    reports = select(User.id).where(User.manager_id == viewer.id)
    return or_(
        OnboardingJourney.user_id == viewer.id,
        OnboardingJourney.buddy_id == viewer.id,
        OnboardingJourney.user_id.in_(reports),
    )
