"""A person's pain-point data, for their personal-data export (``personal_data.collect``):
the pain points they added their voice to and those they follow (the ones they filed are
among their posts).

Each vote and follow is theirs and is listed wherever the pain point is now; its title
comes with it only while the person may still read it (``policy.visible_posts_filter``):
one raised in a secret group they have left is listed by its id alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import PainPointFollower, PainPointVote, Post, User
from ...serializers import iso


def _titles(user: User, ids: list[int]) -> dict[int, str | None]:
    """Titles of the pain points ``user`` may still read, by id."""
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Post.id, Post.title).where(Post.id.in_(ids), policy.visible_posts_filter(user))
        ).all()
    )


def export_entries(user: User) -> dict[str, list[dict[str, Any]]]:
    """``{"pain_point_votes": [...], "pain_points_followed": [...]}``, each entry
    ``{"pain_point_id", "title" (null once unreadable), "voted_at" | "followed_at"}``."""
    votes = db.session.execute(
        select(PainPointVote.post_id, PainPointVote.created_at)
        .where(PainPointVote.user_id == user.id)
        .order_by(PainPointVote.post_id)
    ).all()
    follows = db.session.execute(
        select(PainPointFollower.post_id, PainPointFollower.created_at)
        .where(PainPointFollower.user_id == user.id)
        .order_by(PainPointFollower.post_id)
    ).all()
    titles = _titles(user, sorted({pid for pid, _at in [*votes, *follows]}))
    return {
        "pain_point_votes": [
            {"pain_point_id": pid, "title": titles.get(pid), "voted_at": iso(at)}
            for pid, at in votes
        ],
        "pain_points_followed": [
            {"pain_point_id": pid, "title": titles.get(pid), "followed_at": iso(at)}
            for pid, at in follows
        ],
    }
