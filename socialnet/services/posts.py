"""Posts: create, read, edit, delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from .. import policy
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..markup import Rendered, linked_group_ids
from ..models import Group, Mention, ModerationState, NotificationType, Post, PostHashtag, User
from ..models._time import utcnow
from ..realtime.publisher import lock_event_log, publish
from ..serializers import post_dict
from . import notifications
from . import screening as screening_gate
from .cases import do_close_cases_about
from .content import render_body
from .files import check_file_ids, delete_files_of_post, do_attach, with_post_files
from .group_mentions import do_notify_group_mentions
from .reactions import reaction_counts
from .topics.aliases import canonical_tags
from .validation import check_known_fields, check_optional_id, check_text


def access_post(user: User, post_id: int) -> Post:
    """The post ``post_id`` if ``user`` may see it.

    :raise NotFound: missing, deleted, or in a group ``user`` cannot read — one answer for all.
    """
    post = db.session.scalar(
        select(Post)
        .options(joinedload(Post.author))
        .where(Post.id == post_id, policy.visible_posts_filter(user))
    )
    if post is None:
        raise NotFound(_("No such post."))
    return post


def check_post_body(value: Any) -> str:
    return check_text(value, "body", max_len=current_app.config["POST_MAX_CHARS"], multiline=True)


def check_group_for_posting(user: User, group_id: Any) -> int | None:
    group_id = check_optional_id(group_id, "group_id")
    if group_id is None:
        if not policy.can_post_in_group(user, None):  # a guest: their groups only
            raise Forbidden(_("Guests post in their groups only: choose one of them."))
        return None
    group = db.session.get(Group, group_id)
    if not policy.can_see_group(user, group):  # missing, or secret to them: the same answer
        raise ValidationFailed(_("No such group."), fields={"group_id": "unknown"})
    if group.is_archived:
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if not policy.can_post_in_group(user, group_id):
        raise Forbidden(_("Join this group to post in it."))
    return group_id


def check_mentions(author_id: int, mentioned_ids: list[int]) -> None:
    """A guest mentions the members of their groups only.

    :raise ValidationFailed: ``fields.body``: ``mention_out_of_reach``.
    """
    author = db.session.get(User, author_id)
    if author is not None and policy.people_out_of_reach(author, mentioned_ids):
        raise ValidationFailed(
            _("You can mention only the members of your groups."),
            fields={"body": "mention_out_of_reach"},
        )


def _store_body(
    post: Post, source: str, *, new: bool = True, rendered: Rendered | None = None
) -> list[int]:
    """Render and store ``source``; returns the ids of the people it mentions (readers only).

    An edit (``new=False``) first forgets the mentions and hashtags of the old text.
    A hashtag merged into another topic is stored as that topic (``topics.aliases``).
    ``rendered``: ``source`` already rendered and stored on ``post`` when it was inserted
    (a new post is written once, not inserted empty and then updated).
    """
    if rendered is None:
        rendered = render_body(source, post.author, post.group_id)
        post.body = source
        post.body_html = rendered.html
    if not new:
        db.session.execute(
            delete(Mention).where(Mention.post_id == post.id, Mention.comment_id.is_(None))
        )
        db.session.execute(delete(PostHashtag).where(PostHashtag.post_id == post.id))
    check_mentions(post.author_id, rendered.mentioned_ids)
    mentioned = policy.readers_among(rendered.mentioned_ids, post.group_id)
    db.session.add_all(Mention(post_id=post.id, user_id=uid) for uid in mentioned)
    tags = canonical_tags(rendered.hashtags)
    # In key order: each row bumps its tag's count (``topic_counts``), so two posts
    # written at once lock the same counts in the same order (no deadlock).
    db.session.add_all(PostHashtag(post_id=post.id, tag=tag) for tag in sorted(tags))
    return mentioned


#: What ``POST /posts`` creates; the other kinds have their own endpoints.
CREATABLE_KINDS = ("post", "question")
QUESTION_TITLE_MAX = 200  # posts.title's length


def check_kind_and_title(data: dict[str, Any]) -> tuple[str, str | None]:
    """``(kind, title)``: a question has a one-line title (required, at most
    :data:`QUESTION_TITLE_MAX` characters); a plain post has none.

    :raise ValidationFailed: an unknown kind, a question without a title, a post with one.
    :raise TooLarge: a title over the limit.
    """
    kind = data.get("kind", "post")
    if kind not in CREATABLE_KINDS:
        raise ValidationFailed(
            _("kind must be one of: %(values)s.", values=", ".join(CREATABLE_KINDS)),
            fields={"kind": "unknown"},
        )
    if kind == "post":
        if "title" in data:  # even null: the schema says a title is text, for questions
            raise ValidationFailed(
                _("Only a question has a title."), fields={"title": "unexpected"}
            )
        return kind, None
    if data.get("title") is None:
        raise ValidationFailed(_("A question needs a title."), fields={"title": "required"})
    return kind, check_text(data.get("title"), "title", max_len=QUESTION_TITLE_MAX)


def check_question_details(value: Any) -> str:
    """A question's body, its details: absent or text, possibly empty — not null."""
    if value is None:
        raise ValidationFailed(_("body must be text."), fields={"body": "not_text"})
    return check_text(
        value,
        "body",
        max_len=current_app.config["POST_MAX_CHARS"],
        required=False,
        multiline=True,
    )


def do_create_post(user: User, data: Any, *, draft: bool = False) -> Post:
    """Create a post from ``{"body", "group_id"}``, or a question from ``{"kind":
    "question", "title", "body", "group_id"}`` (its body, the details, may be empty), and
    publish ``post.created`` to its audience. Nothing is written if any field is refused.

    ``draft``: an editorial item's draft, kept in the ``draft`` state (its author alone
    sees it, nobody is notified) until ``services.editorial.drafts`` publishes it."""
    data = check_known_fields(data, {"body", "group_id", "kind", "title", "file_ids"})
    file_ids = check_file_ids(data.get("file_ids", []))
    kind, title = check_kind_and_title(data)
    if kind == "question":
        body = check_question_details(data.get("body", ""))
    else:
        body = check_post_body(data.get("body"))
    group_id = check_group_for_posting(user, data.get("group_id"))
    screening = screening_gate.check_writing(user, {"title": title, "body": body})
    source = screening.texts["body"]
    rendered = render_body(source, user, group_id)
    post = Post(
        author_id=user.id,
        author=user,
        group_id=group_id,
        kind=kind,
        title=screening.texts.get("title"),
        body=source,
        body_html=rendered.html,
        moderation_state=ModerationState.DRAFT.value if draft else ModerationState.PUBLISHED.value,
    )
    db.session.add(post)
    db.session.flush()
    mentioned = _store_body(post, source, rendered=rendered)
    if file_ids:
        do_attach(user, file_ids, post=post)
    screening_gate.settle_post(user, post, screening)
    # A new post's files are the ones just attached: without any, nothing to look up.
    event_data = with_post_files(post_dict(post)) if file_ids else {**post_dict(post), "files": []}
    publish("post.created", event_data, room=policy.room_for_post(post), post_id=post.id)
    notifications.do_notify(mentioned, NotificationType.MENTIONED, actor=user, post=post)
    do_notify_group_mentions(user, post, rendered.mentioned_group_ids, skip=mentioned)
    return post


NOT_EDITABLE_KINDS = ("poll", "kudos", "celebration", "feedback")


def do_edit_post(user: User, post_id: int, data: Any) -> Post:
    """Replace the body of the author's own post; marks it edited."""
    data = check_known_fields(data, {"body", "file_ids"})
    post = access_post(user, post_id)
    if not policy.can_edit_post(user, post):
        raise Forbidden(_("Only the author can edit a post."))
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if post.kind == "event":
        raise Forbidden(_("An event is edited by its organisers, from the event itself."))
    if post.kind in NOT_EDITABLE_KINDS:
        # Their text is part of what people answered or were given (a poll's question,
        # a kudos message): changing it afterwards would rewrite their meaning.
        raise Forbidden(
            _("A %(kind)s cannot be edited; delete it and post it again.", kind=post.kind)
        )
    body = check_post_body(data.get("body"))
    screening = screening_gate.check_writing(user, {"body": body})
    mentioned_before = set(
        db.session.scalars(
            select(Mention.user_id).where(Mention.post_id == post.id, Mention.comment_id.is_(None))
        )
    )
    groups_before = set(linked_group_ids(post.body_html))
    mentioned = _store_body(post, screening.texts["body"], new=False)
    if "file_ids" in data:  # the list given replaces the post's files
        do_attach(user, data["file_ids"], post=post)
    post.edited_at = utcnow()
    screening_gate.settle_post(user, post, screening, is_new=False)
    lock_event_log()  # then read the counts the event carries: none committed before is missed
    db.session.refresh(post, ["comment_count"])
    publish(
        "post.updated",
        with_post_files(post_dict(post, reaction_counts=reaction_counts(post.id))),
        room=policy.room_for_post(post),
        post_id=post.id,
    )
    newly_mentioned = [uid for uid in mentioned if uid not in mentioned_before]
    notifications.do_notify(newly_mentioned, NotificationType.MENTIONED, actor=user, post=post)
    newly_named = [g for g in linked_group_ids(post.body_html) if g not in groups_before]
    do_notify_group_mentions(user, post, newly_named, skip=mentioned)
    return post


#: What else happens when a post is deleted, by the domain that asked (circles put back the
#: topic of a session whose event is deleted before it took place): called with the post
#: inside the deleting transaction. Domains built on posts register here, so posts
#: imports none of them.
_ON_DELETE: dict[str, Callable[[Post], None]] = {}


def on_delete(name: str, handler: Callable[[Post], None]) -> None:
    """Run ``handler(post)`` whenever :func:`do_delete_post` deletes a post (once per
    ``name``)."""
    _ON_DELETE[name] = handler


def do_delete_post(user: User, post_id: int) -> None:
    """Soft-delete: the row stays (moderation, audit) but no read path shows it; the
    handlers given to :func:`on_delete` run in this transaction."""
    post = access_post(user, post_id)
    if not policy.can_delete_post(user, post):
        raise Forbidden(_("You can only delete your own posts."))
    post.deleted_at = utcnow()
    post.deleted_by_id = user.id
    delete_files_of_post(post)
    db.session.flush()
    for handler in _ON_DELETE.values():
        handler(post)
    if user.id == post.author_id:
        do_close_cases_about("post", post.id)
    publish("post.deleted", {"id": post.id}, room=policy.room_for_post(post), post_id=post.id)
