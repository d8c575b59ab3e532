"""Questions: posts of kind ``question``, answered by comments, one of which may be
chosen as the best answer.

A question is *answered* while its ``best_answer_id`` names a comment that is published
and not deleted. Deleting that comment clears the choice (the question is unanswered
again, and ``question.unanswered`` says so); moderation hiding it leaves the choice in
place but it no longer counts, for anyone, until the comment is restored.

Who may choose is :func:`policy.can_choose_best_answer`; a question the caller cannot
see is a 404 like a missing one. Events (``question.answered``, ``question.unanswered``)
go to the question's audience room (``policy.room_for_post``) after commit.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import joinedload

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Comment, Group, ModerationState, NotificationType, Post, PostHashtag, User
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor
from ..realtime.publisher import publish
from ..serializers import comment_dict
from ..text_keys import fold
from . import attachments, feed, notifications
from .posts import access_post
from .search import SearchFilters, search
from .search.query import WORD
from .validation import check_filter_text, check_known_fields, check_optional_id

QUESTION = "question"
STATUSES = ("unanswered", "answered")


def best_answer_counts() -> ColumnElement[bool]:
    """SQL on ``Post``: its best answer is a published, undeleted comment (answered)."""
    return exists().where(
        Comment.id == Post.best_answer_id,
        Comment.deleted_at.is_(None),
        Comment.moderation_state == ModerationState.PUBLISHED.value,
    )


def _counts(comment: Comment | None) -> bool:
    return (
        comment is not None
        and comment.deleted_at is None
        and comment.moderation_state == ModerationState.PUBLISHED.value
    )


def answer_state(best_answer: Comment | None) -> dict[str, Any]:
    """The ``answered`` / ``best_answer`` fields of a question item and of its events."""
    if not _counts(best_answer):
        return {"answered": False, "best_answer": None}
    return {"answered": True, "best_answer": comment_dict(best_answer)}


def load_for_posts(_viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """``{post_id: {"answered", "best_answer"}}`` for the questions of a page, in one
    query. The best answer is shown only while it counts (published, not deleted), so
    everyone who sees the question sees the same answer under it."""
    wanted = {p.best_answer_id for p in posts if p.best_answer_id is not None}
    found: dict[int, Comment] = {}
    if wanted:
        rows = db.session.scalars(
            select(Comment).options(joinedload(Comment.author)).where(Comment.id.in_(wanted))
        )
        found = {c.id: c for c in rows}
    return {p.id: answer_state(found.get(p.best_answer_id)) for p in posts}


attachments.register(QUESTION, load_for_posts, key=None)


def access_question(user: User, post_id: int) -> Post:
    """The question ``post_id`` if ``user`` may see it.

    :raise NotFound: missing or invisible (the policy's one answer).
    :raise Conflict: a visible post that is not a question.
    """
    post = access_post(user, post_id)
    if post.kind != QUESTION:
        raise Conflict(_("Only a question has a best answer; this post is not a question."))
    return post


def _check_may_choose(user: User, post: Post) -> None:
    if not policy.can_choose_best_answer(user, post):
        raise Forbidden(
            _(
                "Only the person who asked, the group's admins and community "
                "managers choose the best answer."
            )
        )
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)


def _check_answer(post: Post, value: Any) -> Comment:
    """The comment ``value`` names, if it may be ``post``'s best answer.

    :raise ValidationFailed: missing or not a comment on this question (one answer for
        both, so another post's comments are not probed).
    :raise Conflict: a deleted, held, hidden or removed comment.
    """
    comment_id = check_optional_id(value, "comment_id")
    if comment_id is None:
        raise ValidationFailed(
            _("Say which answer: comment_id."), fields={"comment_id": "required"}
        )
    comment = db.session.scalar(
        select(Comment).options(joinedload(Comment.author)).where(Comment.id == comment_id)
    )
    if comment is None or comment.post_id != post.id:
        raise ValidationFailed(
            _("That comment is not an answer to this question."), fields={"comment_id": "unknown"}
        )
    if not _counts(comment):
        raise Conflict(
            _("That answer was deleted or is held or hidden by moderation; choose another one."),
            fields={"comment_id": "not_published"},
        )
    return comment


def do_choose_best_answer(user: User, post_id: int, data: Any) -> Post:
    """Mark ``{"comment_id"}`` as the best answer of question ``post_id`` (replacing any
    previous choice). Publishes ``question.answered`` to the question's audience and
    notifies the answer's author (``best_answer``); choosing the same answer again
    changes nothing and tells nobody. Flushes.

    :raise NotFound: the question is invisible. :raise Conflict: not a question, or the
        answer does not count (deleted, held, hidden). :raise Forbidden: ``user`` may not
        choose, or the group is archived. :raise ValidationFailed: bad ``comment_id``.
    """
    data = check_known_fields(data, {"comment_id"})
    post = access_question(user, post_id)
    _check_may_choose(user, post)
    comment = _check_answer(post, data.get("comment_id"))
    if post.best_answer_id == comment.id:
        return post
    post.best_answer_id = comment.id
    post.best_answer_at = utcnow()
    db.session.flush()
    publish(
        "question.answered",
        {"post_id": post.id, **answer_state(comment)},
        room=policy.room_for_post(post),
        post_id=post.id,
    )
    notifications.do_notify(
        [comment.author_id], NotificationType.BEST_ANSWER, actor=user, post=post
    )
    return post


def do_clear_best_answer(user: User, post_id: int) -> Post:
    """Unmark the best answer (idempotent); publishes ``question.unanswered``
    (``reason`` "unmarked") when there was one. Same refusals as choosing."""
    post = access_question(user, post_id)
    _check_may_choose(user, post)
    if post.best_answer_id is not None:
        _clear(post, "unmarked")
    return post


def _clear(post: Post, reason: str) -> None:
    post.best_answer_id = None
    post.best_answer_at = None
    db.session.flush()
    publish(
        "question.unanswered",
        {"post_id": post.id, "answered": False, "best_answer": None, "reason": reason},
        room=policy.room_for_post(post),
        post_id=post.id,
    )


def on_comment_deleted(post: Post, comment: Comment) -> bool:
    """Called when ``comment`` on ``post`` is deleted: if it was the best answer, the
    question becomes unanswered again (``question.unanswered``, ``reason`` "deleted").

    :return: whether the question lost its best answer (the caller says so).
    """
    if post.kind != QUESTION or post.best_answer_id != comment.id:
        return False
    _clear(post, "deleted")
    return True


def check_status(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in STATUSES:
        raise ValidationFailed(
            _("status must be one of: %(values)s.", values=", ".join(STATUSES)),
            fields={"status": "unknown"},
        )
    return value


def access_group(user: User, raw: Any) -> Group | None:
    """The group ``raw`` names (an id, or a query string's digits; empty: none), if
    ``user`` may see it.

    :raise ValidationFailed: not an id. :raise NotFound: missing or secret to ``user``.
    """
    if isinstance(raw, str):
        raw = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else raw or None
    group_id = check_optional_id(raw, "group_id")
    if group_id is None:
        return None
    group = db.session.get(Group, group_id)
    if not policy.can_see_group(user, group):
        raise NotFound(_("No such group."))
    return group


def questions_query(
    user: User,
    status: str | None = None,
    group_id: int | None = None,
    topic: str | None = None,
    after_id: int | None = None,
) -> Select:
    """The questions ``user`` may see, oldest first, filtered (arguments already checked).

    It walks the partial index ``ix_posts_questions_id`` forward, never every post."""
    condition = (Post.kind == QUESTION) & policy.visible_posts_filter(user)
    if status == "answered":
        condition = condition & best_answer_counts()
    elif status == "unanswered":
        condition = condition & ~best_answer_counts()
    if group_id is not None:
        condition = condition & (Post.group_id == group_id)
    if topic:
        tagged = select(PostHashtag.post_id).where(PostHashtag.tag == topic)
        condition = condition & Post.id.in_(tagged)
    if after_id is not None:
        condition = condition & (Post.id > after_id)
    return select(Post).options(joinedload(Post.author)).where(condition).order_by(Post.id)


def list_questions(
    user: User,
    *,
    status: str | None,
    group_id: Any,
    topic: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """Questions ``user`` may see, oldest first (the ones waiting longest come first),
    keyset-paginated: ``status`` "unanswered" / "answered" (absent: both), one group
    (``group_id``), one #topic (a hashtag of the question).

    :raise ValidationFailed: bad status, group id, topic or cursor.
    :raise NotFound: a group ``user`` may not see (like a missing one).
    """
    status = check_status(status)
    group = access_group(user, group_id)
    group_id = group.id if group is not None else None
    topic = check_filter_text(topic, "topic", max_len=100)
    topic = fold(topic.lstrip("#")) if topic else None
    scope = f"questions:{status or 'all'}:{group_id or ''}:{topic or ''}"
    after_id = decode_cursor(scope, cursor)
    query = questions_query(user, status, group_id, topic, after_id).limit(limit + 1)
    posts = list(db.session.scalars(query))
    next_cursor = encode_cursor(scope, posts[limit - 1].id) if len(posts) > limit else None
    return feed.serialize_posts_for(user, posts[:limit]), next_cursor


# --- similar questions, while a question is being typed ------------------------------------

#: How many similar questions the composer shows.
SIMILAR_MAX = 5
#: Words that say a question is asked but not what about (English and French); with the
#: words under three letters, they are left out of the lookup.
_QUESTION_WORDS = frozenset({
    "what", "where", "when", "which", "who", "whom", "whose", "why", "how", "does", "did",
    "have", "has", "can", "could", "should", "would", "will", "there", "this", "that", "with",
    "from", "about", "into", "for", "the", "and", "any", "are", "our", "your",
    "quoi", "comment", "pourquoi", "quand", "quel", "quelle", "quels", "quelles", "est",
    "estce", "faut", "peut", "pour", "dans", "avec", "une", "des", "les", "sur", "par", "qui",
    "que",
})  # fmt: skip
#: At most this many words of the title are looked for (all of them must match).
_SIMILAR_TERMS = 4


def similar_questions(user: User, title: str | None) -> list[dict[str, Any]]:
    """Up to :data:`SIMILAR_MAX` questions ``user`` may see that contain the distinctive
    words of ``title`` (the first :data:`_SIMILAR_TERMS` words of three letters or more
    that are not question words, stemmed as search stems them), most relevant first:
    ``[{"id", "title", "url", "answered"}]``. A title with no such word finds nothing.

    :raise ValidationFailed: ``q`` too long (over 200 characters) or with control characters.
    """
    text = check_filter_text(title, "q", max_len=200) or ""
    words = [w for w in WORD.findall(fold(text)) if len(w) >= 3 and w not in _QUESTION_WORDS]
    if not words:
        return []
    filters = SearchFilters(type="posts", questions_only=True)
    hits, _cursor = search(user, " ".join(words[:_SIMILAR_TERMS]), filters, None, SIMILAR_MAX)
    return [
        {
            "id": hit["id"],
            "title": hit["object"]["title"],
            "url": hit["object"]["url"],
            "answered": hit["object"].get("answered", False),
        }
        for hit in hits
    ]
