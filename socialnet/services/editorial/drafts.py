"""An editorial item's draft, and its publication by the job loop.

A draft is a real post (``post``, ``poll``, ``event`` or ``kudos``) created through the
ordinary services with ``draft=True``: it is kept in the ``draft`` moderation state, which
every read path already treats as "its author only" (``policy.AUTHOR_ONLY_STATES``: feed,
permalink, API, search, socket rooms and catch-up, notifications, counts); events lists,
calendar feeds, reminders and kudos counts leave it out even for its author
(``policy.NOT_A_DRAFT``). Events and kudos are handled by :mod:`.draft_kinds`. Community
managers and correspondents see it through the item (:func:`draft_summary`).

The job loop publishes the drafts of scheduled items at their ``publish_at``
(:func:`publish_due`). Each item is claimed with ``UPDATE editorial_items SET
published_at … WHERE published_at IS NULL AND status = 'scheduled'``: only the pass whose
update changed the row publishes, so two passes — or two processes — publish once. The
draft is then written again, as its author, through the ordinary services: a new post
(a new id, so it sits above older posts in feeds paginated by id) with the draft's files,
poll, event details or kudos, and the draft's row is deleted; the item links to the new
post.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from ... import policy
from ...errors import Conflict, DomainError, Forbidden, ValidationFailed
from ...extensions import db
from ...models import (
    DRAFT_KINDS,
    EditorialItem,
    FileUpload,
    ModerationState,
    Poll,
    PollOption,
    Post,
    User,
)
from ...models._time import utcnow
from ...realtime.publisher import publish
from ...serializers import iso
from ..content import render_body
from ..polls.creating import do_create_poll
from ..posts import check_mentions, do_create_post
from . import draft_kinds
from .items import access_item

#: Statuses an item may be in for its draft to be (re)written.
WRITABLE = ("idea", "assigned", "draft", "scheduled")
DRAFT = ModerationState.DRAFT.value
#: The draft is where its item is aimed (both in the company space, or the same group).
IN_ITS_PLACE = Post.group_id.is_not_distinct_from(EditorialItem.group_id)

log = logging.getLogger(__name__)


def _draft_post(item: EditorialItem) -> Post | None:
    if item.post_id is None:
        return None
    post = db.session.get(Post, item.post_id)
    if post is None or post.deleted_at is not None or post.moderation_state != DRAFT:
        return None
    return post


def do_write_draft(user: User, item_id: int, data: Any) -> EditorialItem:
    """Write (or replace) the draft of an item from ``{"kind": "post", "body"}``,
    ``{"kind": "poll", "question", "options", …}``, ``{"kind": "event", "title",
    "starts_at", "ends_at", …}`` or ``{"kind": "kudos", "recipient_ids", "value",
    "message"}`` (the fields of the ordinary services, without ``group_id``), in the
    item's target group if it has one; an ``idea`` or ``assigned`` item becomes a
    ``draft``.

    :raise NotFound: the item is not ``user``'s to see.
    :raise Forbidden: ``user`` is not its assignee (or a planner, when nobody is assigned).
    :raise Conflict: the item is published or dropped.
    :raise ValidationFailed: an unknown kind, or what the post, poll, event or kudos
        services refuse (nothing is written then; also ``TooLarge``, ``Forbidden``).
    """
    item = access_item(user, item_id)
    if not policy.can_write_draft(user, item):
        raise Forbidden(_("Only the person assigned to this item writes its draft."))
    if item.status not in WRITABLE:
        raise Conflict(_("This item is published or dropped: its draft cannot change."))
    if not isinstance(data, dict) or data.get("kind", "post") not in DRAFT_KINDS:
        raise ValidationFailed(
            _("kind must be one of %(values)s.", values=", ".join(DRAFT_KINDS)),
            fields={"kind": "invalid"},
        )
    kind = data.get("kind", "post")
    fields = {k: v for k, v in data.items() if k != "kind"}
    if "group_id" in fields:
        raise ValidationFailed(
            _("A draft goes where its item is aimed."), fields={"group_id": "not_allowed"}
        )
    fields["group_id"] = item.group_id
    old = _draft_post(item)
    if kind == "poll":
        post = do_create_poll(user, fields, draft=True)
    elif kind in draft_kinds.KINDS:
        post = draft_kinds.write(user, kind, fields)
    else:
        post = do_create_post(user, fields, draft=True)
    if old is not None:  # nobody else ever saw it: it goes quietly
        old.deleted_at, old.deleted_by_id = utcnow(), user.id
        publish("post.deleted", {"id": old.id}, room=f"user:{old.author_id}", post_id=old.id)
    item.post_id = post.id
    if item.status in ("idea", "assigned"):
        item.status = "draft"
    item.updated_at = utcnow()
    db.session.flush()
    return item


#: Due items read at a time by :func:`publish_due`.
DUE_BATCH = 100


def _due_page(now: datetime, after: tuple[datetime, int] | None) -> list[tuple[datetime, int]]:
    """``(publish_at, id)`` of the scheduled items whose time has come and whose draft
    waits, oldest first, after ``after`` in that order: at most :data:`DUE_BATCH`."""
    query = (
        select(EditorialItem.publish_at, EditorialItem.id)
        .join(Post, Post.id == EditorialItem.post_id)
        .where(
            EditorialItem.status == "scheduled",
            EditorialItem.published_at.is_(None),
            EditorialItem.publish_at <= now,
            Post.moderation_state == DRAFT,
            Post.deleted_at.is_(None),
            IN_ITS_PLACE,
        )
    )
    if after is not None:
        query = query.where(
            or_(
                EditorialItem.publish_at > after[0],
                and_(EditorialItem.publish_at == after[0], EditorialItem.id > after[1]),
            )
        )
    query = query.order_by(EditorialItem.publish_at, EditorialItem.id).limit(DUE_BATCH)
    return [(at, item_id) for at, item_id in db.session.execute(query)]


def due_item_ids(now: datetime) -> list[int]:
    """Scheduled items whose time has come and whose draft waits, oldest first (the first
    :data:`DUE_BATCH`)."""
    return [item_id for _at, item_id in _due_page(now, None)]


def _claim(item_id: int, now: datetime) -> bool:
    changed = db.session.execute(
        update(EditorialItem)
        .where(
            EditorialItem.id == item_id,
            EditorialItem.published_at.is_(None),
            EditorialItem.status == "scheduled",
            EditorialItem.post_id.in_(
                select(Post.id).where(Post.moderation_state == DRAFT, Post.deleted_at.is_(None))
            ),
        )
        .values(published_at=now, status="published", updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return changed == 1


def _in_its_place(item_id: int) -> bool:
    """The item's draft is in the item's target group (or both in the company space): a
    draft is never published where the item does not say. Otherwise the item stays
    ``scheduled``, unpublished, for the team to see (and it is logged)."""
    item = db.session.get(EditorialItem, item_id)
    post = db.session.get(Post, item.post_id) if item and item.post_id else None
    if item is None or post is None or post.group_id == item.group_id:
        return True
    log.warning(
        "editorial item %s not published: its draft %s is in group %s, the item aims at %s",
        item.id,
        post.id,
        post.group_id,
        item.group_id,
    )
    return False


def _fields_of(draft: Post) -> dict[str, Any]:
    """What the ordinary services take to write ``draft`` again (its files apart)."""
    if draft.kind in draft_kinds.KINDS:
        return draft_kinds.fields_of(draft)
    if draft.kind != "poll":
        return {"body": draft.body, "group_id": draft.group_id}
    poll = db.session.scalar(select(Poll).where(Poll.post_id == draft.id))
    options = list(
        db.session.scalars(
            select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.position)
        )
    )
    fields: dict[str, Any] = {
        "question": poll.question,
        "kind": poll.kind,
        "anonymous": poll.anonymous,
        "results": poll.results,
        "closes_at": iso(poll.closes_at),
        "group_id": draft.group_id,
    }
    if poll.kind == "date":
        fields["slots"] = [iso(o.starts_at) for o in options]
    else:
        fields["options"] = [o.text for o in options]
        fields["multiple"] = poll.multiple
        if poll.max_choices is not None:
            fields["max_choices"] = poll.max_choices
    return fields


def _urls():
    """Events carry file URLs: the job loop, outside any request, builds them in one."""
    return nullcontext() if has_request_context() else current_app.test_request_context()


def _move_files(file_ids: list[int], post_id: int | None) -> None:
    if file_ids:
        db.session.execute(
            update(FileUpload)
            .where(FileUpload.id.in_(file_ids))
            .values(post_id=post_id)
            .execution_options(synchronize_session="fetch")
        )


def _republish(item: EditorialItem, draft: Post, now: datetime) -> Post | None:
    """The draft written again by its author through the ordinary services, as a new post
    (a new id: feeds are paginated by id) with the draft's files; the draft's row is
    deleted. None, and everything put back as it was, when the services refuse: the author
    deactivated, muted or suspended, no longer a member of the group, the group archived, a
    word blocked since the draft was written…"""
    author = db.session.get(User, draft.author_id)
    file_ids = list(
        db.session.scalars(
            select(FileUpload.id)
            .where(FileUpload.post_id == draft.id)
            .order_by(FileUpload.position, FileUpload.id)
        )
    )
    fields = _fields_of(draft)
    _move_files(file_ids, None)  # free, so that the new post takes them
    try:
        # refused by the services only once the new post is written: checked first
        if draft.kind in draft_kinds.KINDS:
            draft_kinds.check_reach(author.id, draft.kind, fields)
        else:
            text = fields["question"] if draft.kind == "poll" else fields["body"]
            check_mentions(author.id, render_body(text).mentioned_ids)
        with _urls():
            if draft.kind in draft_kinds.KINDS:
                post = draft_kinds.write(author, draft.kind, fields, draft=False)
            elif draft.kind == "poll":
                post = do_create_poll(author, fields)
            else:
                post = do_create_post(author, {**fields, "file_ids": file_ids})
    except DomainError as refusal:
        _move_files(file_ids, draft.id)
        log.warning("editorial item %s not published: %s", item.id, refusal.message)
        return None
    draft.deleted_at, draft.deleted_by_id = now, author.id
    publish("post.deleted", {"id": draft.id}, room=f"user:{author.id}", post_id=draft.id)
    item.post_id = post.id
    db.session.flush()
    return post


def do_publish_item(item_id: int, now: datetime | None = None) -> bool:
    """Publish the item's draft if this pass claims it and the draft is where the item is
    aimed (:func:`_in_its_place`); True when it did.

    Publication writes the draft again as a new post through the ordinary services
    (:func:`_republish`: screening, pre-moderated groups, mentions, ``post.created``) and
    deletes the draft's row; the item then links to the new post. When the services refuse,
    the item stays ``scheduled`` with its draft (logged)."""
    now = now or utcnow()
    if not _in_its_place(item_id) or not _claim(item_id, now):
        return False
    item = db.session.get(EditorialItem, item_id)
    db.session.refresh(item)
    draft = db.session.get(Post, item.post_id)
    db.session.refresh(draft)
    if _republish(item, draft, now) is None:
        item.published_at, item.status = None, "scheduled"
        db.session.flush()
        return False
    return True


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled draft whose time has come; returns how many. Every due item
    is tried, page after page: those that cannot be published (left ``scheduled``) do not
    hold up the others."""
    now = now or utcnow()
    published, after = 0, None
    while page := _due_page(now, after):
        published += sum(do_publish_item(item_id, now) for _at, item_id in page)
        if len(page) < DUE_BATCH:
            break
        after = page[-1]
    return published
