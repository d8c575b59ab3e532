"""What counts as live content, and the SQL selections that read it.

*Live* content: posts and comments not deleted and published (not held, hidden or
removed by moderation), created within the range. The selections here are shared by
the live path (:mod:`.content`, for days not rolled up yet) and the nightly rollup
(:mod:`.rollup`), which stores their sums, so both count the same things. This module
sits below both and imports neither.
"""

from __future__ import annotations

from sqlalchemy import and_, func, literal, select

from ...models import Comment, Post, Reaction
from .periods import Range


def live_posts(period: Range):
    """SQL condition: a post created within ``period``, not deleted, published."""
    return and_(
        Post.created_at >= period.since,
        Post.created_at < period.until,
        Post.deleted_at.is_(None),
        Post.moderation_state == "published",
    )


def live_comments(period: Range):
    """SQL condition: a comment created within ``period``, not deleted, published."""
    return and_(
        Comment.created_at >= period.since,
        Comment.created_at < period.until,
        Comment.deleted_at.is_(None),
        Comment.moderation_state == "published",
    )


def group_volume(period: Range):
    """SQL ``(group_id, posts, comments, replies)`` rows (several per group: sum them):
    live posts and the sum of their ``comment_count``, live comments on group posts."""
    zero = literal(0)
    posts = (
        select(Post.group_id, func.count().label("posts"), zero.label("comments"))
        .add_columns(func.sum(Post.comment_count).label("replies"))
        .where(live_posts(period), Post.group_id.is_not(None))
        .group_by(Post.group_id)
    )
    comments = (
        select(Post.group_id, zero, func.count(), zero)
        .select_from(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(live_comments(period), Post.group_id.is_not(None))
        .group_by(Post.group_id)
    )
    return [posts, comments]


def group_contributions(period: Range):
    """SQL ``(group_id, user_id)`` rows: who posted, commented or reacted in a group."""
    inside = (period.since, period.until)
    return [
        select(Post.group_id, Post.author_id.label("user_id")).where(
            live_posts(period), Post.group_id.is_not(None)
        ),
        select(Post.group_id, Comment.author_id)
        .select_from(Comment)
        .join(Post, Post.id == Comment.post_id)
        .where(live_comments(period), Post.group_id.is_not(None)),
        select(Post.group_id, Reaction.user_id)
        .select_from(Reaction)
        .join(Post, Post.id == Reaction.post_id)
        .where(
            Reaction.created_at >= inside[0],
            Reaction.created_at < inside[1],
            Post.group_id.is_not(None),
        ),
    ]


def contributions(period: Range):
    """SQL ``(user_id, p, c, r)`` rows, one per live post (not celebration), live comment
    and reaction given (sum them)."""
    one, zero = literal(1), literal(0)
    inside = (period.since, period.until)
    return [
        select(
            Post.author_id.label("user_id"), one.label("p"), zero.label("c"), zero.label("r")
        ).where(live_posts(period), Post.kind != "celebration"),
        select(Comment.author_id, zero, one, zero).where(live_comments(period)),
        select(Reaction.user_id, zero, zero, one).where(
            Reaction.created_at >= inside[0], Reaction.created_at < inside[1]
        ),
    ]
