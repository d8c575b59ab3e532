"""What organisers do once people have answered: take attendance after the event, and
write to the attendees."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from ...errors import Conflict, ValidationFailed
from ...extensions import db
from ...models import EventRsvp, NotificationType, Post, User
from ...models._time import utcnow
from .. import notifications
from ..validation import check_known_fields, check_optional_id, check_text
from .creating import access_managed_event, answered_user_ids
from .reading import publish_update
from .texts import notification_text

MESSAGE_MAX_CHARS = 1000
#: Most people one attendance call may name (a capacity's worth).
ATTENDANCE_MAX_IDS = 10_000


def _check_user_ids(data: Any) -> list[int]:
    value = check_known_fields(data, {"user_ids"}).get("user_ids")
    if not isinstance(value, list) or len(value) > ATTENDANCE_MAX_IDS:
        raise ValidationFailed(
            _("user_ids must be a list of the people who came."), fields={"user_ids": "not_list"}
        )
    return list(dict.fromkeys(check_optional_id(v, "user_ids") for v in value))


def do_take_attendance(user: User, event_id: int, data: Any) -> Post:
    """Record who came (``{"user_ids": [...]}``, people who answered): they are marked
    attended, everyone else who said going or maybe is marked absent. Once the event has
    started; may be corrected later.

    :raise ValidationFailed: not a list, or someone who never answered this event.
    :raise Conflict: the event has not started yet, or is cancelled.
    """
    user_ids = _check_user_ids(data)
    post, details = access_managed_event(user, event_id)
    now = utcnow()
    if details.cancelled_at is not None:
        raise Conflict(_("This event is cancelled."))
    if details.starts_at > now:
        raise Conflict(_("Attendance is taken once the event has started."))
    answered = set(
        db.session.scalars(select(EventRsvp.user_id).where(EventRsvp.post_id == event_id))
    )
    strangers = [uid for uid in user_ids if uid not in answered]
    if strangers:
        raise ValidationFailed(
            _("Only people who answered the event can be marked present."),
            fields={"user_ids": "not_answered"},
        )
    db.session.execute(
        update(EventRsvp)
        .where(EventRsvp.post_id == event_id)
        .values(attended=EventRsvp.user_id.in_(user_ids) if user_ids else False)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(EventRsvp)
        .where(
            EventRsvp.post_id == event_id,
            EventRsvp.status.in_(("declined", "waiting")),
            EventRsvp.user_id.not_in(user_ids),
        )
        .values(attended=None)
        .execution_options(synchronize_session=False)
    )
    details.attendance_taken_at = details.updated_at = now
    db.session.flush()
    publish_update(post, details)
    return post


def do_message_attendees(user: User, event_id: int, data: Any) -> int:
    """Tell the people going, maybe going or waiting ``{"body"}`` (a notification each).

    :raise ValidationFailed: an empty message. :raise TooLarge: over 1,000 characters.
    :return: how many people were told.
    """
    data = check_known_fields(data, {"body"})
    body = check_text(data.get("body"), "body", max_len=MESSAGE_MAX_CHARS, multiline=True)
    post, _details = access_managed_event(user, event_id)
    text = notification_text("event_message", post.title or "", message=body)
    rows = notifications.do_notify(
        answered_user_ids(event_id),
        NotificationType.EVENT_MESSAGE,
        actor=user,
        post=post,
        text=text,
    )
    return len(rows)
