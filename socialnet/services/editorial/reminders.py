"""The editorial calendar's clock, from the job loop (``socialnet/jobs.py``).

- **Reminders**: an assignee is told once, within :data:`REMIND_BEFORE` of an item's
  ``due_at``, while the item is not yet scheduled, published or dropped. Claimed with
  ``UPDATE editorial_items SET reminded_at … WHERE reminded_at IS NULL``.
- **Weekly summary**: from Monday :data:`SUMMARY_HOUR` (company time), each community
  manager and administrator is told how many items they may see are late. The row
  ``editorial_summaries (user_id, week_start)`` is inserted with ``ON CONFLICT DO NOTHING``:
  only the pass that wrote it notifies, so nobody gets two summaries in a week.

Both are notifications worded when read, in each reader's language (``serializers``).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ... import policy
from ...extensions import db
from ...models import EditorialItem, EditorialSummary, NotificationType, User
from ...models._time import utcnow
from .. import notifications
from ..celebrations import company_today, company_tz

REMIND_BEFORE = timedelta(hours=24)
SUMMARY_HOUR = 8
#: Items still being written: those a reminder or the summary is about.
OPEN_STATUSES = ("idea", "assigned", "draft")


def _calendar_url(moment: datetime) -> str:
    return f"/editorial?date={company_today(moment).isoformat()}"


def _claim(item_id: int, now: datetime) -> bool:
    changed = db.session.execute(
        update(EditorialItem)
        .where(EditorialItem.id == item_id, EditorialItem.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def do_send_item_reminders(now: datetime | None = None) -> int:
    """Remind the assignees of the items due within a day; returns how many were told.
    An assignee who may no longer read the item's target group is not told (nor is the
    item marked reminded)."""
    now = now or utcnow()
    due = db.session.execute(
        select(
            EditorialItem.id,
            EditorialItem.assignee_id,
            EditorialItem.title,
            EditorialItem.due_at,
            EditorialItem.group_id,
        )
        .where(
            EditorialItem.assignee_id.is_not(None),
            EditorialItem.reminded_at.is_(None),
            EditorialItem.status.in_(OPEN_STATUSES),
            EditorialItem.due_at > now,
            EditorialItem.due_at <= now + REMIND_BEFORE,
        )
        .order_by(EditorialItem.due_at, EditorialItem.id)
        .limit(500)
    ).all()
    sent = 0
    for item_id, assignee_id, title, due_at, group_id in due:
        if not policy.readers_among([assignee_id], group_id):
            continue
        if _claim(item_id, now):
            rows = notifications.do_notify(
                [assignee_id],
                NotificationType.EDITORIAL_DUE,
                actor=None,
                text=title,
                params={"url": _calendar_url(due_at), "item_id": item_id},
            )
            sent += len(rows)
    return sent


def week_start(now: datetime) -> datetime:
    """Monday ``SUMMARY_HOUR`` of ``now``'s week, company time, as naive UTC."""
    today = company_today(now)
    monday = today - timedelta(days=today.weekday())
    local = datetime.combine(monday, time(SUMMARY_HOUR), tzinfo=company_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


def _late_count(user: User, now: datetime) -> int:
    return db.session.scalar(
        select(func.count(EditorialItem.id)).where(
            policy.editorial_items_visible_filter(user),
            EditorialItem.status.in_(OPEN_STATUSES),
            EditorialItem.due_at < now,
        )
    )


def _record(user_id: int, monday, late: int) -> bool:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(EditorialSummary)
        .values(user_id=user_id, week_start=monday, late_count=late, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "week_start"])
        .returning(EditorialSummary.user_id)
    )
    return db.session.scalar(stmt) is not None


def do_send_weekly_summaries(now: datetime | None = None) -> int:
    """From Monday morning, tell each community manager and administrator (once this
    week) how many items are late; returns how many were told (nobody when none is)."""
    now = now or utcnow()
    start = week_start(now)
    if now < start:
        return 0
    monday = company_today(start)
    waiting = db.session.scalars(
        select(User)
        .where(
            policy.moderators_filter(),
            User.id.not_in(
                select(EditorialSummary.user_id).where(EditorialSummary.week_start == monday)
            ),
        )
        .order_by(User.id)
    ).all()
    sent = 0
    for person in waiting:
        late = _late_count(person, now)
        if _record(person.id, monday, late) and late:
            rows = notifications.do_notify(
                [person.id],
                NotificationType.EDITORIAL_LATE,
                actor=None,
                text=str(late),
                params={"url": "/editorial", "count": late},
            )
            sent += len(rows)
    return sent
