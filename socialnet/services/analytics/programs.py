"""Announcements, polls, kudos and moderation over a range, as SQL aggregates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, literal, select

from ... import policy
from ...extensions import db
from ...models import (
    Announcement,
    AnnouncementRecipient,
    Ballot,
    CompanyValue,
    GroupMembership,
    Kudos,
    KudosRecipient,
    ModerationCase,
    Poll,
    Post,
    User,
)
from ...serializers import iso
from .periods import Range, as_date, day_bucket, seconds_between

LISTED = 100


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def announcements(viewer: User, period: Range, limit: int = LISTED) -> list[dict[str, Any]]:
    """Announcements published in the range, with recipients, reads and read rate.

    Lists what ``policy.can_see_reach`` would show (``policy.reach_visible_filter``): for
    a community manager, company, site, department and reporting-line announcements, and
    group ones of groups the viewer may read. Cancelled ones are left out. Newest first.
    """
    published = (
        Announcement.published_at >= period.since,
        Announcement.published_at < period.until,
    )
    recipients = (
        select(
            AnnouncementRecipient.announcement_id.label("aid"),
            func.count().label("n"),
            func.count(AnnouncementRecipient.acknowledged_at).label("read"),
        )
        .join(Announcement, Announcement.id == AnnouncementRecipient.announcement_id)
        .where(*published)
        .group_by(AnnouncementRecipient.announcement_id)
        .subquery()
    )
    zero = literal(0)
    query = (
        select(
            Announcement,
            func.coalesce(recipients.c.n, zero),
            func.coalesce(recipients.c.read, zero),
        )
        .outerjoin(recipients, recipients.c.aid == Announcement.id)
        .where(
            *published,
            Announcement.cancelled_at.is_(None),
            policy.reach_visible_filter(viewer),
        )
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .limit(limit)
    )
    return [
        {
            "announcement_id": a.id,
            "post_id": a.post_id,
            "title": a.title,
            "audience_kind": a.audience_kind,
            "audience_value": a.audience_value,
            "group_id": a.group_id,
            "published_at": iso(a.published_at),
            "recipients": n,
            "read": read,
            "read_rate": _rate(read, n),
        }
        for a, n, read in db.session.execute(query)
    ]


def polls(viewer: User, period: Range, limit: int = LISTED) -> list[dict[str, Any]]:
    """Polls created in the range that ``viewer`` may see, with participation.

    ``participation`` is ballots ÷ audience, where the audience of a group poll is the
    group's current members and that of a company poll every active account.
    """
    created = (Post.created_at >= period.since, Post.created_at < period.until)
    ballots = (
        select(Ballot.poll_id, func.count().label("n"))
        .join(Poll, Poll.id == Ballot.poll_id)
        .join(Post, Post.id == Poll.post_id)
        .where(*created)
        .group_by(Ballot.poll_id)
        .subquery()
    )
    members = (
        select(GroupMembership.group_id, func.count().label("n"))
        .group_by(GroupMembership.group_id)
        .subquery()
    )
    company = db.session.scalar(select(func.count()).select_from(User).where(User.active)) or 0
    zero = literal(0)
    query = (
        select(Poll, Post.group_id, func.coalesce(ballots.c.n, zero), members.c.n)
        .join(Post, Post.id == Poll.post_id)
        .outerjoin(ballots, ballots.c.poll_id == Poll.id)
        .outerjoin(members, members.c.group_id == Post.group_id)
        .where(
            *created,
            policy.visible_posts_filter(viewer),
        )
        .order_by(Poll.id.desc())
        .limit(limit)
    )
    out = []
    for poll, group_id, n_ballots, n_members in db.session.execute(query):
        audience = company if group_id is None else (n_members or 0)
        out.append(
            {
                "poll_id": poll.id,
                "post_id": poll.post_id,
                "question": poll.question,
                "group_id": group_id,
                "created_at": iso(poll.created_at),
                "closed": poll.closed_at is not None,
                "ballots": n_ballots,
                "audience": audience,
                "participation": _rate(n_ballots, audience),
            }
        )
    return out


def kudos_per_value(period: Range) -> list[dict[str, Any]]:
    """Kudos given in the range per company value (every value, zero included): kudos
    and the people thanked. Company-wide: values name no group."""
    in_range = and_(
        Kudos.created_at >= period.since,
        Kudos.created_at < period.until,
        Post.deleted_at.is_(None),
        Post.moderation_state == "published",
    )
    kudos = (
        select(Kudos.value_id, func.count().label("n"))
        .join(Post, Post.id == Kudos.post_id)
        .where(in_range)
        .group_by(Kudos.value_id)
        .subquery()
    )
    thanked = (
        select(Kudos.value_id, func.count().label("n"))
        .join(Post, Post.id == Kudos.post_id)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(in_range)
        .group_by(Kudos.value_id)
        .subquery()
    )
    zero = literal(0)
    query = (
        select(CompanyValue, func.coalesce(kudos.c.n, zero), func.coalesce(thanked.c.n, zero))
        .outerjoin(kudos, kudos.c.value_id == CompanyValue.id)
        .outerjoin(thanked, thanked.c.value_id == CompanyValue.id)
        .order_by(func.coalesce(kudos.c.n, zero).desc(), CompanyValue.name)
    )
    return [
        {
            "value_id": value.id,
            "name": value.name,
            "emoji": value.emoji,
            "active": value.active,
            "kudos": n,
            "recipients": r,
        }
        for value, n, r in db.session.execute(query)
    ]


def moderation(period: Range) -> dict[str, Any]:
    """Cases opened and closed per day, the open backlog now, and the median time to
    resolve the cases closed in the range (hours; None when none closed). Company-wide."""
    opened_day = day_bucket(ModerationCase.opened_at, period)
    closed_day = day_bucket(ModerationCase.closed_at, period)
    opened = dict(
        db.session.execute(
            select(opened_day, func.count())
            .where(
                ModerationCase.opened_at >= period.since, ModerationCase.opened_at < period.until
            )
            .group_by(opened_day)
        ).all()
    )
    closed_in = and_(
        ModerationCase.closed_at >= period.since, ModerationCase.closed_at < period.until
    )
    closed = dict(
        db.session.execute(
            select(closed_day, func.count()).where(closed_in).group_by(closed_day)
        ).all()
    )
    opened = {as_date(k): v for k, v in opened.items()}
    closed = {as_date(k): v for k, v in closed.items()}
    backlog = db.session.scalar(
        select(func.count()).select_from(ModerationCase).where(ModerationCase.status == "open")
    )
    return {
        "range": period.as_dict(),
        "opened": sum(opened.values()),
        "closed": sum(closed.values()),
        "open_now": backlog or 0,
        "median_hours_to_resolve": _median_hours(closed_in),
        "daily": [
            {"day": d.isoformat(), "opened": opened.get(d, 0), "closed": closed.get(d, 0)}
            for d in period.days
        ],
    }


def _median_hours(condition) -> float | None:
    """The median of ``closed_at - opened_at`` over the cases matching ``condition``:
    the middle one or two durations, picked in SQL with ORDER BY … LIMIT/OFFSET."""
    n = db.session.scalar(select(func.count()).select_from(ModerationCase).where(condition)) or 0
    if n == 0:
        return None
    duration = seconds_between(ModerationCase.opened_at, ModerationCase.closed_at)
    middle = db.session.scalars(
        select(duration).where(condition).order_by(duration).offset((n - 1) // 2).limit(2 - n % 2)
    ).all()
    return round(float(sum(middle)) / len(middle) / 3600, 2)
