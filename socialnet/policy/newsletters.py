"""Newsletters: who composes, who reads an issue, who sees its reach (the editorial
calendar's rules are in :mod:`.editorial`).

Community managers and administrators compose newsletters and see every issue and its
reach, as long as they may read the group it goes to (an issue for a secret group they
are not in is a 404 to them, like the group). Everyone else reads the issues they
received, while they may still read its group. What an issue *shows* a reader is
decided per post by :func:`~.posts.visible_posts_filter` (services/newsletters).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select, true

from ..extensions import db
from ..models import Newsletter, NewsletterRecipient, User
from .groups import can_read_group, readable_group_ids
from .roles import is_moderator


def can_compose_newsletter(user: User) -> bool:
    """Community managers and administrators."""
    return is_moderator(user)


def can_manage_newsletter(user: User, newsletter: Newsletter) -> bool:
    """Edit, schedule, cancel, preview, see the reach: community managers and admins who
    may read the issue's audience group (if any)."""
    if not is_moderator(user):
        return False
    return newsletter.group_id is None or can_read_group(user, newsletter.group_id)


def can_read_newsletter(user: User, newsletter: Newsletter) -> bool:
    """Its managers (:func:`can_manage_newsletter`), and its recipients once it is
    published, while they may read its group."""
    if can_manage_newsletter(user, newsletter):
        return True
    if not user.active or newsletter.published_at is None:
        return False
    if newsletter.group_id is not None and not can_read_group(user, newsletter.group_id):
        return False
    row = db.session.get(NewsletterRecipient, (newsletter.id, user.id))
    return row is not None


def newsletters_visible_filter(user: User) -> ColumnElement[bool]:
    """SQL twin of :func:`can_read_newsletter` on ``Newsletter`` (the list)."""
    if not user.active:
        return false()
    readable_group = or_(
        Newsletter.group_id.is_(None), Newsletter.group_id.in_(readable_group_ids(user))
    )
    received = Newsletter.id.in_(
        select(NewsletterRecipient.newsletter_id).where(NewsletterRecipient.user_id == user.id)
    )
    return and_(
        readable_group,
        or_(
            true() if is_moderator(user) else false(),
            and_(Newsletter.published_at.is_not(None), received),
        ),
    )


def newsletters_managed_filter(user: User) -> ColumnElement[bool]:
    """SQL twin of :func:`can_manage_newsletter` (analytics)."""
    if not is_moderator(user):
        return false()
    return or_(Newsletter.group_id.is_(None), Newsletter.group_id.in_(readable_group_ids(user)))
