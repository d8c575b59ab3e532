"""Socket.IO rooms: which a connection joins, which it may join, where an event goes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, bindparam, literal_column, or_, select, union_all

from ..built_once import built_once
from ..extensions import db
from ..limits import MAX_ID
from ..models import Announcement, AnnouncementRecipient, ModerationState, Post, User
from ..models._time import utcnow
from .groups import can_read_group, member_group_ids, readable_group_ids
from .guests import is_guest
from .posts import can_see_post
from .viewer import BoundViewer, bound_viewer, viewer_params

COMPANY_ROOM = "company"


#: Announcement rooms older than this are not joined on connect (``join`` still works).
ANNOUNCEMENT_ROOM_DAYS = 30


def rooms_for(user: User) -> list[str]:
    """The Socket.IO rooms a connection of ``user`` joins on connect (one query)."""
    if not user.active:
        return []
    rows = db.session.execute(union_all(*room_id_selects(bound_viewer(user))), room_params(user))
    return room_names(user, rows)


def room_params(user: User) -> dict[str, Any]:
    """The parameters of :func:`room_id_selects` for ``user``."""
    return {**viewer_params(user), "since": utcnow() - timedelta(days=ANNOUNCEMENT_ROOM_DAYS)}


#: The ``kind`` column of :func:`room_id_selects`' rows.
GROUP_ROWS, ANNOUNCEMENT_ROWS = "group", "announcement"


@built_once
def room_id_selects(viewer: BoundViewer) -> tuple[Select, ...]:
    """The rows ``(id, kind)`` from which :func:`room_names` makes the rooms of an active
    reader: the ids of their groups (``kind`` :data:`GROUP_ROWS`) and, unless a guest, of
    the announcements published since ``:since`` that have a room of their own and that
    they sent or received (:data:`ANNOUNCEMENT_ROWS`). Parameters: :func:`room_params`.

    Selects meant for one ``UNION ALL``, built once per shape of reader (every connect
    runs them): a connect adds its own rows to the same statement, so the whole handshake
    costs one round trip to the database instead of one per kind of room.
    """
    groups = member_group_ids(viewer).add_columns(literal_column(f"'{GROUP_ROWS}'"))
    if is_guest(viewer):  # their groups only: no company room, no announcement
        return (groups,)
    announcements = select(Announcement.id, literal_column(f"'{ANNOUNCEMENT_ROWS}'")).where(
        Announcement.published_at >= bindparam("since"),
        Announcement.audience_kind.in_(PER_ANNOUNCEMENT_ROOM_AUDIENCES),
        # an ex-member of a private group no longer hears its announcements
        or_(
            Announcement.group_id.is_(None),
            Announcement.group_id.in_(readable_group_ids(viewer)),
        ),
        or_(
            Announcement.sender_id == viewer.id,
            Announcement.id.in_(
                select(AnnouncementRecipient.announcement_id).where(
                    AnnouncementRecipient.user_id == viewer.id
                )
            ),
        ),
    )
    return groups, announcements


def room_names(user: User, rows: Iterable[Any]) -> list[str]:
    """The rooms of an active ``user`` from the rows of :func:`room_id_selects` (rows of
    another kind are ignored): the company's (not a guest's), their own, their groups'
    (by id), their announcements' (by id)."""
    ids: dict[str, list[int]] = {GROUP_ROWS: [], ANNOUNCEMENT_ROWS: []}
    for row_id, kind in rows:
        if kind in ids:
            ids[kind].append(row_id)
    own = [f"user:{user.id}", *(f"group:{gid}" for gid in sorted(ids[GROUP_ROWS]))]
    if is_guest(user):
        return own
    return [COMPANY_ROOM, *own, *(f"announcement:{aid}" for aid in sorted(ids[ANNOUNCEMENT_ROWS]))]


#: Audiences that have no room of their own: their announcement gets one. A group's
#: room is not its audience: readers of a public group listen to it without being
#: members, and members who join later were not addressed.
PER_ANNOUNCEMENT_ROOM_AUDIENCES = ("reports", "site", "department", "group")


def announcement_room(announcement: Announcement) -> str:
    """The room of an announcement's audience: the company's, or its own."""
    if announcement.audience_kind == "company":
        return COMPANY_ROOM
    return f"announcement:{announcement.id}"


def can_join_room(user: User, room: str) -> bool:
    """May ``user`` listen to ``room``? Unknown room names are refused."""
    if not user.active:
        return False
    if room == COMPANY_ROOM:
        return not is_guest(user)
    kind, _, raw_id = room.partition(":")
    # ASCII digits of a storable id only ("²".isdigit() is true; 2**80 overflows SQLite).
    if not (raw_id.isascii() and raw_id.isdigit()) or not 0 < int(raw_id) <= MAX_ID:
        return False
    if kind == "user":
        return int(raw_id) == user.id
    if kind == "group":
        return can_read_group(user, int(raw_id))
    if kind == "announcement":
        announcement = db.session.get(Announcement, int(raw_id))
        post = (
            db.session.get(Post, announcement.post_id)
            if announcement and announcement.post_id
            else None
        )
        return can_see_post(user, post)
    return False


def room_for_post(post: Post) -> str:
    """The room whose listeners may see ``post`` (its audience).

    A post that is not published (held for approval, hidden) reaches its author only.
    """
    if post.moderation_state != ModerationState.PUBLISHED.value:
        return f"user:{post.author_id}"
    return audience_room_for_post(post)


def audience_room_for_post(post: Post) -> str:
    """The room of everyone who could see ``post`` if it were published."""
    if post.kind == "announcement":
        announcement = db.session.scalar(
            select(Announcement).where(Announcement.post_id == post.id)
        )
        if announcement is not None:
            return announcement_room(announcement)
    return COMPANY_ROOM if post.group_id is None else f"group:{post.group_id}"
