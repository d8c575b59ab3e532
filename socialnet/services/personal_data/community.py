"""Groups and what reaches the person: announcements sent and received (ids and read
receipts only), memberships, join requests and notifications (only those about what
they may still see)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import (
    Announcement,
    AnnouncementRecipient,
    Group,
    GroupJoinRequest,
    GroupMembership,
    Notification,
    Post,
    User,
)
from ...serializers import iso


def announcements_sent(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Announcement).where(Announcement.sender_id == user.id).order_by(Announcement.id)
    ).all()
    return [
        {
            "id": a.id,
            "post_id": a.post_id,
            "title": a.title,
            "body": a.body,
            "audience": {
                "kind": a.audience_kind,
                "value": a.audience_value,
                "group_id": a.group_id,
            },
            "publish_at": iso(a.publish_at),
            "published_at": iso(a.published_at),
            "cancelled_at": iso(a.cancelled_at),
            "expires_at": iso(a.expires_at),
            "created_at": iso(a.created_at),
        }
        for a in rows
    ]


def announcements_received(user: User) -> list[dict[str, Any]]:
    """Every announcement addressed to ``user``: its id, and whether and when they read it.

    Only ids and read receipts: the content is someone else's, and readable on the network.
    """
    rows = db.session.execute(
        select(AnnouncementRecipient.announcement_id, AnnouncementRecipient.acknowledged_at)
        .where(AnnouncementRecipient.user_id == user.id)
        .order_by(AnnouncementRecipient.announcement_id)
    ).all()
    return [{"announcement_id": a_id, "read_at": iso(read_at)} for a_id, read_at in rows]


def groups(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(GroupMembership, Group.name)
        .join(Group, Group.id == GroupMembership.group_id)
        .where(GroupMembership.user_id == user.id)
        .order_by(GroupMembership.group_id)
    ).all()
    return [
        {"group_id": m.group_id, "name": name, "role": m.role, "joined_at": iso(m.created_at)}
        for m, name in rows
    ]


def join_requests(user: User) -> list[dict[str, Any]]:
    """Pending requests, for groups ``user`` may still know of (a private group turned
    secret since keeps the request, but its name is no longer theirs to see)."""
    rows = db.session.execute(
        select(GroupJoinRequest, Group.name)
        .join(Group, Group.id == GroupJoinRequest.group_id)
        .where(GroupJoinRequest.user_id == user.id, policy.visible_groups_filter(user))
        .order_by(GroupJoinRequest.group_id)
    ).all()
    return [
        {"group_id": r.group_id, "name": name, "requested_at": iso(r.created_at)}
        for r, name in rows
    ]


def notifications(user: User) -> list[dict[str, Any]]:
    """Notifications of ``user`` that their notification centre still shows (the same
    rule: none about a post they can no longer read, or a secret group they left)."""
    rows = db.session.scalars(
        select(Notification)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(Notification.user_id == user.id, policy.visible_notifications_filter(user))
        .order_by(Notification.id)
    ).all()
    return [
        {
            "id": n.id,
            "type": n.type,
            "post_id": n.post_id,
            "group_id": n.group_id,
            "count": n.count,
            "text": n.text,
            "created_at": iso(n.created_at),
            "read_at": iso(n.read_at),
        }
        for n in rows
    ]
