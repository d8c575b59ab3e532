"""Comments on posts."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from .. import policy
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Comment, Mention, ModerationState, NotificationType, Post, User
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor
from ..realtime.publisher import publish
from ..serializers import comment_dict
from . import notifications, questions
from . import screening as screening_gate
from .cases import do_close_cases_about
from .content import render_body
from .files import check_file_ids, delete_files_of_comment, do_attach
from .posts import access_post, check_mentions
from .validation import check_known_fields, check_text


def access_comment(user: User, comment_id: int) -> tuple[Comment, Post]:
    """The comment and its post, if ``user`` may see both (the policy's comment and post
    filters, in one query).

    :raise NotFound: missing, deleted, held or hidden (unless theirs), or on a post they
        may not see — one answer for all.
    """
    row = db.session.execute(
        select(Comment, Post)
        .join(Post, Post.id == Comment.post_id)
        .where(
            Comment.id == comment_id,
            policy.visible_comments_filter(user),
            policy.visible_posts_filter(user),
        )
    ).first()
    if row is None:
        raise NotFound(_("No such comment."))
    return row[0], row[1]


def list_comments(
    user: User, post_id: int, cursor: str | None, limit: int
) -> tuple[list[Comment], str | None]:
    """Oldest first, keyset-paginated."""
    post = access_post(user, post_id)
    scope = f"comments:{post.id}"
    after_id = decode_cursor(scope, cursor)
    query = (
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.post_id == post.id, policy.visible_comments_filter(user))
        .order_by(Comment.id)
        .limit(limit + 1)
    )
    if after_id is not None:
        query = query.where(Comment.id > after_id)
    rows = list(db.session.scalars(query))
    next_cursor = encode_cursor(scope, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def do_create_comment(user: User, post_id: int, data: Any) -> Comment:
    data = check_known_fields(data, {"body", "file_ids"})
    file_ids = check_file_ids(data.get("file_ids", []))
    post = access_post(user, post_id)
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if not post.comments_enabled:
        raise Forbidden(_("Comments are turned off for this post."))
    body = check_text(
        data.get("body"), "body", max_len=current_app.config["COMMENT_MAX_CHARS"], multiline=True
    )
    screening = screening_gate.check_writing(user, {"body": body})
    body = screening.texts["body"]
    rendered = render_body(body)
    comment = Comment(
        post_id=post.id, author_id=user.id, author=user, body=body, body_html=rendered.html
    )
    db.session.add(comment)
    db.session.flush()
    if file_ids:
        do_attach(user, file_ids, comment=comment)
    check_mentions(user.id, rendered.mentioned_ids)
    mentioned = policy.readers_among(rendered.mentioned_ids, post.group_id)
    db.session.add_all(
        Mention(post_id=post.id, comment_id=comment.id, user_id=uid) for uid in mentioned
    )
    screening_gate.settle_comment(comment, post, screening)
    if comment.moderation_state != ModerationState.PUBLISHED.value:  # held: its author only
        publish("comment.created", comment_dict(comment), room=f"user:{user.id}", post_id=post.id)
        return comment
    db.session.execute(
        update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count + 1)
    )
    db.session.flush()
    publish(
        "comment.created", comment_dict(comment), room=policy.room_for_post(post), post_id=post.id
    )
    _notify_comment(user, post, comment, mentioned)
    return comment


def _notify_comment(user: User, post: Post, comment: Comment, mentioned: list[int]) -> None:
    """The post's author hears of the reply; others named in it, of the mention
    (the author only once, as a reply). Both name the comment, which they preview."""
    params = {"comment_id": comment.id}
    notifications.do_notify(
        [post.author_id], NotificationType.REPLIED, actor=user, post=post, params=params
    )
    others = [uid for uid in mentioned if uid != post.author_id]
    notifications.do_notify(
        others, NotificationType.MENTIONED, actor=user, post=post, params=params
    )


def do_delete_comment(user: User, comment_id: int) -> bool:
    """The comment's author, the post's author or a moderator may delete it (soft).

    :return: whether it was a question's best answer, so that question is unanswered
        again (:func:`.questions.on_comment_deleted`; the caller tells the person).
    """
    comment, post = access_comment(user, comment_id)
    if not policy.can_delete_comment(user, comment, post):
        raise Forbidden(_("You can only delete your own comments or comments on your posts."))
    comment.deleted_at = utcnow()
    delete_files_of_comment(comment)
    if user.id == comment.author_id:
        do_close_cases_about("comment", comment.id)
    if comment.moderation_state == ModerationState.PUBLISHED.value:  # only those are counted
        db.session.execute(
            update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count - 1)
        )
    db.session.flush()
    publish(
        "comment.deleted",
        {"id": comment.id, "post_id": post.id},
        room=policy.room_for_post(post),
        post_id=post.id,
    )
    return questions.on_comment_deleted(post, comment)
