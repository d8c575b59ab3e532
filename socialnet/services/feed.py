"""Feeds: the home feed, a person's posts, a hashtag — keyset-paginated by post id.

A page costs a fixed number of queries whatever its size: one for the posts
with their authors, one for reaction counts, one for the viewer's reactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, select
from sqlalchemy.orm import joinedload

from .. import policy
from ..built_once import built_once
from ..extensions import db
from ..models import Post, PostHashtag, TopicFollow, User
from ..pagination import decode_cursor, encode_cursor
from ..serializers import SUMMARY_COLUMNS, empty_reaction_counts, post_dict
from ..text_keys import fold
from .attachments import attachments_for
from .files import files_for_new_posts, files_for_posts
from .reactions import reactions_for
from .topics.aliases import canonical_tag
from .validation import check_filter_text

#: A page of posts loads each author's summary columns only (``serializers.SUMMARY_COLUMNS``).
#: Should anything read another column of such an author in the same request, it is
#: loaded then (one statement), and a full load of that person later fills it in.
WITH_AUTHOR_SUMMARY = joinedload(Post.author).load_only(*SUMMARY_COLUMNS)


def serialize_posts_for(
    user: User, posts: list[Post], *, fresh: bool = False
) -> list[dict[str, Any]]:
    """Posts as ``user`` sees them: counts, their own reactions, and each special kind's
    attachment (poll, kudos…), in a bounded number of queries whatever the page size.

    ``fresh``: posts created in this request, which nobody can have reacted to yet and
    whose files are the ones attached to them in it (:func:`files_for_new_posts`).
    """
    ids = [p.id for p in posts]
    counts, mine = reactions_for(user, [] if fresh else ids)
    counts.update({pid: empty_reaction_counts() for pid in ids if pid not in counts})
    mine.update({pid: [] for pid in ids if pid not in mine})
    extra = attachments_for(user, posts)
    files = files_for_new_posts(ids) if fresh else files_for_posts(ids)
    items = []
    for post in posts:
        item = post_dict(post, reaction_counts=counts[post.id], my_reactions=mine[post.id])
        item["files"] = files.get(post.id, [])
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
    query = select(Post).options(WITH_AUTHOR_SUMMARY).where(condition)
    if before_id is not None:
        query = query.where(Post.id < before_id)
    query = query.order_by(Post.id.desc()).limit(limit + 1)
    return _page(user, scope, db.session.scalars(query), limit)


def _page(
    user: User, scope: str, rows: Iterable[Post], limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """Serialize the first ``limit`` of ``rows`` (``limit + 1`` asked: one more says
    whether there is a next page) with the cursor of the next page."""
    posts = list(rows)
    next_cursor = encode_cursor(scope, posts[limit - 1].id) if len(posts) > limit else None
    return serialize_posts_for(user, posts[:limit]), next_cursor


@built_once
def _home_page_statement(viewer: policy.BoundViewer, tagged: bool, after: bool) -> Select:
    """The home feed's page query for one shape of reader, built once per process.

    Parameters: ``viewer_id`` (:func:`policy.viewer_params`), ``limit``, and ``tag`` when
    ``tagged``, ``before_id`` when ``after`` (a cursor). Building the visibility filter
    and hashing it for SQLAlchemy's compiled cache cost as much as running the query.
    """
    condition = policy.home_feed_filter(viewer)
    if tagged:
        condition = condition & Post.id.in_(
            select(PostHashtag.post_id).where(PostHashtag.tag == bindparam("tag"))
        )
    query = select(Post).options(WITH_AUTHOR_SUMMARY).where(condition)
    if after:
        query = query.where(Post.id < bindparam("before_id"))
    return query.order_by(Post.id.desc()).limit(bindparam("limit", type_=Integer))


def home_feed(
    user: User, cursor: str | None, limit: int, tag: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first: company posts and posts of the user's groups, optionally one #tag
    (:func:`policy.home_feed_filter`)."""
    tag = check_filter_text(tag, "tag", max_len=100)
    params: dict[str, Any] = {**policy.viewer_params(user), "limit": limit + 1}
    scope = "feed"
    if tag:
        params["tag"] = canonical_tag(fold(tag.lstrip("#")))
        scope = f"feed#{params['tag']}"
    before_id = decode_cursor(scope, cursor)
    if before_id is not None:
        params["before_id"] = before_id
    query = _home_page_statement(policy.bound_viewer(user), bool(tag), before_id is not None)
    items, next_cursor = _page(user, scope, db.session.scalars(query, params), limit)
    mark_via_topic(user, items)
    return items, next_cursor


def mark_via_topic(user: User, items: list[dict[str, Any]]) -> None:
    """Set ``via_topic`` (a tag ``user`` follows) on the items of groups they are not in:
    those reached the home feed through the topic. One query for any non-empty page (the
    same whatever the page holds, so a page's cost does not depend on its content)."""
    if not items:
        return
    ids = [item["id"] for item in items if item.get("group_id") is not None]
    query = _via_topic_statement(policy.bound_viewer(user))
    via = dict(db.session.execute(query, {**policy.viewer_params(user), "post_ids": ids}).all())
    for item in items:
        if item["id"] in via:
            item["via_topic"] = via[item["id"]]


@built_once
def _via_topic_statement(viewer: policy.BoundViewer) -> Select:
    """:func:`mark_via_topic`'s query, built once: parameters ``viewer_id``, ``post_ids``."""
    return (
        select(PostHashtag.post_id, func.min(PostHashtag.tag))
        .join(TopicFollow, TopicFollow.tag == PostHashtag.tag)
        .join(Post, Post.id == PostHashtag.post_id)
        .where(
            TopicFollow.user_id == viewer.id,
            PostHashtag.post_id.in_(bindparam("post_ids", expanding=True)),
        )
        .where(Post.group_id.not_in(policy.member_group_ids(viewer)))
        .group_by(PostHashtag.post_id)
    )


def profile_feed(
    viewer: User, author: User, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    """``author``'s posts that ``viewer`` may see."""
    condition = policy.visible_posts_filter(viewer) & (Post.author_id == author.id)
    return page_of_posts(viewer, f"profile:{author.id}", condition, cursor, limit)
