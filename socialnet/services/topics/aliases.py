"""Merged tags: a tag merged into another one is its alias from then on.

Kept apart from the rest of :mod:`socialnet.services.topics` (it needs models only), so
that storing a post's hashtags and filtering the feed by one can ask it without an import
circle.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from ...extensions import db
from ...models import Topic

#: Built once: every post with a hashtag asks it.
_ALIASES = select(Topic.tag, Topic.merged_into).where(
    Topic.tag.in_(bindparam("tags", expanding=True)), Topic.merged_into.is_not(None)
)


def canonical_tags(tags: list[str]) -> list[str]:
    """``tags`` (folded keys) with every alias replaced by the tag it was merged into,
    without duplicates, in their first order. One query, none for an empty list.

    A merge re-points older aliases to its target, so one step always suffices.
    """
    if not tags:
        return []
    target = dict(db.session.execute(_ALIASES, {"tags": tags}).all())
    return list(dict.fromkeys(target.get(tag, tag) for tag in tags))


def canonical_tag(tag: str) -> str:
    """One tag, its alias resolved (see :func:`canonical_tags`)."""
    return canonical_tags([tag])[0]
