"""Relaying a shared synthesis: each member of the circle passes it on to their own team
— a post in a group they belong to, with their note and a link to the company-wide copy.

Only a synthesis already shared company-wide can be relayed: the link leads to the copy
everyone may read, never to the circle's own post (the circle is secret).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...errors import Conflict, ValidationFailed
from ...extensions import db
from ...models import Circle, CircleSynthesis, Group, GroupMembership, Post, User
from .. import posts
from ..validation import check_known_fields, check_text
from .reading import access_session

NOTE_MAX = 1000


def relay_targets(user: User) -> list[dict[str, Any]]:
    """The groups ``user`` may relay to: those they belong to, not archived, not circles'
    own (by name)."""
    rows = db.session.execute(
        select(Group.id, Group.name)
        .join(GroupMembership, GroupMembership.group_id == Group.id)
        .where(
            GroupMembership.user_id == user.id,
            Group.archived_at.is_(None),
            Group.id.not_in(select(Circle.group_id)),
        )
        .order_by(Group.name_key, Group.id)
    )
    return [{"id": gid, "name": name} for gid, name in rows]


def do_relay_synthesis(user: User, circle_id: int, session_id: int, data: Any) -> Post:
    """Post ``{"group_id", "note"}`` (the note optional) in a group of ``user``'s, with a
    link to the synthesis' company-wide copy.

    :raise NotFound: not a member of the circle. :raise Conflict: not shared yet.
    :raise ValidationFailed: no group, or an unknown one. :raise Forbidden: a group
        ``user`` does not belong to (the rules of any post there).
    """
    data = check_known_fields(data, {"group_id", "note"})
    note = check_text(
        data.get("note") or "", "note", max_len=NOTE_MAX, required=False, multiline=True
    )
    _circle, session = access_session(user, circle_id, session_id)
    synthesis = db.session.get(CircleSynthesis, session.id)
    shared_id = synthesis.shared_post_id if synthesis is not None else None
    copy = db.session.get(Post, shared_id) if shared_id is not None else None
    if copy is None or copy.deleted_at is not None:
        raise Conflict(
            _("Only a synthesis shared company-wide can be relayed."),
            fields={"session_id": "not_shared"},
        )
    if data.get("group_id") is None:
        raise ValidationFailed(_("Choose the group of your team."), fields={"group_id": "required"})
    link = f"[{copy.title}](/posts/{copy.id})"
    body = f"{note}\n\n{link}" if note else link
    return posts.do_create_post(user, {"body": body, "group_id": data["group_id"]})
