"""Comments on posts."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from .. import policy
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..markup import linked_group_ids
from ..models import Comment, Mention, ModerationState, NotificationType, Post, User
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor
from ..realtime.publisher import publish
from ..serializers import comment_dict
from . import notifications, questions
from . import screening as screening_gate
from .cases import do_close_cases_about
from .content import render_body
from .files import check_file_ids, delete_files_of_comment, do_attach, with_comment_files
from .group_mentions import do_notify_group_mentions
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


#: The orders :func:`list_comments` knows (the API's ``order`` query parameter).
ORDERS = ("oldest", "newest")


def check_order(raw: str | None) -> str:
    """``oldest`` (the default, when absent or empty) or ``newest``.

    :raise ValidationFailed: anything else."""
    if not raw:
        return "oldest"
    if raw not in ORDERS:
        raise ValidationFailed(_("order must be oldest or newest."), fields={"order": "invalid"})
    return raw


def list_comments(
    user: User, post_id: int, cursor: str | None, limit: int, order: str = "oldest"
) -> tuple[list[Comment], str | None]:
    """Keyset-paginated, oldest first, or newest first with ``order="newest"`` (a feed
    card's latest comments; a cursor only continues the order it was made for).

    :raise NotFound: the post is not visible to ``user``."""
    post = access_post(user, post_id)
    newest = order == "newest"
    scope = f"comments:{post.id}:newest" if newest else f"comments:{post.id}"
    after_id = decode_cursor(scope, cursor)
    query = (
        select(Comment)
        .options(joinedload(Comment.author))
        .where(Comment.post_id == post.id, policy.visible_comments_filter(user))
        .order_by(Comment.id.desc() if newest else Comment.id)
        .limit(limit + 1)
    )
    if after_id is not None:
        query = query.where(Comment.id < after_id if newest else Comment.id > after_id)
    rows = list(db.session.scalars(query))
    next_cursor = encode_cursor(scope, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def latest_for_posts(user: User, post_ids: list[int], per_post: int) -> dict[int, list[Comment]]:
    """The newest ``per_post`` comments ``user`` may see on each of ``post_ids`` (posts the
    caller knows ``user`` sees), oldest first within a post; one query for any number of
    posts. Every id is a key, with an empty list when the post has none."""
    out: dict[int, list[Comment]] = {post_id: [] for post_id in post_ids}
    if not post_ids or per_post <= 0:
        return out
    ranked = (
        select(
            Comment.id,
            func.row_number()
            .over(partition_by=Comment.post_id, order_by=Comment.id.desc())
            .label("rank"),
        )
        .where(Comment.post_id.in_(post_ids), policy.visible_comments_filter(user))
        .subquery()
    )
    rows = db.session.scalars(
        select(Comment)
        .options(joinedload(Comment.author))
        .join(ranked, ranked.c.id == Comment.id)
        .where(ranked.c.rank <= per_post)
        .order_by(Comment.id)
    )
    for comment in rows:
        out[comment.post_id].append(comment)
    return out


def _check_open(post: Post) -> None:
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if not post.comments_enabled:
        raise Forbidden(_("Comments are turned off for this post."))


def _check_body(data: dict[str, Any]) -> str:
    return check_text(
        data.get("body"), "body", max_len=current_app.config["COMMENT_MAX_CHARS"], multiline=True
    )


def do_create_comment(user: User, post_id: int, data: Any) -> Comment:
    data = check_known_fields(data, {"body", "file_ids"})
    file_ids = check_file_ids(data.get("file_ids", []))
    post = access_post(user, post_id)
    _check_open(post)
    body = _check_body(data)
    screening = screening_gate.check_writing(user, {"body": body})
    body = screening.texts["body"]
    rendered = render_body(body, user, post.group_id)
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
        data = with_comment_files(comment_dict(comment))
        publish("comment.created", data, room=f"user:{user.id}", post_id=post.id)
        return comment
    db.session.execute(
        update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count + 1)
    )
    db.session.flush()
    publish(
        "comment.created",
        with_comment_files(comment_dict(comment)),
        room=policy.room_for_post(post),
        post_id=post.id,
    )
    _notify_comment(user, post, comment, mentioned)
    do_notify_group_mentions(
        user,
        post,
        rendered.mentioned_group_ids,
        skip=[*mentioned, post.author_id],
        params={"comment_id": comment.id},
    )
    return comment


def do_edit_comment(user: User, comment_id: int, data: Any) -> Comment:
    """Replace the body of the author's own comment and, with ``file_ids``, its files (the
    list given replaces them; files dropped are deleted); marks it edited and publishes
    ``comment.updated`` (to its author only while it is not published). People newly
    mentioned are told. Words that need approval take a published comment out of sight
    until a moderator approves it (``comment.hidden``), as for posts.

    :raise NotFound: see :func:`access_comment`. :raise Forbidden: not its author; the
        post is read-only or closed to comments. :raise ValidationFailed: a bad body or
        file list (nothing is written).
    """
    data = check_known_fields(data, {"body", "file_ids"})
    comment, post = access_comment(user, comment_id)
    if not policy.can_edit_comment(user, comment):
        raise Forbidden(_("Only its author can edit a comment."))
    _check_open(post)
    body = _check_body(data)
    if "file_ids" in data:
        check_file_ids(data["file_ids"])
    screening = screening_gate.check_writing(user, {"body": body})
    groups_before = set(linked_group_ids(comment.body_html))
    rendered = render_body(screening.texts["body"], user, post.group_id)
    comment.body, comment.body_html = screening.texts["body"], rendered.html
    comment.edited_at = utcnow()
    before = set(
        db.session.scalars(select(Mention.user_id).where(Mention.comment_id == comment.id))
    )
    db.session.execute(delete(Mention).where(Mention.comment_id == comment.id))
    mentioned = policy.readers_among(rendered.mentioned_ids, post.group_id)
    db.session.add_all(
        Mention(post_id=post.id, comment_id=comment.id, user_id=uid) for uid in mentioned
    )
    if "file_ids" in data:
        do_attach(user, data["file_ids"], comment=comment)
    was_published = comment.moderation_state == ModerationState.PUBLISHED.value
    screening_gate.settle_comment(comment, post, screening)
    published = comment.moderation_state == ModerationState.PUBLISHED.value
    room = policy.room_for_post(post)
    if was_published and not published:  # held for approval: out of sight, uncounted
        db.session.execute(
            update(Post).where(Post.id == post.id).values(comment_count=Post.comment_count - 1)
        )
        hidden = {
            "id": comment.id,
            "post_id": post.id,
            "moderation_state": comment.moderation_state,
        }
        publish("comment.hidden", hidden, room=room, post_id=post.id, group_id=post.group_id)
    db.session.flush()
    event = with_comment_files(comment_dict(comment))
    publish(
        "comment.updated", event, room=room if published else f"user:{user.id}", post_id=post.id
    )
    if published:
        params = {"comment_id": comment.id}
        newly = [uid for uid in mentioned if uid not in before]
        notifications.do_notify(
            newly, NotificationType.MENTIONED, actor=user, post=post, params=params
        )
        named = [g for g in rendered.mentioned_group_ids if g not in groups_before]
        do_notify_group_mentions(
            user, post, named, skip=[*mentioned, post.author_id], params=params
        )
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
