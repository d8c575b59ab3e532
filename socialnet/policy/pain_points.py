"""The pain-point register: who triages (status, owner, resolution note, merges) and who
edits a pain point's own words. Seeing one is the post's rule (``visible_posts_filter``):
a pain point raised in a private group is as visible as the group."""

from __future__ import annotations

from ..models import Post, Role, User
from .groups import is_group_admin
from .roles import has_reports, is_moderator


def can_triage_pain_point(user: User, post: Post) -> bool:
    """Community managers, admins and managers (by role, or anyone with reports) triage
    any pain point they can see; a group's admins triage those of their group. The caller
    has checked that ``user`` may see it (otherwise: 404, not this)."""
    if not user.active:
        return False
    if is_moderator(user) or user.role == Role.MANAGER.value or has_reports(user):
        return True
    return post.group_id is not None and is_group_admin(user, post.group_id)


def can_move_pain_point(user: User, post: Post, owner_id: int | None) -> bool:
    """Change the status and the resolution note: triagers, and the owner they named."""
    return (owner_id is not None and owner_id == user.id and user.active) or (
        can_triage_pain_point(user, post)
    )


def can_edit_pain_point(user: User, post: Post) -> bool:
    """Reword a pain point (title, description, site, department, time estimate): its
    author while active, and its triagers."""
    return (post.author_id == user.id and user.active) or can_triage_pain_point(user, post)
