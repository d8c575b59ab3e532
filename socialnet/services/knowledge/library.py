"""The knowledge base: lessons learned and syntheses, by topic, newest or most useful
first, with search. Only posts the reader may see (``policy.visible_posts_filter``).

The list takes the post kinds it shows (:data:`KNOWLEDGE_KINDS` by default): feedback
summaries are written here; the peer-learning circles' syntheses (kind ``synthesis``)
appear as soon as that kind exists, with no change to this module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import Post, PostHashtag, Reaction, User
from ...models.search import POSTS
from ...pagination import decode_cursor, encode_cursor, parse_limit
from ..feed import serialize_posts_for
from ..search.engines import match
from ..search.query import parse_query
from ..topics.core import check_tag

#: What the knowledge base lists: feedback summaries, and the circles' syntheses.
KNOWLEDGE_KINDS: tuple[str, ...] = ("feedback", "synthesis")
SORTS = ("newest", "useful")
TOPICS_LISTED = 30


def _check_kinds(raw: str | None, kinds: Sequence[str]) -> tuple[str, ...]:
    if raw in (None, ""):
        return tuple(kinds)
    if raw not in kinds:
        raise ValidationFailed(
            _("kind must be one of: %(values)s.", values=", ".join(kinds)),
            fields={"kind": "unknown"},
        )
    return (raw,)


def _usefulness() -> ColumnElement[int]:
    """Reactions and comments: what colleagues found worth a reaction or a question."""
    reactions = (
        select(func.count())
        .select_from(Reaction)
        .where(Reaction.post_id == Post.id)
        .correlate(Post)
        .scalar_subquery()
    )
    return reactions + Post.comment_count


def list_knowledge(
    user: User, args: Mapping[str, str], kinds: Sequence[str] = KNOWLEDGE_KINDS
) -> dict[str, Any]:
    """A page of the knowledge base as ``user`` sees it: ``{"items", "next_cursor"}``
    (feed items). ``kind`` (one of ``kinds``), ``topic`` (a hashtag), ``q`` (words, as
    in search), ``sort`` newest (default) or useful (reactions and comments, then newest).
    The cursor is signed and bound to the query.

    :raise ValidationFailed: an unknown kind or sort, a bad topic, query, limit or cursor.
    """
    shown = _check_kinds(args.get("kind"), kinds)
    sort = args.get("sort") or "newest"
    if sort not in SORTS:
        raise ValidationFailed(
            _("sort must be one of: %(values)s.", values=", ".join(SORTS)),
            fields={"sort": "unknown"},
        )
    topic = check_tag(args["topic"], "topic") if args.get("topic") else None
    raw_q = args.get("q") or None
    limit = parse_limit(args.get("limit"))
    scope = f"knowledge:{shown}:{sort}:{topic}:{raw_q}"
    offset = decode_cursor(scope, args.get("cursor")) or 0
    query = select(Post).where(Post.kind.in_(shown), policy.visible_posts_filter(user))
    if topic is not None:
        tagged = select(PostHashtag.post_id).where(PostHashtag.tag == topic)
        query = query.where(Post.id.in_(tagged))
    if raw_q is not None:
        found = match(db.session.get_bind().dialect.name, POSTS, parse_query(raw_q))
        query = found.apply(query, Post.id)
    order = (_usefulness().desc(), Post.id.desc()) if sort == "useful" else (Post.id.desc(),)
    posts = list(
        db.session.scalars(
            query.options(joinedload(Post.author)).order_by(*order).offset(offset).limit(limit + 1)
        )
    )
    more = len(posts) > limit
    return {
        "items": serialize_posts_for(user, posts[:limit]),
        "next_cursor": encode_cursor(scope, offset + limit) if more else None,
    }


def knowledge_topics(user: User, kinds: Sequence[str] = KNOWLEDGE_KINDS) -> list[dict[str, Any]]:
    """The topics of the knowledge base ``user`` may see, most used first:
    ``[{"tag", "count"}]`` (at most :data:`TOPICS_LISTED`)."""
    count = func.count().label("n")
    rows = db.session.execute(
        select(PostHashtag.tag, count)
        .join(Post, Post.id == PostHashtag.post_id)
        .where(Post.kind.in_(tuple(kinds)), policy.visible_posts_filter(user))
        .group_by(PostHashtag.tag)
        .order_by(count.desc(), PostHashtag.tag)
        .limit(TOPICS_LISTED)
    )
    return [{"tag": tag, "count": n} for tag, n in rows]
