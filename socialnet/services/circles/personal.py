"""A person's circle data: for their personal-data export (``personal_data.collect``),
the circles they belong to, and what they wrote or did — topics proposed, votes,
syntheses written, sessions they presented or took notes at, whether they came —
wherever the circle is now, since it is their own. Nothing another member wrote leaves a
circle they no longer belong to: the title of a topic they voted for comes only while
they are a member (or if they proposed it). And, when their account is deleted with its
contributions (``account_deletion``, mode ``remove``), their words erased."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update

from ... import policy
from ...extensions import db
from ...models import (
    SYNTHESIS_SECTIONS,
    Circle,
    CircleAttendance,
    CircleSession,
    CircleSynthesis,
    CircleTopic,
    CircleTopicVote,
    Group,
    GroupMembership,
    Post,
    User,
)
from ...models._time import utcnow
from ...serializers import iso


def _circles(user: User) -> list[dict[str, Any]]:
    """The circles ``user`` belongs to now, and whether they facilitate them."""
    rows = db.session.execute(
        select(Circle, Group.name, GroupMembership.created_at)
        .join(Group, Group.id == Circle.group_id)
        .join(GroupMembership, GroupMembership.group_id == Circle.group_id)
        .where(GroupMembership.user_id == user.id)
        .order_by(Circle.group_id)
    ).all()
    return [
        {
            "circle_id": circle.group_id,
            "name": name,
            "cadence": circle.cadence,
            "facilitator": circle.facilitator_id == user.id,
            "joined_at": iso(joined_at),
        }
        for circle, name, joined_at in rows
    ]


def export_entries(user: User) -> dict[str, list[dict[str, Any]]]:
    """``{"circles", "circle_topics", "circle_votes", "circle_sessions",
    "circle_syntheses"}``."""
    topics = db.session.scalars(
        select(CircleTopic).where(CircleTopic.proposed_by_id == user.id).order_by(CircleTopic.id)
    )
    votes = db.session.execute(
        select(
            CircleTopic.id,
            CircleTopic.title,
            CircleTopicVote.created_at,
            (CircleTopic.proposed_by_id == user.id)
            | CircleTopic.circle_id.in_(policy.member_group_ids(user)),
        )
        .join(CircleTopicVote, CircleTopicVote.topic_id == CircleTopic.id)
        .where(CircleTopicVote.user_id == user.id)
        .order_by(CircleTopic.id)
    )
    sessions = db.session.execute(
        select(CircleSession, CircleAttendance.attended)
        .outerjoin(
            CircleAttendance,
            (CircleAttendance.session_id == CircleSession.id)
            & (CircleAttendance.user_id == user.id),
        )
        .where(
            or_(
                CircleSession.presenter_id == user.id,
                CircleSession.scribe_id == user.id,
                CircleAttendance.user_id == user.id,
            )
        )
        .order_by(CircleSession.id)
    )
    syntheses = db.session.scalars(
        select(CircleSynthesis)
        .where(CircleSynthesis.author_id == user.id)
        .order_by(CircleSynthesis.session_id)
    )
    return {
        "circles": _circles(user),
        "circle_topics": [
            {
                "id": t.id,
                "circle_id": t.circle_id,
                "title": t.title,
                "description": t.description,
                "created_at": iso(t.created_at),
            }
            for t in topics
        ],
        "circle_votes": [
            {"topic_id": tid, "title": title if theirs else None, "created_at": iso(at)}
            for tid, title, at, theirs in votes
        ],
        "circle_sessions": [
            {
                "session_id": s.id,
                "circle_id": s.circle_id,
                "presenter": s.presenter_id == user.id,
                "scribe": s.scribe_id == user.id,
                "attended": attended,
            }
            for s, attended in sessions
        ],
        "circle_syntheses": [
            {
                "session_id": y.session_id,
                "post_id": y.post_id,
                "published_at": iso(y.published_at),
                **{key: getattr(y, key) for key in SYNTHESIS_SECTIONS},
            }
            for y in syntheses
        ],
    }


def erase_words_of(user: User) -> None:
    """Erase what ``user`` wrote in circles: the sections of their syntheses (and the
    company-wide copy, which only repeats them, is deleted), their topics' descriptions;
    topics of theirs not presented yet are deleted with their votes. Their synthesis
    posts themselves go with their other posts."""
    copies = select(CircleSynthesis.shared_post_id).where(
        CircleSynthesis.author_id == user.id, CircleSynthesis.shared_post_id.is_not(None)
    )
    db.session.execute(
        update(Post)
        .where(Post.id.in_(copies))
        .values(title=None, body="", body_html="", deleted_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(CircleSynthesis)
        .where(CircleSynthesis.author_id == user.id)
        .values(**dict.fromkeys(SYNTHESIS_SECTIONS, ""))
    )
    db.session.execute(
        delete(CircleTopic).where(
            CircleTopic.proposed_by_id == user.id, CircleTopic.status != "held"
        )
    )
    db.session.execute(
        update(CircleTopic).where(CircleTopic.proposed_by_id == user.id).values(description="")
    )
