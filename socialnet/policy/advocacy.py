"""Employee advocacy: which posts may be offered for sharing outside, who offers them,
who shares them, and who reads the figures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_

from ..models import ModerationState, Post, Shareable, User
from .groups import public_group_ids
from .posts import GROUP_OF_POST, visible_posts_filter
from .roles import is_moderator


def can_manage_shareables(user: User) -> bool:
    """Mark a post shareable, change or withdraw the offer: community managers and admins."""
    return is_moderator(user)


def can_read_advocacy_figures(user: User) -> bool:
    """Everyone's figures (per post, per person, CSV): community managers and admins.
    Everyone reads their own."""
    return is_moderator(user)


def can_advocate(user: User) -> bool:
    """Open the Share page and share: every active employee (not a guest: guests see
    nothing company-wide)."""
    return user.active and user.deleted_at is None and not user.is_guest


def company_wide_post_filter() -> ColumnElement[bool]:
    """SQL on ``Post``: a post every employee reads — published, not deleted, not an
    announcement (those reach chosen recipients only), in the company space or a public
    group. Only such a post may be offered for sharing outside."""
    return and_(
        Post.deleted_at.is_(None),
        Post.moderation_state == ModerationState.PUBLISHED.value,
        Post.kind != "announcement",
        or_(GROUP_OF_POST.is_(None), GROUP_OF_POST.in_(public_group_ids())),
    )


def shareable_now_filter(user: User, now: datetime) -> ColumnElement[bool]:
    """SQL on ``Shareable`` joined to its ``Post``: what ``user`` is offered to share at
    ``now`` — not withdrawn, not ended, a post still company-wide and visible to them."""
    return and_(
        Shareable.withdrawn_at.is_(None),
        or_(Shareable.ends_at.is_(None), Shareable.ends_at > now),
        company_wide_post_filter(),
        visible_posts_filter(user),
    )
