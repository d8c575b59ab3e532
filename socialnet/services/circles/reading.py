"""Reading circles: who may see one, the circle, its topics and sessions as a member sees
them, and when a session's synthesis is owed.

The synthesis is owed by the end of the next working day after the session (D+1, in the
company's time zone; Saturday and Sunday are not working days). The scribe is reminded
at :data:`REMINDER_HOUR` on D+1, the facilitator told at :data:`ESCALATION_HOUR` on the
working day after (D+2) if it is still missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import (
    Circle,
    CircleAttendance,
    CircleSession,
    CircleSynthesis,
    CircleTopic,
    CircleTopicVote,
    EventDetails,
    Group,
    GroupMembership,
    Post,
    User,
)
from ...models._time import utcnow
from ...serializers import iso, user_summary
from ..celebrations import company_tz

REMINDER_HOUR = 8
ESCALATION_HOUR = 9
#: What a session's synthesis is: not due yet, owed, late, published, or nothing
#: (the session was cancelled or its event deleted).
SYNTHESIS_STATES = ("upcoming", "owed", "late", "published", "cancelled")


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _utc(day: date, hour: int) -> datetime:
    local = datetime.combine(day, time(hour), tzinfo=company_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SynthesisClock:
    """When the scribe is reminded, when the synthesis is due, when the facilitator is
    told (naive UTC instants)."""

    remind_at: datetime
    due_at: datetime
    escalate_at: datetime


def synthesis_clock(starts_at: datetime) -> SynthesisClock:
    """The clock of a session starting at ``starts_at`` (naive UTC)."""
    day = starts_at.replace(tzinfo=UTC).astimezone(company_tz()).date()
    d1 = _next_working_day(day)
    return SynthesisClock(
        remind_at=_utc(d1, REMINDER_HOUR),
        due_at=_utc(d1 + timedelta(days=1), 0),
        escalate_at=_utc(_next_working_day(d1), ESCALATION_HOUR),
    )


def synthesis_state(
    details: EventDetails | None, synthesis: CircleSynthesis | None, now: datetime
) -> str:
    """One of :data:`SYNTHESIS_STATES` for a session."""
    if synthesis is not None:
        return "published"
    if details is None or details.cancelled_at is not None:
        return "cancelled"
    if details.ends_at > now:
        return "upcoming"
    return "late" if now >= synthesis_clock(details.starts_at).due_at else "owed"


def access_circle(user: User, circle_id: int) -> Circle:
    """The circle ``circle_id`` if ``user`` belongs to it.

    :raise NotFound: missing, or not theirs — one answer for both.
    """
    circle = db.session.get(Circle, circle_id) if isinstance(circle_id, int) else None
    if not policy.can_see_circle(user, circle):
        raise NotFound(_("No such circle."))
    return circle


def access_session(user: User, circle_id: int, session_id: int) -> tuple[Circle, CircleSession]:
    """:raise NotFound: the circle is not ``user``'s, or has no such session."""
    circle = access_circle(user, circle_id)
    session = db.session.get(CircleSession, session_id)
    if session is None or session.circle_id != circle.group_id:
        raise NotFound(_("No such session."))
    return circle, session


def member_ids(circle_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(GroupMembership.user_id)
            .where(GroupMembership.group_id == circle_id)
            .order_by(GroupMembership.user_id)
        )
    )


def _people(ids) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def _summary(people: dict[int, User], user_id: int | None) -> dict[str, Any] | None:
    person = people.get(user_id) if user_id is not None else None
    return user_summary(person) if person is not None else None


def circle_dict(viewer: User, circle: Circle) -> dict[str, Any]:
    """A circle as its members see it (members listed: a circle is small)."""
    group = db.session.get(Group, circle.group_id)
    ids = member_ids(circle.group_id)
    people = _people([*ids, circle.facilitator_id])
    members = sorted(
        (user_summary(people[i]) for i in ids if i in people),
        key=lambda p: p["display_name"].casefold(),
    )
    return {
        "id": circle.group_id,
        "name": group.name,
        "description": group.description,
        "facilitator": _summary(people, circle.facilitator_id),
        "cadence": circle.cadence,
        "members": members,
        "member_count": len(members),
        "created_at": iso(circle.created_at),
        "can_facilitate": policy.can_facilitate(viewer, circle),
        "url": f"/circles/{circle.group_id}",
    }


def list_circles(user: User) -> list[dict[str, Any]]:
    """The circles ``user`` belongs to, by name."""
    circles = db.session.scalars(
        select(Circle)
        .join(Group, Group.id == Circle.group_id)
        .where(policy.visible_circles_filter(user))
        .order_by(Group.name_key, Group.id)
    )
    return [circle_dict(user, c) for c in circles]


def topic_dicts(viewer: User, circle: Circle, topics: list[CircleTopic]) -> list[dict[str, Any]]:
    """Topics with their vote counts and the viewer's vote, in two queries."""
    ids = [t.id for t in topics]
    votes: dict[int, int] = {}
    mine: set[int] = set()
    if ids:
        votes = dict(
            db.session.execute(
                select(CircleTopicVote.topic_id, func.count())
                .where(CircleTopicVote.topic_id.in_(ids))
                .group_by(CircleTopicVote.topic_id)
            ).all()
        )
        mine = set(
            db.session.scalars(
                select(CircleTopicVote.topic_id).where(
                    CircleTopicVote.topic_id.in_(ids), CircleTopicVote.user_id == viewer.id
                )
            )
        )
    people = _people(t.proposed_by_id for t in topics)
    return [
        {
            "id": t.id,
            "circle_id": circle.group_id,
            "title": t.title,
            "description": t.description,
            "proposed_by": _summary(people, t.proposed_by_id),
            "status": t.status,
            "votes": votes.get(t.id, 0),
            "my_vote": t.id in mine,
            "created_at": iso(t.created_at),
            "picked_at": iso(t.picked_at),
        }
        for t in topics
    ]


def list_topics(viewer: User, circle: Circle) -> list[dict[str, Any]]:
    """Topics waiting (picked first, then by votes, then oldest), then those held."""
    topics = list(
        db.session.scalars(
            select(CircleTopic)
            .where(CircleTopic.circle_id == circle.group_id)
            .order_by(CircleTopic.id)
        )
    )
    items = topic_dicts(viewer, circle, topics)
    rank = {"picked": 0, "proposed": 1, "held": 2}
    return sorted(items, key=lambda t: (rank[t["status"]], -t["votes"], t["id"]))


def synthesis_dict(
    synthesis: CircleSynthesis,
    session: CircleSession,
    topic_title: str,
    author: User | None,
    due_at: datetime | None,
) -> dict[str, Any]:
    """A published synthesis: its sections (the scribe's Markdown), where it lives, and
    whether it came by ``due_at`` (the session's :class:`SynthesisClock`)."""
    return {
        "session_id": session.id,
        "circle_id": session.circle_id,
        "topic": topic_title,
        "author": user_summary(author) if author is not None else None,
        "context": synthesis.context,
        "what_was_done": synthesis.what_was_done,
        "what_worked": synthesis.what_worked,
        "tips": synthesis.tips,
        "open_questions": synthesis.open_questions,
        "post_id": synthesis.post_id,
        "shared_post_id": synthesis.shared_post_id,
        "published_at": iso(synthesis.published_at),
        "shared_at": iso(synthesis.shared_at),
        "on_time": due_at is None or synthesis.published_at <= due_at,
    }


def session_dicts(
    viewer: User, circle: Circle, sessions: list[CircleSession], *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Sessions as members see them, with the synthesis' state; a bounded number of
    queries for any number of sessions."""
    now = now or utcnow()
    ids = [s.id for s in sessions]
    event_ids = [s.event_post_id for s in sessions]
    details = {
        d.post_id: d
        for d in db.session.scalars(select(EventDetails).where(EventDetails.post_id.in_(event_ids)))
    }
    live_events = set(
        db.session.scalars(select(Post.id).where(Post.id.in_(event_ids), Post.deleted_at.is_(None)))
    )
    topics = {
        t.id: t
        for t in db.session.scalars(
            select(CircleTopic).where(CircleTopic.id.in_({s.topic_id for s in sessions}))
        )
    }
    syntheses = {
        y.session_id: y
        for y in db.session.scalars(
            select(CircleSynthesis).where(CircleSynthesis.session_id.in_(ids))
        )
    }
    attendance: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for row in db.session.scalars(
        select(CircleAttendance).where(CircleAttendance.session_id.in_(ids))
    ):
        attendance[row.session_id].append((row.user_id, row.attended))
    people = _people(
        [
            *(s.presenter_id for s in sessions),
            *(s.scribe_id for s in sessions),
            *(y.author_id for y in syntheses.values()),
            *(uid for rows in attendance.values() for uid, _came in rows),
        ]
    )
    facilitating = policy.can_facilitate(viewer, circle)
    items = []
    for s in sessions:
        d = details.get(s.event_post_id) if s.event_post_id in live_events else None
        synthesis = syntheses.get(s.id)
        topic = topics[s.topic_id]
        state = synthesis_state(d, synthesis, now)
        clock = synthesis_clock(d.starts_at) if d is not None else None
        items.append(
            {
                "id": s.id,
                "circle_id": circle.group_id,
                "topic": {"id": topic.id, "title": topic.title},
                "event_id": s.event_post_id if d is not None else None,
                "starts_at": iso(d.starts_at) if d else None,
                "ends_at": iso(d.ends_at) if d else None,
                "location": d.location if d else "",
                "cancelled": d is None or d.cancelled_at is not None,
                "presenter": _summary(people, s.presenter_id),
                "scribe": _summary(people, s.scribe_id),
                "attendance": [
                    {"user": _summary(people, uid), "attended": came}
                    for uid, came in sorted(attendance.get(s.id, []))
                    if uid in people
                ]
                if s.attendance_taken_at is not None
                else None,
                "synthesis_state": state,
                "synthesis_due_at": iso(clock.due_at) if clock else None,
                "synthesis": synthesis_dict(
                    synthesis,
                    s,
                    topic.title,
                    people.get(synthesis.author_id),
                    clock.due_at if clock else None,
                )
                if synthesis is not None
                else None,
                "can_write_synthesis": synthesis is None
                and state in ("owed", "late")
                and (s.scribe_id == viewer.id or facilitating),
            }
        )
    return items


def list_sessions(viewer: User, circle: Circle) -> list[dict[str, Any]]:
    """The circle's sessions, latest first."""
    sessions = list(
        db.session.scalars(
            select(CircleSession)
            .where(CircleSession.circle_id == circle.group_id)
            .order_by(CircleSession.id.desc())
        )
    )
    items = session_dicts(viewer, circle, sessions)
    return sorted(items, key=lambda s: (s["starts_at"] or "", s["id"]), reverse=True)
