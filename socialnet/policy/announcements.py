"""Announcements: who may send to whom, read one, see its reach."""

from __future__ import annotations

from ..models import Announcement, Group, User
from .groups import can_read_group, can_see_group, is_group_admin
from .roles import is_moderator


def can_announce_to(user: User, audience_kind: str, group: Group | None = None) -> bool:
    """Who may announce to whom.

    Community managers and admins: the company, a site, a department or any
    group they may see. Group admins: their group. Managers (anyone with
    reports): their reporting line — the service checks that reports exist.
    """
    if not user.active:
        return False
    if audience_kind == "reports":
        return True
    if audience_kind == "group":
        return group is not None and (
            is_group_admin(user, group.id) or (is_moderator(user) and can_see_group(user, group))
        )
    return is_moderator(user)


def can_see_reach(user: User, announcement: Announcement) -> bool:
    """The sender, and community managers / admins who may read the announcement's audience."""
    if not user.active:
        return False
    if announcement.sender_id == user.id:
        return True
    if not is_moderator(user):
        return False
    return announcement.group_id is None or can_read_group(user, announcement.group_id)
