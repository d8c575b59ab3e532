"""Editorial items: what the communication team plans, who writes it, for whom, when.

``{"title", "brief", "due_at", "publish_at", "assignee_id", "target": {"kind":
company|site|department|group, "value"}, "status": idea|assigned|draft|scheduled|published|
dropped}``. Community managers and admins plan (``policy.can_plan_editorial``); an
assignee sees the items assigned to them (``policy.editorial_items_visible_filter``); an
item for a group they may not read is a 404 to anyone, like the group.

Rules: a date set or moved must not be in the past (``past``); ``assigned`` needs an
assignee, ``scheduled`` a ``publish_at``; the assignee is an active colleague, not a guest,
who may read the target group (422 otherwise); the target of an item whose draft waits does
not change (409). Every field is checked before anything is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, TooLarge, Unprocessable, ValidationFailed
from ...extensions import db
from ...models import EDITORIAL_STATUSES, EditorialItem, ModerationState, Poll, Post, User
from ...models._time import utcnow
from ...serializers import iso, user_summary
from ..newsletters.audience import check_audience
from ..reactions import reaction_counts
from ..validation import check_known_fields, check_optional_id, check_text, parse_datetime

FIELDS = {"title", "brief", "due_at", "publish_at", "assignee_id", "target", "status"}
PAST_TOLERANCE = timedelta(minutes=2)
TITLE_MAX = 200
LIST_MAX = 500


def check_can_plan(user: User) -> None:
    """:raise Forbidden: not a community manager or an administrator."""
    if not policy.can_plan_editorial(user):
        raise Forbidden(
            _("Only community managers and administrators plan the editorial calendar.")
        )


def access_item(user: User, item_id: int) -> EditorialItem:
    """The item if ``user`` may see it. :raise NotFound: missing or not theirs to see."""
    item = db.session.scalar(
        select(EditorialItem).where(
            EditorialItem.id == item_id, policy.editorial_items_visible_filter(user)
        )
    )
    if item is None:
        raise NotFound(_("No such editorial item."))
    return item


def _check_moment(value: Any, field: str, old: datetime | None, now: datetime) -> datetime | None:
    parsed = parse_datetime(value, field)
    if parsed is not None and parsed != old and parsed < now - PAST_TOLERANCE:
        raise ValidationFailed(
            _("%(field)s is in the past: choose a later moment.", field=field),
            fields={field: "past"},
        )
    return parsed


def _check_assignee(value: Any, group_id: int | None) -> User | None:
    """The assignee named by ``value``, if any: an active colleague, never a guest, who
    may read the target group ``group_id`` (reminders tell them the item's title).

    :raise ValidationFailed: not an id, or nobody active. :raise Unprocessable: a guest,
        or someone who may not read the group."""
    assignee_id = check_optional_id(value, "assignee_id")
    if assignee_id is None:
        return None
    person = db.session.get(User, assignee_id)
    if person is None or not person.active or person.deleted_at is not None:
        raise ValidationFailed(_("No such colleague."), fields={"assignee_id": "unknown"})
    if policy.is_guest(person):
        raise Unprocessable(
            _("A guest cannot be assigned an editorial item."), fields={"assignee_id": "guest"}
        )
    if group_id is not None and not policy.can_read_group(person, group_id):
        raise Unprocessable(
            _("The assignee must be able to read the item's target group."),
            fields={"assignee_id": "cannot_read"},
        )
    return person


def _check_title(value: Any) -> str:
    """The title as sent must fit (the document says 200 characters), spaces included:
    trimming must not turn an oversized title into an accepted one."""
    if isinstance(value, str) and len(value) > TITLE_MAX:
        raise TooLarge(
            _(
                "%(field)s is too long (%(num)s characters, %(max_len)s at most).",
                field="title",
                num=len(value),
                max_len=TITLE_MAX,
            ),
            fields={"title": "too_long"},
        )
    return check_text(value, "title", max_len=TITLE_MAX)


def _waiting_draft(item: EditorialItem) -> bool:
    """The item has a draft the job loop has not published yet."""
    if item.post_id is None:
        return False
    post = db.session.get(Post, item.post_id)
    waiting = post is not None and post.deleted_at is None
    return waiting and post.moderation_state == ModerationState.DRAFT.value


def _apply(user: User, item: EditorialItem, data: dict[str, Any]) -> None:
    now = utcnow()
    title = _check_title(data.get("title"))
    brief = check_text(data.get("brief"), "brief", max_len=5_000, required=False, multiline=True)
    due_at = _check_moment(data.get("due_at"), "due_at", item.due_at, now)
    publish_at = _check_moment(data.get("publish_at"), "publish_at", item.publish_at, now)
    kind, value, group_id = check_audience(
        user, data.get("target") or {"kind": "company"}, "target"
    )
    assignee = _check_assignee(data.get("assignee_id"), group_id)
    moved = (kind, value, group_id) != (item.target_kind, item.target_value, item.group_id)
    if item.id is not None and moved and _waiting_draft(item):
        raise Conflict(
            _("This item has a draft waiting: its target cannot change until it is published.")
        )
    status = data.get("status") or ("assigned" if assignee else "idea")
    if status not in EDITORIAL_STATUSES:
        raise ValidationFailed(
            _("status must be one of %(values)s.", values=", ".join(EDITORIAL_STATUSES)),
            fields={"status": "invalid"},
        )
    if status == "assigned" and assignee is None:
        raise ValidationFailed(
            _("An assigned item needs an assignee."), fields={"assignee_id": "required"}
        )
    if status == "scheduled" and publish_at is None:
        raise ValidationFailed(
            _("A scheduled item needs a publication time."), fields={"publish_at": "required"}
        )
    if status == "published" and item.published_at is None and _waiting_draft(item):
        raise ValidationFailed(
            _("Schedule the item: its draft is published at its publication time."),
            fields={"status": "has_draft"},
        )
    item.title, item.brief, item.status = title, brief, status
    item.due_at, item.publish_at = due_at, publish_at
    item.assignee_id = assignee.id if assignee else None
    item.target_kind, item.target_value, item.group_id = kind, value, group_id
    item.updated_at = now
    db.session.flush()


def do_create_item(user: User, data: Any) -> EditorialItem:
    """A new item (see the module for the rules)."""
    check_can_plan(user)
    data = check_known_fields(data, FIELDS)
    item = EditorialItem(title="", created_by_id=user.id)
    _apply(user, item, data)
    db.session.add(item)
    db.session.flush()
    return item


def as_input(item: EditorialItem) -> dict[str, Any]:
    target: dict[str, Any] = {"kind": item.target_kind}
    if item.target_kind == "group":
        target["value"] = item.group_id
    elif item.target_kind in ("site", "department"):
        target["value"] = item.target_value
    return {
        "title": item.title,
        "brief": item.brief,
        "due_at": iso(item.due_at),
        "publish_at": iso(item.publish_at),
        "assignee_id": item.assignee_id,
        "target": target,
        "status": item.status,
    }


def do_update_item(user: User, item_id: int, data: Any) -> EditorialItem:
    """Change an item: the fields given replace the stored ones; the whole is checked."""
    item = access_item(user, item_id)
    check_can_plan(user)
    data = check_known_fields(data, FIELDS)
    _apply(user, item, {**as_input(item), **data})
    return item


def _shows_text(viewer: User, item: EditorialItem, post: Post) -> bool:
    """The post's text reaches ``viewer`` through the item only when the post is where the
    item says (its group is the item's) and either it is still a draft and ``viewer`` may
    read that group, or ``viewer`` may see the post itself (``policy.can_see_post``: a
    hidden or held post is its author's only, a removed one nobody's)."""
    if post.group_id != item.group_id:
        return False
    if post.moderation_state != ModerationState.DRAFT.value:
        return policy.can_see_post(viewer, post)
    return post.group_id is None or policy.can_read_group(viewer, post.group_id)


def draft_summary(item: EditorialItem, viewer: User) -> dict[str, Any] | None:
    """What the item shows ``viewer`` of its post: ``{"id", "kind", "state", "url",
    "body_html", "question", "title", "published_at", "engagement": {"reactions",
    "comments"}}``; None without one. Only serialized for those who may see the item;
    ``body_html``, ``question`` and ``title`` (an event's) are None unless
    :func:`_shows_text`."""
    if item.post_id is None:
        return None
    post = db.session.get(Post, item.post_id)
    if post is None or post.deleted_at is not None:
        return None
    shown = _shows_text(viewer, item, post)
    question = None
    if shown and post.kind == "poll":
        question = db.session.scalar(select(Poll.question).where(Poll.post_id == post.id))
    counts = reaction_counts(post.id)
    return {
        "id": post.id,
        "kind": post.kind,
        "state": post.moderation_state,
        "url": f"/posts/{post.id}",
        "body_html": post.body_html if shown else None,
        "question": question,
        "title": post.title if shown else None,
        "published_at": iso(item.published_at),
        "engagement": {"reactions": sum(counts.values()), "comments": post.comment_count},
    }


def item_dict(item: EditorialItem, viewer: User) -> dict[str, Any]:
    """The item for ``viewer``, who may see it, with its draft or published post
    (:func:`draft_summary`) and that post's engagement."""
    assignee = db.session.get(User, item.assignee_id) if item.assignee_id else None
    return {
        "id": item.id,
        **as_input(item),
        "assignee": user_summary(assignee) if assignee else None,
        "late": item.due_at is not None
        and item.due_at < utcnow()
        and item.status in ("idea", "assigned", "draft"),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "post": draft_summary(item, viewer),
    }


def list_items(
    user: User,
    since: datetime,
    until: datetime,
    *,
    assignee_id: int | None = None,
    site: str | None = None,
) -> list[EditorialItem]:
    """Items ``user`` may see whose due or publication time falls in ``[since, until)``,
    by that time; optionally one person's, or those targeting one site."""
    when = EditorialItem.publish_at
    in_range = or_(
        and_(EditorialItem.publish_at >= since, EditorialItem.publish_at < until),
        and_(EditorialItem.due_at >= since, EditorialItem.due_at < until),
    )
    query = select(EditorialItem).where(policy.editorial_items_visible_filter(user), in_range)
    if assignee_id is not None:
        query = query.where(EditorialItem.assignee_id == assignee_id)
    if site:
        query = query.where(EditorialItem.target_kind == "site", EditorialItem.target_value == site)
    query = query.order_by(when, EditorialItem.due_at, EditorialItem.id).limit(LIST_MAX)
    return list(db.session.scalars(query))
