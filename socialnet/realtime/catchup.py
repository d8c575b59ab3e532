"""Replay of missed events to a reconnecting client, filtered by current visibility."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, or_, select

from .. import policy
from ..extensions import db
from ..models import Comment, Event, Group, Post, User
from ..serializers import iso
from .publisher import envelope

#: Events that carry only ids: replayed even when the post is no longer visible,
#: so the client can drop what it shows.
TOMBSTONE_TYPES = ("post.deleted", "comment.deleted", "post.hidden", "comment.hidden")


def head_event_id() -> int:
    return db.session.scalar(select(func.max(Event.id))) or 0


def catchup_events(user: User, after_id: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Events above ``after_id`` that ``user`` may see now, oldest first.

    Returns ``(events, truncated)``; ``truncated`` means more than ``limit``
    were missed and the client should reload instead of replaying.
    """
    rooms = policy.rooms_for(user)
    query = (
        select(Event)
        .outerjoin(Post, Post.id == Event.post_id)
        .where(
            Event.id > after_id,
            Event.room.in_(rooms),
            or_(
                Event.post_id.is_(None),
                Event.type.in_(TOMBSTONE_TYPES),
                policy.visible_posts_filter(user),
            ),
            or_(
                Event.group_id.is_(None),
                Event.group_id.in_(select(Group.id).where(policy.visible_groups_filter(user))),
            ),
        )
        .order_by(Event.id)
        .limit(limit + 1)
    )
    rows = list(db.session.scalars(query))
    events = [envelope(e.id, e.type, json.loads(e.payload)) for e in rows[:limit]]
    return _with_current_text(_without_deleted_comments(user, events)), len(rows) > limit


def _with_current_text(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replay posts as they read now: text the author edited out is not sent again."""
    ids = {e["data"]["id"] for e in events if e["type"] in ("post.created", "post.updated")}
    if not ids:
        return events
    current = {
        post.id: _editable_fields(post)
        for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))
    }
    for event in events:
        if event["type"] in ("post.created", "post.updated") and event["data"]["id"] in current:
            event["data"].update(current[event["data"]["id"]])
    return events


def _editable_fields(post: Post) -> dict[str, Any]:
    return {
        "body": post.body,
        "body_html": post.body_html,
        "title": post.title,
        "edited_at": iso(post.edited_at),
    }


def _without_deleted_comments(user: User, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop ``comment.created`` snapshots of comments deleted or hidden since, or held for
    approval and not ``user``'s (their tombstone stays).

    Like a deleted post's ``post.created``, a removed comment's text is not sent again.
    """
    ids = [e["data"]["id"] for e in events if e["type"] == "comment.created"]
    if not ids:
        return events
    deleted = set(
        db.session.scalars(
            select(Comment.id).where(Comment.id.in_(ids), ~policy.visible_comments_filter(user))
        )
    )
    return [
        e for e in events if not (e["type"] == "comment.created" and e["data"]["id"] in deleted)
    ]
