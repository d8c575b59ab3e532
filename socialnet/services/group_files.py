"""A group's "Files": the files on the posts and comments of a group that a reader may see.

Apart from :mod:`.files` because it builds on the groups service, which (through the feed)
builds on :mod:`.files`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from .. import policy
from ..extensions import db
from ..models import Comment, FileUpload, Group, Post, User
from ..pagination import decode_cursor, encode_cursor
from .files import file_entry
from .groups.reading import access_readable_group


def group_files(
    user: User, group_id: int, cursor: str | None, limit: int
) -> tuple[Group, list[dict[str, Any]], str | None]:
    """A group's "Files" list, newest first: the files on the posts (and their comments)
    of ``group_id`` that ``user`` may see, each ``{"file", "uploader", "created_at",
    "post_id", "post_url"}``; keyset-paginated by file id.

    :raise NotFound: the group is missing or secret to ``user``. :raise Forbidden: an
        outsider of a private group.
    """
    group = access_readable_group(user, group_id)
    scope = f"group-files:{group.id}"
    before_id = decode_cursor(scope, cursor)
    on_post = select(Post.id).where(Post.group_id == group.id, policy.visible_posts_filter(user))
    on_comment = select(Comment.id).where(
        Comment.post_id.in_(on_post), policy.visible_comments_filter(user)
    )
    query = (
        select(FileUpload, User, func.coalesce(FileUpload.post_id, Comment.post_id))
        .join(User, User.id == FileUpload.uploader_id)
        .outerjoin(Comment, Comment.id == FileUpload.comment_id)
        .where(FileUpload.post_id.in_(on_post) | FileUpload.comment_id.in_(on_comment))
        .order_by(FileUpload.id.desc())
        .limit(limit + 1)
    )
    if before_id is not None:
        query = query.where(FileUpload.id < before_id)
    rows = db.session.execute(query).all()
    next_cursor = encode_cursor(scope, rows[limit - 1][0].id) if len(rows) > limit else None
    items = [file_entry(f, uploader, post_id) for f, uploader, post_id in rows[:limit]]
    return group, items, next_cursor
