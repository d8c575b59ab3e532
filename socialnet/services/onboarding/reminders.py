"""Reminders of overdue steps, from the job loop (``socialnet/jobs.py``).

A step is overdue the day after it was due (in the company's time zone) and still not
done. Each is reminded once: the pass that sets ``reminded_at`` with ``UPDATE … WHERE
reminded_at IS NULL`` sends, another pass (or process) finds it claimed. The notification
is worded when read, in the person's language (``serializers`` summaries).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from ...extensions import db
from ...models import NotificationType, OnboardingJourney, OnboardingStep, User
from ...models._time import utcnow
from .. import notifications
from ..company_day import company_today

#: Steps overdue for longer than this (a journey started late) are not chased.
CHASED_FOR = timedelta(days=30)


def _claim(step_id: int, now: datetime) -> bool:
    changed = db.session.execute(
        update(OnboardingStep)
        .where(OnboardingStep.id == step_id, OnboardingStep.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def do_send_overdue_reminders(now: datetime | None = None) -> int:
    """Notify each new joiner of their steps overdue at ``now``, once per step; returns
    how many notifications were sent. Flushes."""
    now = now or utcnow()
    today = company_today(now)
    rows = db.session.execute(
        select(OnboardingStep.id, OnboardingStep.title, OnboardingJourney.user_id)
        .join(OnboardingJourney, OnboardingJourney.id == OnboardingStep.journey_id)
        .join(User, User.id == OnboardingJourney.user_id)
        .where(
            OnboardingStep.completed_at.is_(None),
            OnboardingStep.reminded_at.is_(None),
            OnboardingStep.due_on < today,
            OnboardingStep.due_on >= today - CHASED_FOR,
            User.active.is_(True),
        )
        .order_by(OnboardingStep.id)
    ).all()
    sent = 0
    for step_id, title, user_id in rows:
        if _claim(step_id, now):
            sent += len(
                notifications.do_notify(
                    [user_id],
                    NotificationType.ONBOARDING_STEP_OVERDUE,
                    actor=None,
                    text=title,
                    params={"url": "/onboarding"},
                )
            )
    return sent
