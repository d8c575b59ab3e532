"""Reading the register: who sees a pain point, the pain point as each viewer sees it,
its lock, and ``pain_point.updated`` (the public view, after the change that caused it).

Seeing a pain point is seeing its post (``policy.visible_posts_filter``): one raised in a
private group is a 404 to everyone outside the group, exactly like a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import PainPoint, PainPointFollower, PainPointVote, Post, User
from ...models._time import utcnow
from ...realtime.publisher import lock_event_log, publish
from ...serializers import pain_point_dict
from .. import attachments

KIND = "pain_point"
UPDATED = "pain_point.updated"
#: "Recent growth": the votes of the last this many days.
GROWTH_DAYS = 7


def access_pain_point(user: User, pain_point_id: int) -> tuple[Post, PainPoint]:
    """The pain point ``pain_point_id`` (its post id) if ``user`` may see it.

    :raise NotFound: missing, not a pain point, deleted, or somewhere ``user`` cannot read.
    """
    post = db.session.scalar(
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.id == pain_point_id, Post.kind == KIND, policy.visible_posts_filter(user))
    )
    details = db.session.get(PainPoint, pain_point_id) if post is not None else None
    if post is None or details is None:
        raise NotFound(_("No such pain point."))
    return post, details


def lock_pain_point(pain_point_id: int) -> PainPoint:
    """Take the pain point's row for this transaction: votes, triage and merges of one
    pain point happen one at a time (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a
    write to the row, which takes the single write lock), and what is read after is
    current."""
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(
            update(PainPoint)
            .where(PainPoint.post_id == pain_point_id)
            .values(updated_at=PainPoint.updated_at)
        )
    return db.session.scalars(
        select(PainPoint)
        .where(PainPoint.post_id == pain_point_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def growth_since(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=GROWTH_DAYS)


def vote_counts(ids: list[int]) -> dict[int, dict[str, int]]:
    """``{id: {"votes", "recent_votes"}}`` in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"votes": 0, "recent_votes": 0})
    if ids:
        since = growth_since()
        rows = db.session.execute(
            select(
                PainPointVote.post_id,
                func.count(),
                func.count().filter(PainPointVote.created_at >= since),
            )
            .where(PainPointVote.post_id.in_(ids))
            .group_by(PainPointVote.post_id)
        )
        for post_id, votes, recent in rows:
            counts[post_id] = {"votes": votes, "recent_votes": recent}
    return counts


def _mine(model: type, viewer: User, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(model.post_id).where(model.post_id.in_(ids), model.user_id == viewer.id)
        )
    )


def _owners(details: list[PainPoint]) -> dict[int, User]:
    ids = {d.owner_id for d in details if d.owner_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def is_open(details: PainPoint) -> bool:
    return details.merged_into_id is None and details.status not in ("solved", "wont_fix")


def pain_points_for_posts(viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """The attachment loader of ``pain_point`` posts: ``{post_id: pain point}`` as
    ``viewer`` sees it, in five queries for a whole page."""
    ids = [p.id for p in posts]
    rows = db.session.scalars(select(PainPoint).where(PainPoint.post_id.in_(ids)))
    details = {d.post_id: d for d in rows}
    counts = vote_counts(ids)
    voted = _mine(PainPointVote, viewer, ids)
    followed = _mine(PainPointFollower, viewer, ids)
    owners = _owners(list(details.values()))
    result = {}
    for post in posts:
        if post.id not in details:
            continue
        d = details[post.id]
        writable = viewer.active and not policy.is_read_only(post)
        result[post.id] = pain_point_dict(
            post,
            d,
            counts[post.id],
            owner=owners.get(d.owner_id) if d.owner_id is not None else None,
            viewer={
                "my_vote": post.id in voted,
                "following": post.id in followed,
                "can_vote": writable and is_open(d),
                "can_edit": writable and policy.can_edit_pain_point(viewer, post),
                "can_triage": writable and policy.can_move_pain_point(viewer, post, d.owner_id),
            },
        )
    return result


attachments.register(KIND, pain_points_for_posts)


def pain_point_for(viewer: User, post: Post) -> dict[str, Any]:
    """One pain point as ``viewer`` sees it (``GET /pain-points/{id}``, every answer)."""
    return pain_points_for_posts(viewer, [post])[post.id]


def publish_update(post: Post, details: PainPoint) -> None:
    """``pain_point.updated`` to the pain point's audience: the public view (no per-viewer
    fields), read after :func:`lock_event_log` so it carries the figures of this commit."""
    lock_event_log()
    owner = db.session.get(User, details.owner_id) if details.owner_id is not None else None
    data = pain_point_dict(post, details, vote_counts([post.id])[post.id], owner=owner)
    publish(UPDATED, data, room=policy.room_for_post(post), post_id=post.id)
