"""Replay of missed events to a reconnecting client, filtered by current visibility."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from .. import policy
from ..built_once import built_once
from ..extensions import db
from ..models import Comment, Event, FileUpload, Group, Notification, Post, User
from ..serializers import iso, notification_dict, user_profile
from ..services.files import files_for_comments, files_for_posts
from ..services.notifications import ACTOR as NOTIFICATION_ACTOR
from ..services.notifications import EVENT_TYPE as NOTIFICATION_EVENT
from ..services.notifications import previews as notification_previews
from .publisher import envelope

#: Events that carry only ids: replayed even when the post is no longer visible,
#: so the client can drop what it shows.
TOMBSTONE_TYPES = ("post.deleted", "comment.deleted", "post.hidden", "comment.hidden")
#: Events carrying a comment's text: not replayed once it is deleted or hidden.
_COMMENT_SNAPSHOTS = ("comment.created", "comment.updated")


_HEAD = select(func.max(Event.id))

#: The author of a replayed event's post, read with the replay (``row.author``).
_AUTHOR = aliased(User, name="author")


def head_event_id() -> int:
    return db.session.scalar(_HEAD) or 0


#: The ``kind`` of the row of :func:`rooms_and_head` that carries the head.
_HEAD_ROW = "head"


@built_once
def _rooms_and_head_statement(viewer: policy.BoundViewer) -> CompoundSelect:
    return union_all(
        *policy.room_id_selects(viewer),
        select(func.max(Event.id), literal_column(f"'{_HEAD_ROW}'")),
    )


def rooms_and_head(user: User) -> tuple[list[str], int]:
    """``policy.rooms_for(user)`` and :func:`head_event_id`, read in one statement (every
    socket connect needs both: one round trip to the database instead of three).

    The head is read before the caller joins the rooms, so it may be lower than the
    newest id by then, never higher: a client takes every id up to the head as applied,
    and resuming from a lower head only replays what it drops as already seen.
    """
    if not user.active:
        return [], head_event_id()
    rows = db.session.execute(
        _rooms_and_head_statement(policy.bound_viewer(user)), policy.room_params(user)
    ).all()
    head = next((row_id for row_id, kind in rows if kind == _HEAD_ROW), None)
    return policy.room_names(user, rows), head or 0


def catchup_events(
    user: User, after_id: int, limit: int, rooms: list[str] | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """Events above ``after_id`` that ``user`` may see now, oldest first.

    Returns ``(events, truncated)``; ``truncated`` means more than ``limit``
    were missed and the client should reload instead of replaying. ``rooms``: the
    connection's rooms, ``policy.rooms_for(user)`` (asked when not given).
    """
    if rooms is None:
        rooms = policy.rooms_for(user)
    params = {**policy.viewer_params(user), "after_id": after_id, "rooms": rooms}
    query = _catchup_statement(policy.bound_viewer(user))
    rows = db.session.execute(query, {**params, "limit": limit + 1}).all()
    events = [envelope(row.id, row.type, json.loads(row.payload)) for row in rows[:limit]]
    # The replay's rows carry their post and its author as they are now: most snapshots
    # need no other read.
    posts_now = {row.post_id: _post_now(row) for row in rows[:limit] if row.post_id is not None}
    authors_now = {row.author.id: row.author for row in rows[:limit] if row.author is not None}
    events = _with_current_notifications(user, _without_deleted_comments(user, events))
    snapshots = _Snapshots()
    for event in events:
        snapshots.collect(event["data"])
    _refresh_posts(snapshots.posts, posts_now)
    _refresh_comments(snapshots.comments)
    _refresh_people(snapshots.people, authors_now)
    return events, len(rows) > limit


@built_once
def _catchup_statement(viewer: policy.BoundViewer) -> Select:
    """:func:`catchup_events`' query for one shape of reader, built once (a reconnect
    storm runs it thousands of times): ``viewer_id``, ``after_id``, ``rooms``, ``limit``.

    Each row also carries the event's post as it is now (:data:`_POST_NOW`, NULL when it
    is gone) and that post's author (:data:`_AUTHOR`), so replaying a post's current text
    and its author's current name costs no other statement."""
    return (
        select(Event.id, Event.type, Event.payload, *_POST_NOW, _AUTHOR)
        .select_from(Event)
        .outerjoin(Post, Post.id == Event.post_id)
        .outerjoin(_AUTHOR, _AUTHOR.id == Post.author_id)
        .where(
            Event.id > bindparam("after_id"),
            Event.room.in_(bindparam("rooms", expanding=True)),
            or_(
                Event.post_id.is_(None),
                Event.type.in_(TOMBSTONE_TYPES),
                policy.visible_posts_filter(viewer),
            ),
            or_(
                Event.group_id.is_(None),
                Event.group_id.in_(select(Group.id).where(policy.visible_groups_filter(viewer))),
            ),
        )
        .order_by(Event.id)
        .limit(bindparam("limit", type_=Integer))
    )


#: The keys by which an event's payload names a person (``serializers.user_summary``).
_PERSON_KEYS = frozenset({"id", "display_name", "handle", "initials"})
_TEXT_KEYS = frozenset({"id", "body", "body_html"})


@dataclass
class _Snapshots:
    """The post, comment and person snapshots of payloads, wherever they are nested
    (``post.created``'s data, ``kudos.created``'s ``post`` and ``recipients``, a
    comment's ``author``…): catch-up replays each as it is now, so text edited out
    since, or a deleted person's identity, is not sent again."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)

    def collect(self, value: Any) -> None:
        if isinstance(value, dict):
            keys = value.keys()
            if keys >= _TEXT_KEYS:
                is_comment = "post_id" in keys and "kind" not in keys
                (self.comments if is_comment else self.posts).append(value)
            elif keys >= _PERSON_KEYS:
                self.people.append(value)
            for item in value.values():
                if isinstance(item, dict | list):
                    self.collect(item)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict | list):
                    self.collect(item)


#: A post as a replay shows it now: its text, and whether any file is attached (a post
#: without files, most of them, needs no read of its files).
_POST_NOW = (
    Post.id.label("post_id"),
    Post.body,
    Post.body_html,
    Post.title,
    Post.edited_at,
    select(FileUpload.id).where(FileUpload.post_id == Post.id).exists().label("has_files"),
)


@dataclass(frozen=True)
class _PostNow:
    """The current fields of a post that a snapshot takes, and whether it has files."""

    fields: dict[str, Any]
    has_files: bool


def _post_now(row: Any) -> _PostNow:
    fields = {
        "body": row.body,
        "body_html": row.body_html,
        "title": row.title,
        "edited_at": iso(row.edited_at),
    }
    return _PostNow(fields, bool(row.has_files))


#: The refreshes of a replay, built once (a reconnect storm replays to every open page).
_CURRENT_POSTS = select(*_POST_NOW).where(Post.id.in_(bindparam("ids", expanding=True)))
_CURRENT_COMMENTS = select(Comment.id, Comment.body, Comment.body_html).where(
    Comment.id.in_(bindparam("ids", expanding=True))
)
_CURRENT_PEOPLE = select(User).where(User.id.in_(bindparam("ids", expanding=True)))


def _refresh_posts(
    snapshots: list[dict[str, Any]], known: dict[int, _PostNow] | None = None
) -> None:
    """Post snapshots as the posts are now; ``known``: posts already read (by id), the
    others are read in one statement. A snapshot of a post that is gone is left as is."""
    ids = {snapshot["id"] for snapshot in snapshots}
    if not ids:
        return
    current = {post_id: now for post_id, now in (known or {}).items() if post_id in ids}
    if missing := ids - current.keys():
        rows = db.session.execute(_CURRENT_POSTS, {"ids": list(missing)})
        current.update((row.post_id, _post_now(row)) for row in rows)
    for snapshot in snapshots:
        if snapshot["id"] in current:
            snapshot.update(current[snapshot["id"]].fields)
    without = {post_id for post_id, now in current.items() if not now.has_files}
    _refresh_files(snapshots, files_for_posts, without)


def _refresh_files(
    snapshots: list[dict[str, Any]], files_for: Any, without: Collection[int] = ()
) -> None:
    """Snapshots that carry ``files`` get the files attached now (an edit may have
    removed some: their links would be dead, their names gone); those whose id is in
    ``without`` (known to have none now) get none without a read."""
    carrying = [snapshot for snapshot in snapshots if "files" in snapshot]
    if ids := {snapshot["id"] for snapshot in carrying}.difference(without):
        current = files_for(list(ids))
    else:
        current = {}
    for snapshot in carrying:
        snapshot["files"] = current.get(snapshot["id"], [])


def _refresh_comments(snapshots: list[dict[str, Any]]) -> None:
    ids = {snapshot["id"] for snapshot in snapshots}
    if not ids:
        return
    rows = db.session.execute(_CURRENT_COMMENTS, {"ids": list(ids)}).all()
    current = {row.id: {"body": row.body, "body_html": row.body_html} for row in rows}
    for snapshot in snapshots:
        if snapshot["id"] in current:
            snapshot.update(current[snapshot["id"]])
    _refresh_files(snapshots, files_for_comments)


#: A notification's group, built once (an ORM alias costs ~1–2 ms to build); its actor is
#: the notification centre's alias.
_GROUP = aliased(Group, name="notified_group")


def _with_current_notifications(user: User, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replay a notification as the notification centre shows it now (its summary names
    its actor and group as they are now), or not at all once it is gone."""
    ids = [e["data"]["id"] for e in events if e["type"] == NOTIFICATION_EVENT]
    if not ids:
        return events
    rows = db.session.execute(
        select(Notification, NOTIFICATION_ACTOR, _GROUP, Post)
        .outerjoin(NOTIFICATION_ACTOR, NOTIFICATION_ACTOR.id == Notification.actor_id)
        .outerjoin(_GROUP, _GROUP.id == Notification.group_id)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(Notification.id.in_(ids))
    ).all()
    found = notification_previews([(n, p) for n, _a, _g, p in rows], user.id)
    current = {n.id: notification_dict(n, a, g, found.get(n.id)) for n, a, g, _p in rows}
    kept = []
    for event in events:
        if event["type"] == NOTIFICATION_EVENT:
            if event["data"]["id"] not in current:
                continue
            event["data"] = current[event["data"]["id"]]
        kept.append(event)
    return kept


def _refresh_people(snapshots: list[dict[str, Any]], known: dict[int, User] | None = None) -> None:
    """Person snapshots as the people are now; only the keys a snapshot had are set (a
    summary stays a summary). ``known``: people already read (by id), the others are read
    in one statement."""
    ids = {snapshot["id"] for snapshot in snapshots if isinstance(snapshot["id"], int)}
    if not ids:
        return
    users = [user for user_id, user in (known or {}).items() if user_id in ids]
    if missing := ids.difference(user.id for user in users):
        users.extend(db.session.scalars(_CURRENT_PEOPLE, {"ids": list(missing)}))
    current = {user.id: user_profile(user) for user in users}
    for snapshot in snapshots:
        now = current.get(snapshot["id"])
        if now is not None:
            snapshot.update({key: now[key] for key in snapshot.keys() & now.keys()})


def _without_deleted_comments(user: User, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop ``comment.created`` and ``comment.updated`` snapshots of comments deleted or
    hidden since, or held for approval and not ``user``'s (their tombstone stays).

    Like a deleted post's ``post.created``, a removed comment's text is not sent again.
    """
    ids = [e["data"]["id"] for e in events if e["type"] in _COMMENT_SNAPSHOTS]
    if not ids:
        return events
    deleted = set(
        db.session.scalars(
            select(Comment.id).where(Comment.id.in_(ids), ~policy.visible_comments_filter(user))
        )
    )
    return [
        e for e in events if not (e["type"] in _COMMENT_SNAPSHOTS and e["data"]["id"] in deleted)
    ]
