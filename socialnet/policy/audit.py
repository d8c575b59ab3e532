"""The audit log: who reads it, and which of its entries each reader sees in full.

An entry is about a target (``target_type``, ``target_id``). When the reader may not see
that target through the product's own read paths — a secret group they are not in
(:func:`~.groups.visible_groups_filter`), an announcement they may not open
(:func:`~.announcements.can_read_announcement`), a case outside their queue
(:func:`~.moderation.cases_visible_filter`) — the entry is *redacted* for them: the
action, actor, time and target id stay (who did what, when), and of ``before``/``after``
only the fields that name nothing survive (``AUDIT_SAFE_FIELDS``: an allow-list, so a
field audited later is hidden until it is listed). Administrators get the same answer:
a secret group is secret from them everywhere, and its members can read its entries.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select

from ..extensions import db
from ..models import (
    Announcement,
    AnnouncementRecipient,
    AuditLogEntry,
    Group,
    ModerationCase,
    Post,
    User,
)
from .announcements import reach_visible_filter
from .groups import visible_groups_filter
from .moderation import cases_visible_filter
from .posts import visible_posts_filter
from .roles import is_moderator

#: What a redacted entry's target is called, by target type.
REDACTED_LABELS = {
    "group": _l("a secret group"),
    "announcement": _l("an announcement you cannot read"),
    "case": _l("a case you cannot see"),
}

#: Fields of ``before``/``after`` a redacted entry keeps: they name nothing.
AUDIT_SAFE_FIELDS = {
    "group": frozenset({"visibility", "is_official", "archived_at", "premoderated"}),
    "announcement": frozenset({"audience"}),
    "case": frozenset({"status"}),
}


def can_read_audit_log(user: User) -> bool:
    return is_moderator(user)


def readable_announcements_filter(user: User):
    """SQL twin of :func:`~.announcements.can_read_announcement` (``Post`` outer-joined on
    ``Announcement.post_id``): the sender or a community manager while the audience's group
    is readable, or a recipient while the post is visible."""
    if not user.active:
        return false()
    received = Announcement.id.in_(
        select(AnnouncementRecipient.announcement_id).where(
            AnnouncementRecipient.user_id == user.id
        )
    )
    return or_(
        reach_visible_filter(user),
        and_(received, Post.id.is_not(None), visible_posts_filter(user)),
    )


def _visible_ids(user: User, target_type: str, ids: set[int]) -> set[int]:
    if target_type == "group":
        query = select(Group.id).where(Group.id.in_(ids), visible_groups_filter(user))
    elif target_type == "announcement":
        query = (
            select(Announcement.id)
            .outerjoin(Post, Post.id == Announcement.post_id)
            .where(Announcement.id.in_(ids), readable_announcements_filter(user))
        )
    else:
        query = select(ModerationCase.id).where(
            ModerationCase.id.in_(ids), cases_visible_filter(user)
        )
    return set(db.session.scalars(query))


def redacted_audit_entries(user: User, entries: Iterable[AuditLogEntry]) -> dict[int, str]:
    """``{entry id: label}`` for the entries ``user`` sees redacted (one query per target
    type present, whatever the number of entries). A target that no longer exists is
    redacted too, as a missing object and a hidden one look alike."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_type in REDACTED_LABELS and entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    if not wanted:
        return {}
    hidden = {
        target_type: ids - _visible_ids(user, target_type, ids)
        for target_type, ids in wanted.items()
    }
    return {
        entry.id: str(REDACTED_LABELS[entry.target_type])
        for entry in entries
        if entry.target_id in hidden.get(entry.target_type, ())
    }
