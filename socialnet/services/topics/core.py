"""Topics: every hashtag is a topic, with a page, followers, a description and merges.

A topic is known to a reader when they may see at least one post carrying it, or when a
community manager has described it; anything else is a 404, so a tag used only in a
secret group does not show through its page, its figures or its follow button. Every
count here is of posts the reader may see (``policy.visible_posts_filter``).

Merging tag A into tag B (community managers) moves A's posts and followers to B and
leaves A as an *alias*: A's page and follow button answer for B, and a later post
written with #A is stored under B (:mod:`.aliases`).

Public contract: :func:`topic_page`, :func:`list_topics`, :func:`do_follow`,
:func:`do_unfollow`, :func:`do_describe`, :func:`do_merge`; they flush, never commit.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from ... import policy
from ...errors import Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    TOPIC_DESCRIPTION_MAX,
    TOPIC_TAG_MAX,
    Post,
    PostHashtag,
    Topic,
    TopicFollow,
    User,
)
from ...models._time import utcnow
from ...text_keys import fold
from ..feed import page_of_posts
from ..validation import check_known_fields, check_text
from .aliases import canonical_tag

#: What a hashtag is in a post (``markup.HASHTAG_RE``), whole: a word, then word
#: characters or hyphens; not digits only.
_TAG = re.compile(rf"\w[\w-]{{0,{TOPIC_TAG_MAX - 2}}}")
#: ``sort`` of the topics list, and the window of "trending".
SORTS = ("trending", "popular")
TRENDING_DAYS = 7
TOPICS_LIST_MAX = 50


def check_tag(raw: str, field: str = "tag") -> str:
    """The folded key of a tag given as ``qualite`` or ``#Qualité``.

    :raise ValidationFailed: ``fields[field]`` "invalid": not one hashtag (spaces,
        punctuation, digits only, too long).
    """
    text = raw[1:] if isinstance(raw, str) and raw.startswith("#") else raw
    key = fold(text) if isinstance(text, str) and len(text) <= TOPIC_TAG_MAX else ""
    if not _TAG.fullmatch(key) or key.isdigit():
        raise ValidationFailed(
            _(
                "A topic is one hashtag: a word of at most %(max)s letters, "
                "digits, '_' or '-', without spaces.",
                max=TOPIC_TAG_MAX - 1,
            ),
            fields={field: "invalid"},
        )
    return key


def _tagged(tag: str):
    return select(PostHashtag.post_id).where(PostHashtag.tag == tag)


def _visible_count(user: User, tag: str) -> int:
    """Posts carrying ``tag`` that ``user`` may see (``policy.visible_tag_uses``: kept
    counts, not a count of every use of a busy tag)."""
    uses = policy.visible_tag_uses(user, lambda key: key == tag).subquery()
    return db.session.scalar(select(uses.c.uses)) or 0


def access_topic(user: User, raw: str) -> tuple[str, Topic | None, int]:
    """The topic ``raw`` names (an alias resolved), its row if any, and how many of its
    posts ``user`` may see.

    :raise ValidationFailed: not a hashtag. :raise NotFound: unknown to ``user``.
    """
    tag = canonical_tag(check_tag(raw))
    topic = db.session.get(Topic, tag)
    count = _visible_count(user, tag)
    if count == 0 and (topic is None or not topic.description):
        raise NotFound(_("No such topic."))
    return tag, topic, count


def _insert_ignore(model, **values) -> bool:
    """Insert unless the primary key is there already; True when a row was added."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    pk = next(iter(model.__table__.primary_key.columns))
    added = db.session.execute(
        insert(model).values(**values).on_conflict_do_nothing().returning(pk)
    ).first()
    return added is not None


def _topic_dict(user: User, tag: str, topic: Topic | None, count: int) -> dict[str, Any]:
    followers = db.session.scalar(
        select(func.count()).select_from(TopicFollow).where(TopicFollow.tag == tag)
    )
    following = db.session.get(TopicFollow, (user.id, tag)) is not None
    return {
        "tag": tag,
        "description": topic.description if topic else None,
        "post_count": count,
        "follower_count": followers or 0,
        "following": following,
        "url": f"/topics/{tag}",
    }


def topic_summary(user: User, raw: str) -> dict[str, Any]:
    """The topic as ``user`` sees it (no posts). :raise: as :func:`access_topic`."""
    return _topic_dict(user, *access_topic(user, raw))


def topic_page(user: User, raw: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """The topic (:func:`topic_summary`) and one page of its posts ``user`` may see,
    newest first: ``items`` and ``next_cursor``. :raise: as :func:`access_topic`."""
    tag, topic, count = access_topic(user, raw)
    condition = policy.visible_posts_filter(user) & Post.id.in_(_tagged(tag))
    items, next_cursor = page_of_posts(user, f"topic#{tag}", condition, cursor, limit)
    return {**_topic_dict(user, tag, topic, count), "items": items, "next_cursor": next_cursor}


def check_sort(sort: str | None) -> str:
    """:raise ValidationFailed: ``sort`` is neither "trending" nor "popular" (absent: trending)."""
    if sort in (None, ""):
        return "trending"
    if sort not in SORTS:
        raise ValidationFailed(_("sort is trending or popular."), fields={"sort": "invalid"})
    return sort


def list_topics(user: User, sort: str | None, limit: int) -> list[dict[str, Any]]:
    """Topics by how many posts ``user`` may see carry them: in the last
    :data:`TRENDING_DAYS` days ("trending", the default) or ever ("popular"); most first,
    then by tag. A tag seen only in groups ``user`` may not read is absent, and a busy
    secret group adds nothing to any figure. Aliases have no posts left, so never appear.

    :raise ValidationFailed: a bad ``sort``.
    """
    sort = check_sort(sort)
    uses = func.count(PostHashtag.post_id)
    query = (
        select(PostHashtag.tag, uses.label("uses"), Topic.description)
        .join(Post, Post.id == PostHashtag.post_id)
        .outerjoin(Topic, Topic.tag == PostHashtag.tag)
        .where(policy.visible_posts_filter(user))
        .group_by(PostHashtag.tag, Topic.description)
        .order_by(uses.desc(), PostHashtag.tag)
        .limit(min(limit, TOPICS_LIST_MAX))
    )
    if sort == "trending":
        query = query.where(Post.created_at >= utcnow() - timedelta(days=TRENDING_DAYS))
    return [
        {"tag": tag, "post_count": n, "description": description, "url": f"/topics/{tag}"}
        for tag, n, description in db.session.execute(query)
    ]


def do_follow(user: User, raw: str) -> dict[str, Any]:
    """``user`` follows the topic (idempotent; the primary key keeps one row): posts
    carrying it from public groups they are not in reach their home feed.

    :raise: as :func:`access_topic`.
    """
    tag, topic, count = access_topic(user, raw)
    _insert_ignore(TopicFollow, user_id=user.id, tag=tag, created_at=utcnow())
    return _topic_dict(user, tag, topic, count)


def do_unfollow(user: User, raw: str) -> None:
    """``user`` stops following the topic (idempotent). One may always unfollow what one
    followed, even a topic no longer known to one.

    :raise ValidationFailed: not a hashtag. :raise NotFound: unknown, and not followed.
    """
    tag = canonical_tag(check_tag(raw))
    removed = db.session.execute(
        delete(TopicFollow).where(TopicFollow.user_id == user.id, TopicFollow.tag == tag)
    ).rowcount
    if not removed:
        access_topic(user, tag)


def may_curate(user: User) -> bool:
    """Show the describe and merge forms (``policy.can_curate_topics``)."""
    return policy.can_curate_topics(user)


def _check_curator(user: User) -> None:
    if not policy.can_curate_topics(user):
        raise Forbidden(_("Only community managers describe or merge topics."))


def _topic_row(tag: str) -> Topic:
    """The topic's row, created on first need."""
    _insert_ignore(Topic, tag=tag, created_at=utcnow())
    return db.session.get(Topic, tag, populate_existing=True)


def do_describe(user: User, raw: str, data: Any) -> dict[str, Any]:
    """Set (or, empty, clear) the topic's ``description``.

    :raise Forbidden: not a community manager or admin (checked first).
    :raise ValidationFailed: not a hashtag, or a bad body. :raise TooLarge: over
        :data:`~socialnet.models.TOPIC_DESCRIPTION_MAX` characters.
    :raise NotFound: unknown to ``user``.
    """
    _check_curator(user)
    fields = check_known_fields(data, {"description"})
    description = check_text(
        fields.get("description"), "description", max_len=TOPIC_DESCRIPTION_MAX, required=False
    )
    tag, _topic, _count = access_topic(user, raw)
    _topic_row(tag).description = description or None
    db.session.flush()
    return topic_summary(user, tag)


def _move_rows(model, source: str, target: str, key) -> None:
    """Re-tag ``model``'s rows from ``source`` to ``target``; a row whose owner (``key``)
    already has ``target`` is dropped instead (the primary key allows one)."""
    twin = aliased(model)
    has_target = exists().where(twin.tag == target, getattr(twin, key.key) == key)
    db.session.execute(delete(model).where(model.tag == source, has_target))
    db.session.execute(
        update(model).where(model.tag == source).values(tag=target),
        execution_options={"synchronize_session": False},
    )


def do_merge(user: User, raw: str, data: Any) -> dict[str, Any]:
    """Merge the topic ``raw`` into ``data["into"]``: its posts and followers move there,
    and it becomes an alias (later posts with it land on the target; older aliases of it
    now point to the target too). Answers the target topic.

    :raise Forbidden: not a community manager or admin (checked first).
    :raise ValidationFailed: a bad tag, or a tag merged into itself.
    :raise NotFound: the source unknown to ``user``.
    """
    _check_curator(user)
    fields = check_known_fields(data, {"into"})
    if not isinstance(fields.get("into"), str):
        raise ValidationFailed(_("into: the tag to merge into."), fields={"into": "invalid"})
    target = canonical_tag(check_tag(fields["into"], "into"))
    source, _topic, _count = access_topic(user, raw)
    if source == target:
        raise ValidationFailed(
            _("A topic cannot be merged into itself."), fields={"into": "same_topic"}
        )
    _topic_row(target)
    _move_rows(PostHashtag, source, target, PostHashtag.post_id)
    _move_rows(TopicFollow, source, target, TopicFollow.user_id)
    db.session.execute(
        update(Topic).where(Topic.merged_into == source).values(merged_into=target),
        execution_options={"synchronize_session": False},
    )
    _topic_row(source).merged_into = target
    db.session.flush()
    return topic_summary(user, target)
