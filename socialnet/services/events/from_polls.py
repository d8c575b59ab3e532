"""A date poll's final slot becomes an event in one click: same audience (the poll's
group, or the company), the poll's question as title, and everyone who answered "yes" to
that slot invited (``event_invited``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...errors import Conflict, Forbidden, ValidationFailed
from ...extensions import db
from ...models import (
    Ballot,
    BallotChoice,
    EventDetails,
    NotificationType,
    Poll,
    PollOption,
    Post,
    User,
)
from ...realtime.publisher import lock_event_log
from ...serializers import iso
from .. import notifications
from ..polls import access_poll
from ..validation import check_known_fields
from .creating import do_create_event
from .texts import notification_text

FIELDS = {
    "title",
    "description",
    "duration_minutes",
    "location",
    "online_url",
    "capacity",
    "rsvp_closes_at",
}
DEFAULT_MINUTES = 60
MAX_MINUTES = 14 * 24 * 60


def _minutes(value: Any) -> int:
    if value is None:
        return DEFAULT_MINUTES
    if isinstance(value, bool) or not isinstance(value, int) or not 5 <= value <= MAX_MINUTES:
        raise ValidationFailed(
            _("duration_minutes must be between 5 and %(max)s.", max=MAX_MINUTES),
            fields={"duration_minutes": "out_of_range"},
        )
    return value


def _lock_poll(poll_id: int) -> None:
    """Two clicks at once make one event: the poll's row is taken first (FOR UPDATE on
    PostgreSQL; on SQLite a write, which takes the database's write lock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Poll.id).where(Poll.id == poll_id).with_for_update())
    else:
        db.session.execute(update(Poll).where(Poll.id == poll_id).values(kind=Poll.kind))


def do_event_from_poll(user: User, poll_id: int, data: Any) -> Post:
    """Create the event of a date poll's final slot (``{"title", "description",
    "duration_minutes" (60), "location", "online_url", "capacity", "rsvp_closes_at"}``, all
    optional) and invite the people who answered "yes" to that slot.

    :raise NotFound: the poll is missing or invisible. :raise Forbidden: not its author.
    :raise ValidationFailed: not a date poll, no final slot yet, a slot in the past, bad
        fields. :raise Conflict: the poll already became an event.
    """
    data = check_known_fields(data, FIELDS)
    poll = access_poll(user, poll_id)
    poll_post = db.session.get(Post, poll.post_id)
    if poll_post.author_id != user.id or not user.active:
        raise Forbidden(_("Only the poll's author turns it into an event."))
    if poll.kind != "date" or poll.final_option_id is None:
        raise ValidationFailed(
            _("Pick the final slot of a date poll first."), fields={"poll_id": "no_final_slot"}
        )
    # The event log's lock before the poll's row, as do_pick_final_slot takes them: the
    # other order could deadlock with it (the event's rows are written at COMMIT).
    lock_event_log()
    _lock_poll(poll.id)
    taken = db.session.scalar(
        select(EventDetails.post_id).where(EventDetails.source_poll_id == poll.id)
    )
    if taken is not None:
        raise Conflict(_("This poll is already an event."), fields={"poll_id": "already_event"})
    slot = db.session.get(PollOption, poll.final_option_id)
    minutes = _minutes(data.pop("duration_minutes", None))
    fields = {
        "title": poll.question,
        **data,
        "starts_at": iso(slot.starts_at),
        "ends_at": iso(slot.starts_at + timedelta(minutes=minutes)),
        "group_id": poll_post.group_id,
    }
    post = do_create_event(user, fields, source_poll_id=poll.id)
    yes = db.session.scalars(
        select(Ballot.user_id)
        .join(BallotChoice, BallotChoice.ballot_id == Ballot.id)
        .where(BallotChoice.option_id == slot.id, BallotChoice.answer == "yes")
        .order_by(Ballot.id)
    )
    text = notification_text("event_invited", post.title or "")
    notifications.do_notify(
        list(yes), NotificationType.EVENT_INVITED, actor=user, post=post, text=text
    )
    return post
