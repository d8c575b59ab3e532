"""Reading a newsletter: what an issue shows one reader, its dict, the list of issues.

An issue shows each reader only the posts they may see *now*
(:func:`~socialnet.policy.visible_posts_filter`, published only): a post deleted, hidden,
or moved out of their reach since it was chosen disappears from the page and from the
emails still to be sent. ``newsletter_dict`` is the one shape of an issue (API, events,
pages and emails read it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ... import policy
from ...extensions import db
from ...models import Group, ModerationState, Newsletter, NewsletterItem, Post, User
from ...pagination import decode_cursor, encode_cursor
from ...serializers import iso, user_summary
from ..digest import excerpt


def shown_posts(viewer: User, newsletter: Newsletter) -> dict[int, Post]:
    """``{item id: post}`` for the items of ``newsletter`` that ``viewer`` may see now."""
    rows = db.session.execute(
        select(NewsletterItem.id, Post)
        .join(Post, Post.id == NewsletterItem.post_id)
        .options(joinedload(Post.author))
        .where(
            NewsletterItem.newsletter_id == newsletter.id,
            policy.visible_posts_filter(viewer),
            Post.moderation_state == ModerationState.PUBLISHED.value,
        )
    ).all()
    return dict(rows)


def _group_names(posts: list[Post]) -> dict[int, str]:
    ids = {p.group_id for p in posts if p.group_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Group.id, Group.name).where(Group.id.in_(ids))).all())


def item_dict(item: NewsletterItem, post: Post, groups: dict[int, str]) -> dict[str, Any]:
    return {
        "id": item.id,
        "post_id": post.id,
        "title": post.title or "",
        "excerpt": excerpt(post.body),
        "author": user_summary(post.author),
        "group": groups.get(post.group_id) if post.group_id else None,
        "url": f"/posts/{post.id}",
    }


def audience_dict(newsletter: Newsletter) -> dict[str, Any]:
    value: Any = None
    if newsletter.audience_kind == "group":
        value = newsletter.group_id
    elif newsletter.audience_kind in ("site", "department"):
        value = newsletter.audience_value
    return {"kind": newsletter.audience_kind, "value": value}


def newsletter_dict(newsletter: Newsletter, shown: dict[int, Post]) -> dict[str, Any]:
    """An issue, its sections holding the items of ``shown`` (:func:`shown_posts`)."""
    groups = _group_names(list(shown.values()))
    author = db.session.get(User, newsletter.author_id)
    return {
        "id": newsletter.id,
        "title": newsletter.title,
        "intro": newsletter.intro,
        "intro_html": newsletter.intro_html,
        "sections": [
            {
                "heading": section.heading,
                "text": section.text,
                "text_html": section.text_html,
                "items": [
                    item_dict(item, shown[item.id], groups)
                    for item in section.items
                    if item.id in shown
                ],
            }
            for section in newsletter.sections
        ],
        "audience": audience_dict(newsletter),
        "status": newsletter.status,
        "publish_at": iso(newsletter.publish_at),
        "published_at": iso(newsletter.published_at),
        "sent_at": iso(newsletter.sent_at),
        "cancelled_at": iso(newsletter.cancelled_at),
        "recipient_count": newsletter.recipient_count,
        "author": user_summary(author),
        "created_at": iso(newsletter.created_at),
        "url": f"/newsletters/{newsletter.id}",
    }


def describe(viewer: User, newsletter: Newsletter) -> dict[str, Any]:
    """``newsletter`` as ``viewer`` sees it."""
    return newsletter_dict(newsletter, shown_posts(viewer, newsletter))


def summary_dict(newsletter: Newsletter) -> dict[str, Any]:
    """An issue in a list: no sections."""
    return {
        "id": newsletter.id,
        "title": newsletter.title,
        "status": newsletter.status,
        "audience": audience_dict(newsletter),
        "publish_at": iso(newsletter.publish_at),
        "published_at": iso(newsletter.published_at),
        "recipient_count": newsletter.recipient_count,
        "url": f"/newsletters/{newsletter.id}",
    }


def list_newsletters(viewer: User, cursor: str | None, limit: int) -> dict[str, Any]:
    """The issues ``viewer`` may read, newest first (keyset on id): every issue for its
    managers (drafts included), the issues they received for everyone else."""
    query = (
        select(Newsletter)
        .where(policy.newsletters_visible_filter(viewer))
        .order_by(Newsletter.id.desc())
        .limit(limit + 1)
    )
    after = decode_cursor("newsletters", cursor)
    if after is not None:
        query = query.where(Newsletter.id < after)
    rows = list(db.session.scalars(query))
    next_cursor = encode_cursor("newsletters", rows[limit - 1].id) if len(rows) > limit else None
    return {"items": [summary_dict(n) for n in rows[:limit]], "next_cursor": next_cursor}
