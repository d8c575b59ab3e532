"""The pain-point register: who triages (status, owner, resolution note, merges) and who
edits a pain point's own words. Seeing one is the post's rule (``visible_posts_filter``):
a pain point raised in a private group is as visible as the group."""

from __future__ import annotations

from sqlalchemy import exists, not_, select, union

from ..extensions import db
from ..models import PainPointFollower, PainPointVote, Post, Role, User
from .groups import is_group_admin
from .notifications import post_visible_to_row
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


def merge_leaves_someone_blind(duplicate_id: int, target_id: int) -> bool:
    """Would a voter or follower of the duplicate ``duplicate_id`` lose sight of their pain
    point once it is merged into ``target_id`` (their vote and follow move there)? A guest
    of the duplicate's group does not see a company-wide pain point (issue #19). One query,
    by :func:`~.notifications.post_visible_to_row`, the per-person twin of the post rule."""
    people = union(
        select(PainPointVote.user_id.label("id")).where(PainPointVote.post_id == duplicate_id),
        select(PainPointFollower.user_id.label("id")).where(
            PainPointFollower.post_id == duplicate_id
        ),
    ).subquery()
    someone_blind = exists(select(people.c.id).where(not_(post_visible_to_row(people.c.id))))
    return db.session.scalar(select(Post.id).where(Post.id == target_id, someone_blind)) is not None
