"""Announcements: who may send to whom, read one, see its reach.

The sender's rights to their announcement (read it, its reach, remind) last while they may
still see its audience (:func:`sender_sees_audience`). For a group that means reading the
group: a sender who left a private or secret group, was removed from it, or whose group
turned private or secret under them sees what any non-member sees (404). Company, site,
department and reporting-line audiences are people every employee sees in the directory,
org chart included, so those senders keep their rights; a reporting line is the one copied
when the announcement was published, which is its audience even after the line changes.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, true

from ..extensions import db
from ..models import Announcement, AnnouncementRecipient, Group, Post, User
from .groups import (
    administered_group_ids,
    can_read_group,
    can_see_group,
    is_group_admin,
    readable_group_ids,
    visible_groups_filter,
)
from .guests import is_guest
from .posts import can_see_post
from .roles import has_reports, is_moderator


def can_announce_to(user: User, audience_kind: str, group: Group | None = None) -> bool:
    """Who may announce to whom.

    Community managers and admins: the company, a site, a department or any
    group they may see. Group admins: their group. Managers (anyone with
    reports): their reporting line — the service checks that reports exist. Never a guest.
    """
    if not user.active or is_guest(user):
        return False
    if audience_kind == "reports":
        return True
    if audience_kind == "group":
        return group is not None and (
            is_group_admin(user, group.id) or (is_moderator(user) and can_see_group(user, group))
        )
    return is_moderator(user)


def sender_sees_audience(user: User, announcement: Announcement) -> bool:
    """``user`` sent ``announcement`` and may still see its audience (see the module)."""
    if not user.active or announcement.sender_id != user.id:
        return False
    return announcement.group_id is None or can_read_group(user, announcement.group_id)


def can_see_reach(user: User, announcement: Announcement) -> bool:
    """The sender while they see the audience, and community managers / admins who may read
    the announcement's audience."""
    if not user.active:
        return False
    if announcement.sender_id == user.id:
        return sender_sees_audience(user, announcement)
    if not is_moderator(user):
        return False
    return announcement.group_id is None or can_read_group(user, announcement.group_id)


def sender_may_send_again(user: User, announcement: Announcement) -> bool:
    """The sender may still address the announcement's audience: the right a scheduled
    publication and a reminder (a new send to the same people) both need."""
    if not user.active or announcement.sender_id != user.id:
        return False
    group = db.session.get(Group, announcement.group_id) if announcement.group_id else None
    if not can_announce_to(user, announcement.audience_kind, group):
        return False
    return announcement.audience_kind != "reports" or has_reports(user, active_only=False)


def can_remind(user: User, announcement: Announcement) -> bool:
    """Community managers and admins who see the reach; its sender while they see the
    audience *and* may still send to it (a demoted sender reads their announcement but
    does not reach the company again)."""
    if not can_see_reach(user, announcement):
        return False
    return is_moderator(user) or sender_may_send_again(user, announcement)


def can_read_announcement(user: User, announcement: Announcement) -> bool:
    """Who may open an announcement: whoever may see its reach (its sender while they see
    the audience included), and its recipients while its post is visible to them (not once
    it is deleted, nor after they left the private group it was sent to)."""
    if can_see_reach(user, announcement):
        return True
    if not announcement.post_id:
        return False
    if db.session.get(AnnouncementRecipient, (announcement.id, user.id)) is None:
        return False
    return can_see_post(user, db.session.get(Post, announcement.post_id))


def reach_visible_filter(user: User) -> ColumnElement[bool]:
    """SQL twin of :func:`can_see_reach` on ``Announcement``: the sender or a community
    manager / admin, while the audience's group (if any) is readable to them."""
    if not user.active:
        return false()
    return and_(
        or_(Announcement.sender_id == user.id, true() if is_moderator(user) else false()),
        or_(Announcement.group_id.is_(None), Announcement.group_id.in_(readable_group_ids(user))),
    )


def announceable_groups_filter(user: User) -> ColumnElement[bool]:
    """SQL condition on ``Group``: the groups ``user`` may announce to (the composer's list,
    as :func:`can_announce_to` decides): community managers every group they may see,
    group admins their groups."""
    if not user.active or is_guest(user):
        return false()
    if is_moderator(user):
        return visible_groups_filter(user)
    return Group.id.in_(administered_group_ids(user))


def may_announce(user: User) -> bool:
    """Whether ``user`` may announce to anyone at all (the "New announcement" link)."""
    if is_moderator(user):
        return True
    if not user.active or is_guest(user):
        return False
    return has_reports(user) or db.session.scalar(administered_group_ids(user).limit(1)) is not None
