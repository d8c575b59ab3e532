"""Who hears of a group's ``@handle`` in a post or a comment (issue #14).

``markup`` links the handle of a group the author may name
(:func:`~socialnet.policy.mentionable_groups_filter`); this module tells its members.
Who may page a whole group is restricted, and the fan-out is capped: see
:func:`do_notify_group_mentions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import Group, GroupMembership, NotificationType, Post, User
from . import notifications

#: A group with more members than this is not paged by a mention (its handle still
#: links): reaching a large audience is what announcements are for, with their own
#: rules. It also bounds what one post can cost.
GROUP_MENTION_FANOUT_MAX = 200
#: At most this many groups of one text are paged (the first named).
GROUPS_PER_TEXT_MAX = 5


def do_notify_group_mentions(
    author: User,
    post: Post,
    group_ids: list[int],
    *,
    skip: Iterable[int] = (),
    params: dict[str, Any] | None = None,
) -> list[int]:
    """Tell the members of the groups of ``group_ids`` (in order) that ``author`` named
    their group in ``post`` (or in one of its comments: ``params`` names it), as
    ``group_mentioned`` notifications.

    - Only groups the author belongs to are paged (:func:`~socialnet.policy.may_notify_group`):
      anyone else's mention of a group links to it and tells nobody.
    - A group over :data:`GROUP_MENTION_FANOUT_MAX` members is not paged; past
      :data:`GROUPS_PER_TEXT_MAX` groups, the others are not either.
    - Only members who may read the post are told (:func:`~socialnet.policy.readers_among`,
      then :func:`~.notifications.do_notify`'s own checks: active, not muting the type);
      never the author, nor the people of ``skip`` (told of this text already: mentioned
      by name, or the post's author hearing of a reply), and each person once even when
      several of their groups are named.

    :return: the ids of the people notified.
    """
    told = {author.id, *skip}
    notified: list[int] = []
    for group_id in list(dict.fromkeys(group_ids))[:GROUPS_PER_TEXT_MAX]:
        if not policy.may_notify_group(author, group_id):
            continue
        members = db.session.scalars(
            select(GroupMembership.user_id)
            .where(GroupMembership.group_id == group_id)
            .order_by(GroupMembership.user_id)
            .limit(GROUP_MENTION_FANOUT_MAX + 1)
        ).all()
        if len(members) > GROUP_MENTION_FANOUT_MAX:
            continue
        fresh = policy.readers_among([m for m in members if m not in told], post.group_id)
        told.update(members)
        if not fresh:
            continue
        rows = notifications.do_notify(
            fresh,
            NotificationType.GROUP_MENTIONED,
            actor=author,
            post=post,
            group=db.session.get(Group, group_id),
            params=params,
        )
        notified += [row.user_id for row in rows]
    return notified
