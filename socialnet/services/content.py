"""Rendering helpers shared by posts and comments: Markdown, mentions, hashtags."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import bindparam, select

from .. import policy
from ..extensions import db
from ..markup import Rendered, render
from ..models import Group, User

#: Built once: every text with an @handle asks it.
_PEOPLE_BY_HANDLE = select(User.handle_key, User.id, User.display_name).where(
    User.handle_key.in_(bindparam("handles", expanding=True)), User.active.is_(True)
)


def mentionable_people(handles: set[str]) -> Mapping[str, tuple[int, str]]:
    """Map the handle keys (:func:`~socialnet.text_keys.fold`) that name active people to
    ``(id, display_name)``; one query."""
    if not handles:
        return {}
    rows = db.session.execute(_PEOPLE_BY_HANDLE, {"handles": list(handles)[:50]})
    return {handle: (user_id, name) for handle, user_id, name in rows}


def mentionable_groups(
    author: User, group_id: int | None
) -> Callable[[set[str]], Mapping[str, int]]:
    """The resolver of group handles for ``author``'s text posted in ``group_id`` (None:
    the company space): handle key → group id for the groups
    :func:`~socialnet.policy.mentionable_groups_filter` lets them name; one query."""

    def resolve(handles: set[str]) -> Mapping[str, int]:
        if not handles:
            return {}
        rows = db.session.execute(
            select(Group.handle_key, Group.id).where(
                Group.handle_key.in_(list(handles)[:50]),
                policy.mentionable_groups_filter(author, group_id),
            )
        )
        return {key: group_id for key, group_id in rows}

    return resolve


def render_body(source: str, author: User | None = None, group_id: int | None = None) -> Rendered:
    """``source`` rendered; with an ``author``, the handles of the groups they may name in
    ``group_id`` become links too (without one, people only)."""
    groups = mentionable_groups(author, group_id) if author is not None else None
    return render(source, mentionable_people, groups)
