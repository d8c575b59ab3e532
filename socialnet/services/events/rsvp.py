"""Answering an event (RSVP), the waiting list and promotions from it.

Everything about one event's answers happens under its row lock
(:func:`.creating.lock_event`), so fifty people pressing "going" at once for ten seats
give exactly ten "going" and forty "waiting" at positions 1..40, in the order their
transactions took the lock. Positions of a list are always 1..n: leaving the list moves
everyone behind up by one, in the same statement.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Forbidden, ValidationFailed
from ...extensions import db
from ...models import RSVP_ANSWERS, EventDetails, EventRsvp, ModerationState, Post, User
from ...models._time import utcnow
from ...serializers import user_summary
from ..sanctions import check_can_contribute
from ..validation import check_known_fields
from .reading import access_event, publish_update
from .seats import count_status, leave_waiting_list, lock_event, promote_waiting


def check_status(data: Any) -> str:
    data = check_known_fields(data, {"status"})
    status = data.get("status")
    if status not in RSVP_ANSWERS:
        raise ValidationFailed(
            _("status must be one of: %(values)s.", values=", ".join(RSVP_ANSWERS)),
            fields={"status": "unknown"},
        )
    return status


def check_answers_open(details: EventDetails) -> None:
    """:raise Conflict: cancelled, started, or past its answer deadline."""
    now = utcnow()
    if details.cancelled_at is not None:
        raise Conflict(_("This event is cancelled."))
    if details.starts_at <= now:
        raise Conflict(_("This event has started: answers are closed."))
    if details.rsvp_closes_at is not None and details.rsvp_closes_at <= now:
        raise Conflict(_("Answers to this event are closed."))


def do_rsvp(user: User, event_id: int, data: Any) -> Post:
    """Answer ``{"status": "going" | "maybe" | "declined"}``. Past capacity, "going" joins
    the waiting list (at the end; answering "going" again keeps one's place). Leaving a
    seat promotes the first waiting, in this transaction. Publishes ``event.updated``.

    :raise ValidationFailed: an unknown status or field.
    :raise NotFound: ``user`` may not see the event.
    :raise Conflict: the event is cancelled, started, its answers are closed, or it is an
        editorial draft (an answer would not follow it to the published event).
    :raise Forbidden: a muted person, or an archived group.
    """
    status = check_status(data)
    post, _details = access_event(user, event_id)
    if post.moderation_state == ModerationState.DRAFT.value:  # its author's, unpublished
        raise Conflict(_("This event is a draft: answers open once it is published."))
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    check_can_contribute(user)
    details = lock_event(event_id)
    check_answers_open(details)
    rsvp = db.session.scalar(
        select(EventRsvp).where(EventRsvp.post_id == event_id, EventRsvp.user_id == user.id)
    )
    before = rsvp.status if rsvp is not None else None
    if status == "going" and before in ("going", "waiting"):
        return post  # already in, or already in line: nothing changes
    if status == before:
        return post
    position = None
    full = details.capacity is not None and count_status(event_id, "going") >= details.capacity
    if status == "going" and full:
        status, position = "waiting", count_status(event_id, "waiting") + 1
    if before == "waiting":
        leave_waiting_list(rsvp, status)
    elif rsvp is None:
        rsvp = EventRsvp(post_id=event_id, user_id=user.id, status=status)
        rsvp.waiting_position = position
        db.session.add(rsvp)
    else:
        rsvp.status, rsvp.waiting_position, rsvp.updated_at = status, position, utcnow()
    db.session.flush()
    if before == "going":
        promote_waiting(post, details, actor=None)
    publish_update(post, details)
    return post


def attendees(user: User, event_id: int) -> dict[str, Any]:
    """Who answered what: going, maybe and the waiting list in order (declined only for
    organisers), each with their attendance once taken."""
    post, _details = access_event(user, event_id)
    manager = policy.can_manage_event(user, post)
    rows = db.session.execute(
        select(EventRsvp, User)
        .join(User, User.id == EventRsvp.user_id)
        .where(EventRsvp.post_id == event_id, User.active.is_(True))
        .order_by(EventRsvp.waiting_position, User.name_key, User.id)
    )
    lists: dict[str, list[dict[str, Any]]] = {"going": [], "maybe": [], "waiting": []}
    if manager:
        lists["declined"] = []
    for rsvp, person in rows:
        if rsvp.status not in lists:
            continue
        entry = {**user_summary(person), "attended": rsvp.attended}
        if rsvp.status == "waiting":
            entry["waiting_position"] = rsvp.waiting_position
        lists[rsvp.status].append(entry)
    return {"event_id": event_id, **lists}
