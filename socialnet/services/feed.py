"""Feeds: the home feed, a person's posts, a hashtag — keyset-paginated by post id.

A page costs a fixed number of queries whatever its size: one for the posts
with their authors, one for reaction counts, one for the viewer's reactions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from .. import policy
from ..extensions import db
from ..models import Post, PostHashtag, User
from ..pagination import decode_cursor, encode_cursor
from ..serializers import empty_reaction_counts, post_dict
from ..text_keys import fold
from .attachments import attachments_for
from .reactions import my_reactions_for, reaction_counts_for
from .validation import check_filter_text


def serialize_posts_for(
    user: User, posts: list[Post], *, fresh: bool = False
) -> list[dict[str, Any]]:
    """Posts as ``user`` sees them: counts, their own reactions, and each special kind's
    attachment (poll, kudos…), in a bounded number of queries whatever the page size.

    ``fresh``: posts created in this request, which nobody can have reacted to yet.
    """
    ids = [p.id for p in posts]
    counts = reaction_counts_for([] if fresh else ids)
    counts.update({pid: empty_reaction_counts() for pid in ids if pid not in counts})
    mine = my_reactions_for(user, [] if fresh else ids)
    mine.update({pid: [] for pid in ids if pid not in mine})
    extra = attachments_for(user, posts)
    items = []
    for post in posts:
        item = post_dict(post, reaction_counts=counts[post.id], my_reactions=mine[post.id])
        if post.id in extra:
            key, data = extra[post.id]
            if key is None:
                item.update(data)
            else:
                item[key] = data
        items.append(item)
    return items


def page_of_posts(
    user: User, scope: str, condition: ColumnElement[bool], cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """One keyset page (newest first) of the posts meeting ``condition``, as ``user`` sees them.

    ``condition`` must include a visibility filter from :mod:`socialnet.policy`;
    ``scope`` names the list so its cursors cannot be used on another one.
    """
    before_id = decode_cursor(scope, cursor)
    query = (
        select(Post)
        .options(joinedload(Post.author))
        .where(condition)
        .order_by(Post.id.desc())
        .limit(limit + 1)
    )
    if before_id is not None:
        query = query.where(Post.id < before_id)
    posts = list(db.session.scalars(query))
    next_cursor = encode_cursor(scope, posts[limit - 1].id) if len(posts) > limit else None
    return serialize_posts_for(user, posts[:limit]), next_cursor


def home_feed(
    user: User, cursor: str | None, limit: int, tag: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: company posts and posts of the user's groups, optionally one #tag."""
    condition = policy.home_feed_filter(user)
    scope = "feed"
    tag = check_filter_text(tag, "tag", max_len=100)
    if tag:
        tag = fold(tag.lstrip("#"))
        condition = condition & Post.id.in_(
            select(PostHashtag.post_id).where(PostHashtag.tag == tag)
        )
        scope = f"feed#{tag}"
    return page_of_posts(user, scope, condition, cursor, limit)


def profile_feed(
    viewer: User, author: User, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """``author``'s posts that ``viewer`` may see."""
    condition = policy.visible_posts_filter(viewer) & (Post.author_id == author.id)
    return page_of_posts(viewer, f"profile:{author.id}", condition, cursor, limit)
