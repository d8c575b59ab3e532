"""Reading groups: who may open one, the directory, a group's card and its feed."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select, tuple_

from ... import policy
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...models import (
    Announcement,
    Group,
    GroupJoinRequest,
    GroupMembership,
    Post,
    User,
)
from ...pagination import decode_cursor, encode_cursor
from ...serializers import group_dict
from ...text_keys import like_anywhere
from ..feed import page_of_posts
from ..validation import (
    check_filter_text,
)


def _room(group_id: int) -> str:
    return f"group:{group_id}"


def access_group(user: User, group_id: int) -> Group:
    """The group if ``user`` may know it exists. :raise NotFound: missing or secret to them."""
    group = db.session.get(Group, group_id)
    if not policy.can_see_group(user, group):
        raise NotFound(_("No such group."))
    return group


def access_readable_group(user: User, group_id: int) -> Group:
    """The group if ``user`` may read its content.

    :raise NotFound: as :func:`access_group`. :raise Forbidden: a private group's
        outsider (its existence is public, its content is not).
    """
    group = access_group(user, group_id)
    if not policy.can_read_group(user, group.id):
        raise Forbidden(_("This group is private: ask to join to read it."))
    return group


def member_count(group_id: int) -> int:
    return db.session.scalar(select(func.count()).where(GroupMembership.group_id == group_id))


def describe(user: User, group: Group) -> dict[str, Any]:
    """The group as ``user`` sees it: with their role and whether they asked to join."""
    pending = db.session.get(GroupJoinRequest, (group.id, user.id)) is not None
    return group_dict(
        group,
        member_count=member_count(group.id),
        my_role=policy.group_role(user, group.id),
        request_pending=pending,
    )


def _is_group_key(key: Any) -> bool:
    return (
        isinstance(key, list)
        and len(key) == 3
        and key[0] in (0, 1)
        and isinstance(key[1], str)
        and isinstance(key[2], int)
        and not isinstance(key[2], bool)
    )


def list_groups(
    user: User, *, query: str | None, mine: bool, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Groups ``user`` may know of, official first, then by name; ``mine``: theirs only."""
    query = check_filter_text(query, "q", max_len=100)
    rank = case((Group.is_official.is_(True), 0), else_=1)
    name_key = Group.name_key
    stmt = (
        select(Group, rank, name_key)
        .where(policy.visible_groups_filter(user))
        .order_by(rank, name_key, Group.id)
        .limit(limit + 1)
    )
    if mine:
        stmt = stmt.where(Group.id.in_(policy.member_group_ids(user)))
    if query:
        stmt = stmt.where(name_key.like(like_anywhere(query), escape="\\"))
    scope = f"groups:{int(mine)}:{query or ''}"
    after = decode_cursor(scope, cursor, valid_key=_is_group_key)
    if after is not None:
        stmt = stmt.where(tuple_(rank, name_key, Group.id) > tuple_(*after))
    rows = db.session.execute(stmt).all()
    next_cursor = None
    if len(rows) > limit:
        group, last_rank, last_name = rows[limit - 1]
        next_cursor = encode_cursor(scope, [last_rank, last_name, group.id])
    groups = [row[0] for row in rows[:limit]]
    return describe_many(user, groups), next_cursor


def describe_many(user: User, groups: list[Group]) -> list[dict[str, Any]]:
    """Like :func:`describe` for a page of groups, in three queries."""
    ids = [g.id for g in groups]
    if not ids:
        return []
    counts = dict(
        db.session.execute(
            select(GroupMembership.group_id, func.count())
            .where(GroupMembership.group_id.in_(ids))
            .group_by(GroupMembership.group_id)
        ).all()
    )
    roles = dict(
        db.session.execute(
            select(GroupMembership.group_id, GroupMembership.role).where(
                GroupMembership.user_id == user.id, GroupMembership.group_id.in_(ids)
            )
        ).all()
    )
    pending = set(
        db.session.scalars(
            select(GroupJoinRequest.group_id).where(
                GroupJoinRequest.user_id == user.id, GroupJoinRequest.group_id.in_(ids)
            )
        )
    )
    return [
        group_dict(
            g,
            member_count=counts.get(g.id, 0),
            my_role=roles.get(g.id),
            request_pending=g.id in pending,
        )
        for g in groups
    ]


def group_feed(
    user: User, group_id: int, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """The group's posts ``user`` may see, newest first (the group's own index drives it)."""
    group = access_readable_group(user, group_id)
    condition = policy.visible_posts_filter(user) & (Post.group_id == group.id)
    return page_of_posts(user, f"group:{group.id}", condition, cursor, limit)


def _announcement_rooms(group_id: int) -> list[str]:
    """The rooms of the group's published announcements (their recipients listen there)."""
    ids = db.session.scalars(
        select(Announcement.id).where(
            Announcement.group_id == group_id, Announcement.published_at.is_not(None)
        )
    )
    return [f"announcement:{aid}" for aid in ids]


def describe_public(group: Group) -> dict[str, Any]:
    """The group without viewer-specific fields (for broadcast events)."""
    return group_dict(group, member_count=member_count(group.id), include_viewer=False)
