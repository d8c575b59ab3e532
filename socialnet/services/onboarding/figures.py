"""Onboarding analytics for HR: journeys in progress, completion rate, the steps most
often late. Figures over every journey of active people, as of ``today`` (the company's
day); a step is late when done after its due day, or still undone past it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Integer, and_, case, func, or_, select

from ...extensions import db
from ...models import OnboardingJourney, OnboardingStep, User

LATE_STEPS_SHOWN = 10


def onboarding_figures(today: date) -> dict[str, Any]:
    """``{"in_progress", "completed", "total", "completion_rate", "feedback_answered",
    "late_steps"}``; ``completion_rate`` is completed / total (0 when there is none),
    rounded to 3 places; ``feedback_answered`` counts the final questions answered (HR's
    only view of who answered an anonymous one: a count, see ``reading.journey_dict``);
    ``late_steps`` lists ``{"template_name", "title", "late", "total", "late_rate"}``,
    the most often late first."""
    active = and_(User.id == OnboardingJourney.user_id, User.active.is_(True))
    done = func.sum(case((OnboardingJourney.completed_at.is_not(None), 1), else_=0))
    answered = func.sum(case((OnboardingJourney.feedback_answered_at.is_not(None), 1), else_=0))
    total, completed, feedback_answered = db.session.execute(
        select(
            func.count(OnboardingJourney.id), func.coalesce(done, 0), func.coalesce(answered, 0)
        ).join(User, active)
    ).one()
    late = or_(
        and_(OnboardingStep.completed_at.is_(None), OnboardingStep.due_on < today),
        func.date(OnboardingStep.completed_at) > OnboardingStep.due_on,
    )
    late_count = func.sum(case((late, 1), else_=0)).cast(Integer)
    rows = db.session.execute(
        select(
            OnboardingJourney.template_name,
            OnboardingStep.title,
            late_count.label("late"),
            func.count(OnboardingStep.id).label("total"),
        )
        .join(OnboardingJourney, OnboardingJourney.id == OnboardingStep.journey_id)
        .join(User, active)
        .group_by(OnboardingJourney.template_name, OnboardingStep.title)
        .having(late_count > 0)
        .order_by(late_count.desc(), OnboardingJourney.template_name, OnboardingStep.title)
        .limit(LATE_STEPS_SHOWN)
    ).all()
    return {
        "in_progress": int(total) - int(completed),
        "completed": int(completed),
        "total": int(total),
        "completion_rate": round(int(completed) / int(total), 3) if total else 0.0,
        "feedback_answered": int(feedback_answered),
        "late_steps": [
            {
                "template_name": name,
                "title": title,
                "late": int(n_late),
                "total": int(n_total),
                "late_rate": round(int(n_late) / int(n_total), 3),
            }
            for name, title, n_late, n_total in rows
        ],
    }
