"""Replay of missed events to a reconnecting client, filtered by current visibility."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from .. import policy
from ..extensions import db
from ..models import Comment, Event, Group, Notification, Post, User
from ..serializers import iso, notification_dict, user_profile
from ..services.notifications import EVENT_TYPE as NOTIFICATION_EVENT
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
    events = _with_current_text(_without_deleted_comments(user, events))
    return _with_current_people(_with_current_notifications(events)), len(rows) > limit


def _texts_in(value: Any, posts: list[dict], comments: list[dict]) -> None:
    """Collect the post and comment snapshots in a payload, wherever they are nested
    (``post.created``'s data, ``kudos.created``'s ``post``, ``comment.created``…)."""
    if isinstance(value, dict):
        if {"id", "body", "body_html"} <= value.keys():
            (comments if "post_id" in value and "kind" not in value else posts).append(value)
        for item in value.values():
            _texts_in(item, posts, comments)
    elif isinstance(value, list):
        for item in value:
            _texts_in(item, posts, comments)


def _with_current_text(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replay posts and comments as they read now: text edited out since, or a deleted
    person's handle renamed since, is not sent again."""
    posts: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    for event in events:
        _texts_in(event["data"], posts, comments)
    if posts:
        ids = {p["id"] for p in posts}
        current = {
            post.id: _editable_fields(post)
            for post in db.session.scalars(select(Post).where(Post.id.in_(ids)))
        }
        for snapshot in posts:
            if snapshot["id"] in current:
                snapshot.update(current[snapshot["id"]])
    if comments:
        ids = {c["id"] for c in comments}
        rows = db.session.execute(
            select(Comment.id, Comment.body, Comment.body_html).where(Comment.id.in_(ids))
        ).all()
        text = {row.id: {"body": row.body, "body_html": row.body_html} for row in rows}
        for snapshot in comments:
            if snapshot["id"] in text:
                snapshot.update(text[snapshot["id"]])
    return events


def _with_current_notifications(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replay a notification as the notification centre shows it now (its summary names
    its actor and group as they are now), or not at all once it is gone."""
    ids = [e["data"]["id"] for e in events if e["type"] == NOTIFICATION_EVENT]
    if not ids:
        return events
    actor, group = aliased(User), aliased(Group)
    rows = db.session.execute(
        select(Notification, actor, group)
        .outerjoin(actor, actor.id == Notification.actor_id)
        .outerjoin(group, group.id == Notification.group_id)
        .where(Notification.id.in_(ids))
    ).all()
    current = {n.id: notification_dict(n, a, g) for n, a, g in rows}
    kept = []
    for event in events:
        if event["type"] == NOTIFICATION_EVENT:
            if event["data"]["id"] not in current:
                continue
            event["data"] = current[event["data"]["id"]]
        kept.append(event)
    return kept


#: The keys by which an event's payload names a person (``serializers.user_summary``).
_PERSON_KEYS = frozenset({"id", "display_name", "handle", "initials"})


def _people_in(value: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        if value.keys() >= _PERSON_KEYS:
            found.append(value)
        for item in value.values():
            _people_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _people_in(item, found)


def _with_current_people(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name people as they are now, wherever a payload names them (author, actor, giver,
    recipients…): a snapshot taken before someone deleted their account, or changed their
    name, must not bring the old identity back. Only the keys the snapshot had are set."""
    found: list[dict[str, Any]] = []
    for event in events:
        _people_in(event["data"], found)
    ids = {person["id"] for person in found if isinstance(person["id"], int)}
    if not ids:
        return events
    now = {u.id: user_profile(u) for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    for person in found:
        current = now.get(person["id"])
        if current is not None:
            person.update({key: current[key] for key in person.keys() & current.keys()})
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
