"""Who may see and do what: the one place authorization is decided.

Every read path (feed, permalink, profile, API, socket rooms, catch-up) calls
:func:`visible_posts_filter` or :func:`can_see_post`; every mutation calls a
``can_*`` predicate. A private object that a user may not see must be handled
exactly like a missing one (404).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from .models import Comment, Group, GroupMembership, GroupVisibility, Post, Role, User
from .services.validation import MAX_ID

MODERATOR_ROLES = frozenset({Role.COMMUNITY_MANAGER.value, Role.ADMIN.value})

COMPANY_ROOM = "company"


def is_admin(user: User) -> bool:
    return user.active and user.role == Role.ADMIN.value


def is_moderator(user: User) -> bool:
    return user.active and user.role in MODERATOR_ROLES


#: ``+posts.group_id``: the same value, but no index can serve it. Visibility is a
#: filter, never the way in: without this SQLite walks ``ix_posts_group_id_id`` for
#: ``group_id IS NULL`` (most posts), then sorts the whole table to find the newest
#: 20 — 0.5 s at 200,000 posts instead of 0.1 ms walking the primary key backwards.
_GROUP_OF_POST = UnaryExpression(
    Post.group_id, operator=operators.custom_op("+"), type_=Post.group_id.type
)


def member_group_ids(user: User):
    """SQL subquery of the ids of the groups ``user`` belongs to."""
    return select(GroupMembership.group_id).where(GroupMembership.user_id == user.id)


def readable_group_ids(user: User):
    """SQL subquery of the groups whose content ``user`` may read: public ones and their own."""
    public = select(Group.id).where(Group.visibility == GroupVisibility.PUBLIC.value)
    return public.union_all(member_group_ids(user))  # IN needs no de-duplication


def visible_posts_filter(user: User) -> ColumnElement[bool]:
    """The SQL condition a post must meet to be seen by ``user``.

    Company posts are seen by every active employee; group posts by readers of
    the group; deleted posts by nobody through the product.
    """
    if not user.active:
        return Post.id.is_(None)
    return and_(
        Post.deleted_at.is_(None),
        or_(_GROUP_OF_POST.is_(None), _GROUP_OF_POST.in_(readable_group_ids(user))),
    )


def home_feed_filter(user: User) -> ColumnElement[bool]:
    """Visible posts that belong in the home feed: company space and the user's groups."""
    return and_(
        visible_posts_filter(user),
        or_(_GROUP_OF_POST.is_(None), _GROUP_OF_POST.in_(member_group_ids(user))),
    )


def can_see_post(user: User, post: Post | None) -> bool:
    """Python twin of :func:`visible_posts_filter` for one already-loaded post."""
    if post is None or not user.active or post.deleted_at is not None:
        return False
    if post.group_id is None:
        return True
    return can_read_group(user, post.group_id)


def can_read_group(user: User, group_id: int) -> bool:
    from .extensions import db

    group = db.session.get(Group, group_id)
    if group is None:
        return False
    if group.visibility == GroupVisibility.PUBLIC.value:
        return True
    return is_group_member(user, group_id)


def is_group_member(user: User, group_id: int) -> bool:
    from .extensions import db

    return db.session.get(GroupMembership, (group_id, user.id)) is not None


def readers_among(user_ids: list[int], group_id: int | None) -> list[int]:
    """The people of ``user_ids`` who may read content of ``group_id`` (None: the company).

    Used to record mentions: naming someone in a private group must not give
    them (or a notification built from the mention) a way into the group.
    """
    from .extensions import db

    if not user_ids or group_id is None:
        return user_ids
    group = db.session.get(Group, group_id)
    if group is None:
        return []
    if group.visibility == GroupVisibility.PUBLIC.value:
        return user_ids
    members = set(
        db.session.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group_id, GroupMembership.user_id.in_(user_ids)
            )
        )
    )
    return [uid for uid in user_ids if uid in members]


def can_post_in_group(user: User, group_id: int | None) -> bool:
    """Company posts: any active employee. Group posts: members only."""
    if not user.active:
        return False
    return group_id is None or is_group_member(user, group_id)


def can_edit_post(user: User, post: Post) -> bool:
    """Only the author edits. Moderators may hide or delete, never rewrite someone's words."""
    return user.active and post.author_id == user.id


def can_delete_post(user: User, post: Post) -> bool:
    return user.active and (post.author_id == user.id or is_moderator(user))


def can_delete_comment(user: User, comment: Comment, post: Post) -> bool:
    return user.active and (
        comment.author_id == user.id or post.author_id == user.id or is_moderator(user)
    )


def can_manage_users(user: User) -> bool:
    return is_admin(user)


def rooms_for(user: User) -> list[str]:
    """The Socket.IO rooms a connection of ``user`` joins on connect."""
    from .extensions import db

    if not user.active:
        return []
    group_ids = db.session.scalars(member_group_ids(user)).all()
    return [COMPANY_ROOM, f"user:{user.id}", *(f"group:{gid}" for gid in sorted(group_ids))]


def can_join_room(user: User, room: str) -> bool:
    """May ``user`` listen to ``room``? Unknown room names are refused."""
    if not user.active:
        return False
    if room == COMPANY_ROOM:
        return True
    kind, _, raw_id = room.partition(":")
    # ASCII digits of a storable id only ("²".isdigit() is true; 2**80 overflows SQLite).
    if not (raw_id.isascii() and raw_id.isdigit()) or not 0 < int(raw_id) <= MAX_ID:
        return False
    if kind == "user":
        return int(raw_id) == user.id
    if kind == "group":
        return can_read_group(user, int(raw_id))
    return False


def room_for_post(post: Post) -> str:
    """The room whose listeners may see ``post`` (its audience)."""
    return COMPANY_ROOM if post.group_id is None else f"group:{post.group_id}"
