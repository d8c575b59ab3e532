"""Events: who organises one, and which events a person's calendar shows."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from ..models import Post, User
from .groups import is_group_admin, member_group_ids
from .posts import GROUP_OF_POST, NOT_A_DRAFT, visible_posts_filter
from .roles import is_moderator


def can_manage_event(user: User, post: Post) -> bool:
    """Organisers: the event's author, an admin of its group, a community manager or an
    admin. They edit, cancel, take attendance and write to the attendees. The caller has
    checked that ``user`` may see the event (otherwise: 404, not this)."""
    if not user.active:
        return False
    if post.author_id == user.id or is_moderator(user):
        return True
    return post.group_id is not None and is_group_admin(user, post.group_id)


def calendar_events_filter(user: User) -> ColumnElement[bool]:
    """SQL: the event posts of ``user``'s calendar — visible to them, not editorial drafts
    (not even for their author), and of the company space or of a group they belong to."""
    return (
        (Post.kind == "event")
        & visible_posts_filter(user)
        & NOT_A_DRAFT
        & or_(GROUP_OF_POST.is_(None), GROUP_OF_POST.in_(member_group_ids(user)))
    )
