"""Notifications: which of them a person may still see, for one person or per row.

A notification points at a post and/or a group. It stays visible while its post is
visible to its recipient (:func:`~.posts.visible_posts_filter`) and its group is one
they may know of (:func:`~.groups.visible_groups_filter`). The ``*_to_row`` twins say the
same for the person of each row of a query (``User.id``, ``Notification.user_id``), so one
statement decides for many people: who may be notified of a post, how many unread
notifications each recipient has (tests/test_notifications.py compares them).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select
from sqlalchemy.orm import aliased

from ..built_once import built_once
from ..models import (
    Announcement,
    AnnouncementRecipient,
    Group,
    GroupMembership,
    GroupVisibility,
    Notification,
    Post,
    User,
)
from .groups import visible_groups_filter
from .posts import moderation_allows, visible_posts_filter

#: The person a row names, as a second ``users`` in the query. Built once: an ORM alias of
#: ``User`` costs ~1.7 ms to build (its columns are adapted), more than the query it is in.
_PERSON = aliased(User, name="guest_check_person")


def is_guest_row(user_id: ColumnElement[int]) -> ColumnElement[bool]:
    """SQL, per row: the person ``user_id`` is a guest (row-wise twin of ``is_guest``)."""
    return (
        exists()
        .where(_PERSON.id == user_id, _PERSON.guest_company.is_not(None))
        .correlate_except(_PERSON)
    )


def post_visible_to_row(user_id: ColumnElement[int]) -> ColumnElement[bool]:
    """:func:`~.posts.visible_posts_filter`, for the person ``user_id`` of each row (a column
    of the enclosing query) instead of one known user. It must say exactly what the filter
    says for active people (tests/test_notifications.py compares the two over every kind
    of post and person).

    ``Post`` must be in the enclosing query (joined, or an ``EXISTS`` over it).
    """
    public_groups = select(Group.id).where(Group.visibility == GroupVisibility.PUBLIC.value)
    # Correlated to every enclosing level (auto-correlation stops at the nearest one).
    is_member = (
        exists()
        .where(GroupMembership.group_id == Post.group_id, GroupMembership.user_id == user_id)
        .correlate_except(GroupMembership)
    )
    is_addressee = (
        exists()
        .where(
            Announcement.post_id == Post.id,
            AnnouncementRecipient.announcement_id == Announcement.id,
            AnnouncementRecipient.user_id == user_id,
        )
        .correlate_except(Announcement, AnnouncementRecipient)
    )
    employee = not_(is_guest_row(user_id))  # a guest: their groups only, no announcement
    return and_(
        Post.deleted_at.is_(None),
        moderation_allows(Post.moderation_state, Post.author_id, user_id),
        or_(
            is_member,
            and_(employee, or_(Post.group_id.is_(None), Post.group_id.in_(public_groups))),
        ),
        or_(
            Post.kind != "announcement",
            and_(employee, or_(Post.author_id == user_id, is_addressee)),
        ),
    )


def visible_notifications_filter(user: User) -> ColumnElement[bool]:
    """Notifications ``user`` may still see (``Post`` outer-joined): no post, or a visible one;
    and no group, or one whose existence they may know (an invitation to a secret group
    they were since removed from disappears)."""
    return and_(
        or_(Notification.post_id.is_(None), visible_posts_filter(user)),
        or_(
            Notification.group_id.is_(None),
            Notification.group_id.in_(select(Group.id).where(visible_groups_filter(user))),
        ),
    )


@built_once
def group_known_to_row() -> ColumnElement[bool]:
    """Per row: the notification names no group, or one its recipient may know of (the
    row-wise twin of :func:`~.groups.visible_groups_filter`). Built once (it names no
    one: every person is a column of the query), and reused by every statement."""
    return or_(
        Notification.group_id.is_(None),
        and_(
            exists().where(
                Group.id == Notification.group_id, Group.visibility != GroupVisibility.SECRET.value
            ),
            not_(is_guest_row(Notification.user_id)),
        ),
        exists().where(
            GroupMembership.group_id == Notification.group_id,
            GroupMembership.user_id == Notification.user_id,
        ),
    )


@built_once
def visible_notifications_to_row() -> ColumnElement[bool]:
    """Per row (``Post`` outer-joined): :func:`visible_notifications_filter` for the
    notification's own recipient. Built once, like :func:`group_known_to_row`: ~1.6 ms
    of SQLAlchemy objects, on every notification sent."""
    return and_(
        or_(Notification.post_id.is_(None), post_visible_to_row(Notification.user_id)),
        group_known_to_row(),
    )
