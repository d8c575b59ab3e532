"""Read helpers for the HTML pages: everything one page shows, gathered in one call.

The HTML views stay thin by asking this module for a page's whole content. It
composes the other services and asks :mod:`socialnet.policy` what the viewer may
do (edit, delete) so templates never decide permissions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import policy
from ..errors import Forbidden
from ..extensions import db
from ..models import Post, User
from ..serializers import comment_dict
from . import comments, directory, feed, reactions
from .accounts import access_user
from .posts import access_post

COMMENTS_PAGE = 50


@dataclass
class PostPage:
    post: dict[str, Any]
    comments: list[dict[str, Any]]
    next_cursor: str | None
    can_edit: bool
    can_delete: bool


@dataclass
class ProfilePage:
    person: User
    manager: User | None
    reports: list[User]
    posts: list[dict[str, Any]]
    next_cursor: str | None
    post_permissions: dict[int, dict[str, bool]] = field(default_factory=dict)


def post_permissions(viewer: User, posts: list[dict[str, Any]]) -> dict[int, dict[str, bool]]:
    """``{post_id: {"edit": bool, "delete": bool}}`` for serialized posts, without queries."""
    moderator = policy.is_moderator(viewer)
    out = {}
    for post in posts:
        own = viewer.active and post["author"]["id"] == viewer.id
        out[post["id"]] = {"edit": own, "delete": own or (viewer.active and moderator)}
    return out


def post_page(viewer: User, post_id: int, cursor: str | None) -> PostPage:
    """A permalink: the post as ``viewer`` sees it and its comments, oldest first.

    :raise NotFound: the post is missing, deleted or not visible to ``viewer``.
    """
    post = access_post(viewer, post_id)
    rows, next_cursor = comments.list_comments(viewer, post_id, cursor, COMMENTS_PAGE)
    items = []
    for comment in rows:
        item = comment_dict(comment)
        item["can_delete"] = policy.can_delete_comment(viewer, comment, post)
        items.append(item)
    return PostPage(
        post=feed.serialize_posts_for(viewer, [post])[0],
        comments=items,
        next_cursor=next_cursor,
        can_edit=policy.can_edit_post(viewer, post),
        can_delete=policy.can_delete_post(viewer, post),
    )


def access_editable_post(viewer: User, post_id: int) -> Post:
    """The post, if ``viewer`` may edit it.

    :raise NotFound: not visible. :raise Forbidden: visible but someone else's.
    """
    post = access_post(viewer, post_id)
    if not policy.can_edit_post(viewer, post):
        raise Forbidden("Only the author can edit a post.")
    return post


def do_react(viewer: User, post_id: int, kind: str, active: bool | None) -> dict[str, Any]:
    """Set a reaction from a form: ``active`` True/False, or None to toggle the current state.

    Forms send the state they displayed, so a double submit stays idempotent.
    """
    post = access_post(viewer, post_id)
    reactions.check_kind(kind)
    if active is None:
        active = kind not in reactions.my_reactions_for(viewer, [post.id])[post.id]
    return reactions.do_set_reaction(viewer, post, kind, active)


def profile_page(viewer: User, person_id: int, cursor: str | None, limit: int) -> ProfilePage:
    """A person's card (manager, direct reports) and the posts of theirs ``viewer`` may see.

    :raise NotFound: nobody has this id.
    """
    person = access_user(person_id)
    manager = db.session.get(User, person.manager_id) if person.manager_id else None
    posts, next_cursor = feed.profile_feed(viewer, person, cursor, limit)
    return ProfilePage(
        person=person,
        manager=manager,
        reports=directory.direct_reports(person),
        posts=posts,
        next_cursor=next_cursor,
        post_permissions=post_permissions(viewer, posts),
    )
