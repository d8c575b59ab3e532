"""Model → JSON-ready dicts, in one place, per audience.

The API answers and the realtime events use these same functions, so an
event's ``data`` is shaped exactly like the API object. Per-viewer fields
(``my_reactions``) are only added for a known viewer and never broadcast.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .models import REACTION_KINDS, Comment, Post, User


def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def user_summary(user: User) -> dict[str, Any]:
    """What any colleague sees next to a post or comment."""
    return {
        "id": user.id,
        "display_name": user.display_name,
        "handle": user.handle,
        "job_title": user.job_title,
        "initials": user.initials,
    }


def user_profile(user: User) -> dict[str, Any]:
    """The directory card: what any colleague may see of a colleague."""
    birthday = (
        f"--{user.birth_month:02d}-{user.birth_day:02d}"
        if user.birth_month and user.birth_day
        else None
    )
    return {
        **user_summary(user),
        "email": user.email,
        "department": user.department,
        "site": user.site,
        "manager_id": user.manager_id,
        "hire_date": iso(user.hire_date),
        "birthday": birthday,
        "active": user.active,
    }


def user_private(user: User) -> dict[str, Any]:
    """The user themself, and admins: adds the role."""
    return {**user_profile(user), "role": user.role, "created_at": iso(user.created_at)}


def empty_reaction_counts() -> dict[str, int]:
    return dict.fromkeys(REACTION_KINDS, 0)


def post_dict(
    post: Post,
    *,
    reaction_counts: dict[str, int] | None = None,
    my_reactions: list[str] | None = None,
) -> dict[str, Any]:
    """A post. ``my_reactions`` is present only when serialized for one viewer."""
    data: dict[str, Any] = {
        "id": post.id,
        "author": user_summary(post.author),
        "group_id": post.group_id,
        "body": post.body,
        "body_html": post.body_html,
        "created_at": iso(post.created_at),
        "edited_at": iso(post.edited_at),
        "comment_count": post.comment_count,
        "reactions": reaction_counts if reaction_counts is not None else empty_reaction_counts(),
        "url": f"/posts/{post.id}",
    }
    if my_reactions is not None:
        data["my_reactions"] = my_reactions
    return data


def comment_dict(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "author": user_summary(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": iso(comment.created_at),
    }


def reaction_state(
    post_id: int, kind: str, user_id: int, active: bool, counts: dict[str, int]
) -> dict[str, Any]:
    """Answer of PUT/DELETE on a reaction, and ``data`` of ``reaction.updated``."""
    return {
        "post_id": post_id,
        "kind": kind,
        "user_id": user_id,
        "active": active,
        "reactions": counts,
    }


def page(items: list[dict[str, Any]], next_cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": next_cursor}
