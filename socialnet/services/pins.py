"""Pinned and featured posts.

A post is pinned in its own space — the company feed for a company post, its
group's feed for a group post — by community managers (anywhere) or the group's
admins (in their group). Community managers also *feature* posts: they head the
home page of everyone who may see them. Both are audited, and both lists go
through the visibility filter like every read path.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.orm import joinedload

from .. import policy
from ..errors import Conflict, Forbidden, ValidationFailed
from ..extensions import db
from ..models import Announcement, AnnouncementRecipient, ModerationState, Post, User
from ..models._time import utcnow
from ..realtime.publisher import publish
from ..serializers import post_dict
from . import announcements, audit
from .feed import serialize_posts_for
from .posts import access_post
from .reactions import reaction_counts
from .validation import check_known_fields

#: Most posts pinned at once in one space, and featured at once.
MAX_PINNED = 5
MAX_FEATURED = 5


def _check_flag(data: Any, field: str) -> bool:
    data = check_known_fields(data if data is not None else {}, {field})
    value = data.get(field, True)
    if not isinstance(value, bool):
        raise ValidationFailed(
            _("%(field)s must be true or false.", field=field), fields={field: "not_bool"}
        )
    return value


def _announce(post: Post) -> None:
    publish(
        "post.updated",
        post_dict(post, reaction_counts=reaction_counts(post.id)),
        room=policy.room_for_post(post),
        post_id=post.id,
        group_id=post.group_id,
    )


def do_pin(user: User, post_id: int, data: Any) -> Post:
    """Pin (``{"pinned": true}``, the default) or unpin a post in its space.

    :raise NotFound: invisible post. :raise Forbidden: not a moderator of its space.
    :raise Conflict: not published, or the space already has :data:`MAX_PINNED` pins.
    """
    pinned = _check_flag(data, "pinned")
    post = access_post(user, post_id)
    scope = "company" if post.group_id is None else "group"
    if not policy.can_pin(user, post, scope):
        raise Forbidden(
            _("Community managers pin posts; group admins pin in their group.")
            if scope == "group"
            else _("Only community managers pin posts to the company feed.")
        )
    if post.moderation_state != ModerationState.PUBLISHED.value:
        raise Conflict(_("Only published posts can be pinned."))
    if pinned == (post.pinned_at is not None):
        return post
    if pinned:
        count = db.session.scalar(
            select(func.count(Post.id)).where(
                Post.pinned_at.is_not(None),
                Post.deleted_at.is_(None),
                Post.group_id.is_(None)
                if post.group_id is None
                else Post.group_id == post.group_id,
            )
        )
        if count >= MAX_PINNED:
            raise Conflict(
                _(
                    "At most %(max)s posts are pinned here: unpin one first.",
                    max=MAX_PINNED,
                )
            )
    post.pinned_at = utcnow() if pinned else None
    post.pinned_by_id = user.id if pinned else None
    audit.record(
        user, "post.pinned" if pinned else "post.unpinned", "post", post.id, after={"scope": scope}
    )
    db.session.flush()
    _announce(post)
    return post


def do_feature(user: User, post_id: int, data: Any) -> Post:
    """Feature (``{"featured": true}``) or unfeature a post. Community managers only."""
    featured = _check_flag(data, "featured")
    post = access_post(user, post_id)
    if not policy.can_feature(user):
        raise Forbidden(_("Only community managers feature posts."))
    if post.moderation_state != ModerationState.PUBLISHED.value:
        raise Conflict(_("Only published posts can be featured."))
    if featured == (post.featured_at is not None):
        return post
    if featured:
        count = db.session.scalar(
            select(func.count(Post.id)).where(
                Post.featured_at.is_not(None), Post.deleted_at.is_(None)
            )
        )
        if count >= MAX_FEATURED:
            raise Conflict(
                _(
                    "At most %(max)s posts are featured: unfeature one first.",
                    max=MAX_FEATURED,
                )
            )
    post.featured_at = utcnow() if featured else None
    audit.record(user, "post.featured" if featured else "post.unfeatured", "post", post.id)
    db.session.flush()
    _announce(post)
    return post


def highlight_query(user: User, condition, order, limit: int):
    """Visible posts meeting ``condition``, newest ``order`` first. ``condition`` must name
    ``pinned_at`` or ``featured_at`` as NOT NULL and ``order`` be that column: the partial
    index on it is then the way in (a few rows), never a walk of the posts table."""
    return (
        select(Post)
        .options(joinedload(Post.author))
        .where(condition, policy.visible_posts_filter(user))
        .order_by(order.desc())
        .limit(limit)
    )


def pinned_posts(user: User, group_id: int) -> list[dict[str, Any]]:
    """The pins of a group's feed, as ``user`` sees them (newest pin first)."""
    condition = Post.pinned_at.is_not(None) & (Post.group_id == group_id)
    query = highlight_query(user, condition, Post.pinned_at, MAX_PINNED)
    return serialize_posts_for(user, list(db.session.scalars(query)))


def company_pins_query(user: User):
    # ``+group_id`` (no index can serve it): SQLite would otherwise walk ix_posts_group_id_id
    condition = Post.pinned_at.is_not(None) & policy.GROUP_OF_POST.is_(None)
    return highlight_query(user, condition, Post.pinned_at, MAX_PINNED)


def featured_query(user: User):
    return highlight_query(user, Post.featured_at.is_not(None), Post.featured_at, MAX_FEATURED)


#: Is anything there for the first page's strips? Necessary conditions only (no visibility
#: filter), each an index probe: company pins and features through their partial indexes,
#: ``user``'s unread, unexpired announcements through ``ix_announcement_recipients_user_id``.
#: Built once; ``user_id`` and ``now`` are bound per request.
_EXTRAS_PRESENT = select(
    exists().where(
        Post.pinned_at.is_not(None), policy.GROUP_OF_POST.is_(None), Post.deleted_at.is_(None)
    ),
    exists().where(Post.featured_at.is_not(None), Post.deleted_at.is_(None)),
    exists().where(
        AnnouncementRecipient.user_id == bindparam("user_id"),
        AnnouncementRecipient.acknowledged_at.is_(None),
        Announcement.id == AnnouncementRecipient.announcement_id,
        Announcement.expires_at > bindparam("now"),
    ),
)


def home_page_extras(user: User) -> dict[str, list[dict[str, Any]]]:
    """What heads the first page of ``user``'s home feed: ``pinned`` (their unread
    announcements), ``pinned_posts`` (company pins) and ``featured``, as they may see them.

    One cheap query says which of the three may hold anything (most of the time none
    does); only those are then loaded, each through the visibility filter. The check
    only ever skips work: it can never show what the full queries would not.
    """
    has_pins, has_featured, has_announcements = db.session.execute(
        _EXTRAS_PRESENT, {"user_id": user.id, "now": utcnow()}
    ).one()
    pinned, featured = home_highlights(user, pins=has_pins, featured=has_featured)
    return {
        "pinned": announcements.pinned_for(user) if has_announcements else [],
        "pinned_posts": pinned,
        "featured": featured,
    }


def home_highlights(
    user: User, *, pins: bool = True, featured: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(pinned, featured)`` of the home page, as ``user`` may see them: two index-served
    queries (measured at 1M posts: 0.25 ms on SQLite, where one OR-ed query scanned the
    table for 0.8 s), then one serialization of both. ``pins``/``featured`` false: that
    list is known to be empty (:func:`home_page_extras`), its query is skipped."""
    pinned = list(db.session.scalars(company_pins_query(user))) if pins else []
    chosen = list(db.session.scalars(featured_query(user))) if featured else []
    if not pinned and not chosen:
        return [], []
    unique = list({p.id: p for p in (*pinned, *chosen)}.values())
    items = dict(zip([p.id for p in unique], serialize_posts_for(user, unique), strict=True))
    return [items[p.id] for p in pinned], [items[p.id] for p in chosen]
