"""A person's circle data: for their personal-data export (``personal_data.collect``),
what they wrote or did — topics proposed, votes, syntheses written, sessions they
presented or took notes at, whether they came — wherever the circle is now, since it is
their own (nothing another member wrote); and, when their account is deleted with its
contributions (``account_deletion``, mode ``remove``), their words erased."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select, update

from ...extensions import db
from ...models import (
    SYNTHESIS_SECTIONS,
    CircleAttendance,
    CircleSession,
    CircleSynthesis,
    CircleTopic,
    CircleTopicVote,
    Post,
    User,
)
from ...models._time import utcnow
from ...serializers import iso


def export_entries(user: User) -> dict[str, list[dict[str, Any]]]:
    """``{"circle_topics", "circle_votes", "circle_sessions", "circle_syntheses"}``."""
    topics = db.session.scalars(
        select(CircleTopic).where(CircleTopic.proposed_by_id == user.id).order_by(CircleTopic.id)
    )
    votes = db.session.execute(
        select(CircleTopic.id, CircleTopic.title, CircleTopicVote.created_at)
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
            {"topic_id": tid, "title": title, "created_at": iso(at)} for tid, title, at in votes
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
