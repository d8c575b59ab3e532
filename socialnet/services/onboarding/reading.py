"""Reading journeys: the one shape of a journey and of its steps (API and pages), the
home page's checklist, the journeys a person follows, and the personal-data export."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import Celebration, Group, GroupMembership, OnboardingJourney, OnboardingStep, User
from ...serializers import iso, user_summary
from ..company_day import company_today
from .journeys import list_journeys, my_journey


def _steps(journey_id: int) -> list[OnboardingStep]:
    return list(
        db.session.scalars(
            select(OnboardingStep)
            .where(OnboardingStep.journey_id == journey_id)
            .order_by(OnboardingStep.position)
        )
    )


def _welcome_post_id(user_id: int) -> int | None:
    return db.session.scalar(
        select(Celebration.post_id).where(
            Celebration.kind == "new_joiner", Celebration.user_id == user_id
        )
    )


def _group_ref(viewer: User, group: Group | None) -> dict[str, Any] | None:
    if group is None or not policy.can_see_group(viewer, group):
        return None
    return {"id": group.id, "name": group.name, "url": f"/groups/{group.id}"}


def step_dict(
    viewer: User, step: OnboardingStep, today: date, *, with_answer: bool = True
) -> dict[str, Any]:
    """One step; ``answer`` (to a question step) only ``with_answer`` (the person, HR)."""
    person = db.session.get(User, step.person_id) if step.person_id else None
    group = db.session.get(Group, step.group_id) if step.group_id else None
    return {
        "id": step.id,
        "position": step.position,
        "day_offset": step.day_offset,
        "due_on": step.due_on.isoformat(),
        "title": step.title,
        "description": step.description,
        "action": step.action,
        "url": step.url,
        "group": _group_ref(viewer, group),
        "person": user_summary(person) if person is not None else None,
        "question": step.question,
        "answer": step.answer if with_answer else None,
        "completed_at": iso(step.completed_at),
        "overdue": step.completed_at is None and step.due_on < today,
    }


def _suggested_groups(viewer: User, person: User, steps: list[OnboardingStep]) -> list[dict]:
    ids = [s.group_id for s in steps if s.group_id]
    if not ids:
        return []
    joined = set(
        db.session.scalars(
            select(GroupMembership.group_id).where(
                GroupMembership.user_id == person.id, GroupMembership.group_id.in_(ids)
            )
        )
    )
    groups = db.session.scalars(select(Group).where(Group.id.in_(ids)).order_by(Group.name))
    return [
        ref for g in groups if g.id not in joined and (ref := _group_ref(viewer, g)) is not None
    ]


def _answered(viewer: User, journey: OnboardingJourney) -> bool | None:
    if journey.anonymous_feedback and viewer.id != journey.user_id:
        return None
    return journey.feedback_answered_at is not None


def journey_dict(
    viewer: User, journey: OnboardingJourney, person: User, today: date | None = None
) -> dict[str, Any]:
    """The one shape of a journey (API, pages). The feedback's answer is never in it; the
    answers to question steps are the person's and HR's (the manager and buddy see that
    the step is done). When the feedback is anonymous, whether it was answered is the
    person's alone (``answered`` is null for everyone else): it would tell who wrote the
    anonymous post that appeared at that moment."""
    today = today or company_today()
    steps = _steps(journey.id)
    done = sum(1 for s in steps if s.completed_at is not None)
    buddy = db.session.get(User, journey.buddy_id) if journey.buddy_id else None
    with_answers = viewer.id == journey.user_id or policy.can_manage_onboarding(viewer)
    return {
        "id": journey.id,
        "user": user_summary(person),
        "template_id": journey.template_id,
        "template_name": journey.template_name,
        "hire_date": journey.hire_date.isoformat(),
        "buddy": user_summary(buddy) if buddy is not None else None,
        "buddy_source": journey.buddy_source,
        "buddy_replaced_at": iso(journey.buddy_replaced_at),
        "welcome_post_id": _welcome_post_id(person.id),
        "suggested_groups": _suggested_groups(viewer, person, steps),
        "steps": [step_dict(viewer, s, today, with_answer=with_answers) for s in steps],
        "progress": {
            "done": done,
            "total": len(steps),
            "percent": round(100 * done / len(steps)) if steps else 100,
        },
        "feedback": {
            "question": journey.feedback_question,
            "anonymous": journey.anonymous_feedback,
            "answered": _answered(viewer, journey),
        },
        "started_at": iso(journey.started_at),
        "completed_at": iso(journey.completed_at),
        "can_complete": viewer.id == journey.user_id,
        "can_steer": policy.can_steer_journey(viewer, person),
    }


def checklist(user: User) -> dict[str, Any] | None:
    """The home page's checklist: ``user``'s journey while it is in progress (or its
    feedback unanswered), else None (one query when there is none)."""
    journey = my_journey(user)
    if journey is None or (journey.completed_at and journey.feedback_answered_at):
        return None
    return journey_dict(user, journey, user)


def describe_journeys(viewer: User, *, in_progress_only: bool = False) -> list[dict[str, Any]]:
    """:func:`journey_dict` of each journey ``viewer`` may see (see :func:`list_journeys`)."""
    return [
        journey_dict(viewer, journey, db.session.get(User, journey.user_id))
        for journey in list_journeys(viewer, in_progress_only=in_progress_only)
    ]


def export_entry(user: User) -> dict[str, Any] | None:
    """``user``'s journey for their personal-data export: the steps as they did them and
    their answers to question steps. An anonymous feedback answer is not linked to them,
    so it is not there; nor is when they answered (an administrator exports this on the
    person's behalf, and the moment would match the anonymous post's): a boolean only."""
    journey = db.session.scalar(
        select(OnboardingJourney).where(OnboardingJourney.user_id == user.id)
    )
    if journey is None:
        return None
    return {
        "template_name": journey.template_name,
        "hire_date": journey.hire_date.isoformat(),
        "buddy_id": journey.buddy_id,
        "started_at": iso(journey.started_at),
        "completed_at": iso(journey.completed_at),
        "feedback_answered": journey.feedback_answered_at is not None,
        "feedback_post_id": journey.feedback_post_id,
        "steps": [
            {
                "title": step.title,
                "due_on": step.due_on.isoformat(),
                "completed_at": iso(step.completed_at),
                "answer": step.answer,
            }
            for step in _steps(journey.id)
        ],
    }
