"""Rendering helpers shared by posts and comments: Markdown, mentions, hashtags."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, select

from ..extensions import db
from ..markup import Rendered, render
from ..models import User

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


def render_body(source: str) -> Rendered:
    return render(source, mentionable_people)
