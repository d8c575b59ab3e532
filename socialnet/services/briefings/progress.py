"""The cascade as the communication team follows it, and the reminders of the job loop.

Figures are COUNTs over the rows written at send and relay time: managers briefed, read,
relayed; people reached (distinct recipients of the relays' announcements, active
employees) over the active employees; the relays' own read receipts (announcements').
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, distinct, func, select, update

from ...extensions import db
from ...models import (
    AnnouncementRecipient,
    Briefing,
    BriefingQuestion,
    BriefingRecipient,
    NotificationType,
    User,
)
from ...models._time import utcnow
from ...serializers import user_summary
from .. import notifications
from .reading import access_managed_briefing

PENDING_MAX = 200
#: Briefings whose embargo is older than this are no longer chased.
CHASED_FOR = timedelta(days=30)


def _employees():
    return and_(User.active.is_(True), User.guest_company.is_(None))


def progress(user: User, briefing_id: int) -> dict[str, Any]:
    """The cascade of a briefing: ``{"managers", "read", "relayed", "reached",
    "active_employees", "share_reached", "relay_reads", "questions", "questions_open",
    "not_relayed"}`` (the first managers yet to relay, by name).

    :raise NotFound: not readable. :raise Forbidden: a manager, not the team.
    """
    briefing = access_managed_briefing(user, briefing_id)
    mine = BriefingRecipient.briefing_id == briefing.id
    managers, read, relayed = db.session.execute(
        select(
            func.count(),
            func.count(BriefingRecipient.read_at),
            func.count(BriefingRecipient.relayed_at),
        ).where(mine)
    ).one()
    relays = select(BriefingRecipient.announcement_id).where(
        mine, BriefingRecipient.announcement_id.is_not(None)
    )
    reached = db.session.scalar(
        select(func.count(distinct(AnnouncementRecipient.user_id)))
        .join(User, User.id == AnnouncementRecipient.user_id)
        .where(AnnouncementRecipient.announcement_id.in_(relays), _employees())
    )
    relay_reads = db.session.scalar(
        select(func.count()).where(
            AnnouncementRecipient.announcement_id.in_(relays),
            AnnouncementRecipient.acknowledged_at.is_not(None),
        )
    )
    employees = db.session.scalar(select(func.count()).select_from(User).where(_employees()))
    questions, answered = db.session.execute(
        select(func.count(), func.count(BriefingQuestion.answer)).where(
            BriefingQuestion.briefing_id == briefing.id, BriefingQuestion.asked_by_id.is_not(None)
        )
    ).one()
    pending = db.session.scalars(
        select(User)
        .join(BriefingRecipient, BriefingRecipient.manager_id == User.id)
        .where(mine, BriefingRecipient.relayed_at.is_(None))
        .order_by(User.name_key, User.id)
        .limit(PENDING_MAX)
    ).all()
    return {
        "briefing_id": briefing.id,
        "managers": managers,
        "read": read,
        "relayed": relayed,
        "reached": reached,
        "active_employees": employees,
        "share_reached": round(reached / employees, 4) if employees else 0.0,
        "relay_reads": relay_reads,
        "questions": questions,
        "questions_open": questions - answered,
        "not_relayed": [user_summary(u) for u in pending],
    }


def do_send_relay_reminders(now: datetime | None = None) -> int:
    """Remind, once each, the managers who have not relayed a briefing
    ``remind_after_hours`` after its embargo (the job loop). Each row is claimed with
    ``UPDATE … WHERE reminded_at IS NULL``: two passes or processes never remind twice.
    Returns how many were reminded."""
    now = now or utcnow()
    rows = db.session.execute(
        select(BriefingRecipient.manager_id, Briefing)
        .join(Briefing, Briefing.id == BriefingRecipient.briefing_id)
        .join(User, User.id == BriefingRecipient.manager_id)
        .where(
            BriefingRecipient.relayed_at.is_(None),
            BriefingRecipient.reminded_at.is_(None),
            Briefing.sent_at.is_not(None),
            Briefing.embargo_at <= now,
            Briefing.embargo_at > now - CHASED_FOR,
            User.active.is_(True),
        )
        .order_by(Briefing.id, BriefingRecipient.manager_id)
    ).all()
    sent = 0
    for manager_id, briefing in rows:
        if now < briefing.embargo_at + timedelta(hours=briefing.remind_after_hours):
            continue
        claimed = db.session.execute(
            update(BriefingRecipient)
            .where(
                BriefingRecipient.briefing_id == briefing.id,
                BriefingRecipient.manager_id == manager_id,
                BriefingRecipient.reminded_at.is_(None),
                BriefingRecipient.relayed_at.is_(None),
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        notifications.do_notify(
            [manager_id],
            NotificationType.BRIEFING_REMINDER.value,
            actor=None,
            text=briefing.title,
            params={"url": f"/briefings/{briefing.id}"},
        )
        sent += 1
    return sent
