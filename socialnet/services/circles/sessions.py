"""Sessions: the facilitator plans one on a topic (an existing one, or one named on the
spot), which creates its event in the circle's group — so it is in every member's
calendar, with reminders and answers — and takes attendance afterwards. Cancelling the
session's event, or deleting it before it took place (the events and posts services call
:func:`release_topic`), puts its topic back where it was."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ... import policy
from ...errors import Conflict, Forbidden, ValidationFailed
from ...extensions import db
from ...models import (
    Circle,
    CircleAttendance,
    CircleSession,
    CircleTopic,
    EventDetails,
    NotificationType,
    Post,
    User,
)
from ...models._time import utcnow
from ...serializers import iso
from .. import events, notifications, posts
from ..events.texts import notification_text
from ..validation import check_known_fields, check_optional_id, parse_datetime
from .live import session_changed, topic_changed
from .reading import access_circle, access_session, member_ids
from .topics import check_open, new_topic, restore_topic

FIELDS = {
    "topic_id",
    "topic",
    "starts_at",
    "ends_at",
    "presenter_id",
    "scribe_id",
    "location",
    "online_url",
}
#: A session without ``ends_at`` lasts this long.
DEFAULT_LENGTH = timedelta(minutes=90)
ATTENDANCE_MAX_IDS = 100


def _require_facilitator(user: User, circle: Circle, message: str) -> None:
    if not policy.can_facilitate(user, circle):
        raise Forbidden(message)


def _member(circle: Circle, value: Any, field: str) -> int:
    """A member of ``circle`` named by ``field``. :raise ValidationFailed: missing, or not
    a member (whoever they are: the circle's members are all the caller may know)."""
    person_id = check_optional_id(value, field)
    if person_id is None:
        raise ValidationFailed(_("%(field)s is required.", field=field), fields={field: "required"})
    if person_id not in member_ids(circle.group_id):
        raise ValidationFailed(
            _("%(field)s must name a member of the circle.", field=field),
            fields={field: "not_member"},
        )
    return person_id


def _topic(user: User, circle: Circle, data: dict[str, Any]) -> CircleTopic:
    if ("topic_id" in data) == ("topic" in data):
        raise ValidationFailed(
            _("Give either topic_id (a proposed topic) or topic (a new one)."),
            fields={"topic_id": "required"},
        )
    if "topic" in data:
        return new_topic(user, circle, data["topic"])
    topic_id = check_optional_id(data["topic_id"], "topic_id")
    topic = db.session.get(CircleTopic, topic_id) if topic_id else None
    if topic is None or topic.circle_id != circle.group_id:
        raise ValidationFailed(_("No such topic in this circle."), fields={"topic_id": "unknown"})
    if topic.status == "held":
        raise Conflict(_("This topic was already presented."), fields={"topic_id": "held"})
    return topic


def do_create_session(user: User, circle_id: int, data: Any) -> tuple[Circle, CircleSession]:
    """Plan a session from ``{"topic_id" or "topic", "starts_at", "presenter_id",
    "scribe_id"}`` (and optionally ``ends_at`` — 90 minutes by default —, ``location``,
    ``online_url``): its event is created in the circle's group (the members are invited
    by a notification), and the topic is marked held.

    :raise NotFound: not a member. :raise Forbidden: not the facilitator, or archived.
    :raise ValidationFailed: both or neither of topic_id/topic, an unknown topic, a
        presenter or scribe who is not a member, the event's own checks (a start in the
        past, ends before it starts…). :raise Conflict: the topic was presented already.
    """
    data = check_known_fields(data, FIELDS)
    circle = access_circle(user, circle_id)
    _require_facilitator(user, circle, _("Only the circle's facilitator plans sessions."))
    check_open(circle)
    presenter_id = _member(circle, data.get("presenter_id"), "presenter_id")
    scribe_id = _member(circle, data.get("scribe_id"), "scribe_id")
    starts_at = parse_datetime(data.get("starts_at"), "starts_at")
    if starts_at is None:
        raise ValidationFailed(
            _("'%(field)s' must be an ISO 8601 date and time.", field="starts_at"),
            fields={"starts_at": "required"},
        )
    topic = _topic(user, circle, data)
    fields = {
        "title": topic.title,
        "description": topic.description,
        "starts_at": data["starts_at"],
        "ends_at": data.get("ends_at") or iso(starts_at + DEFAULT_LENGTH),
        "group_id": circle.group_id,
    }
    fields.update({k: data[k] for k in ("location", "online_url") if k in data})
    post = events.do_create_event(user, fields)
    topic.status = "held"
    session = CircleSession(
        circle_id=circle.group_id,
        topic_id=topic.id,
        event_post_id=post.id,
        presenter_id=presenter_id,
        scribe_id=scribe_id,
    )
    db.session.add(session)
    db.session.flush()
    notifications.do_notify(
        member_ids(circle.group_id),
        NotificationType.EVENT_INVITED,
        actor=user,
        post=post,
        text=notification_text("event_invited", post.title or ""),
    )
    topic_changed(topic)
    session_changed(session)
    return circle, session


def _check_user_ids(data: Any) -> list[int]:
    value = check_known_fields(data, {"user_ids"}).get("user_ids")
    if not isinstance(value, list) or len(value) > ATTENDANCE_MAX_IDS:
        raise ValidationFailed(
            _("user_ids must be a list of the people who came."), fields={"user_ids": "not_list"}
        )
    ids = [check_optional_id(v, "user_ids") for v in value]
    if any(i is None for i in ids):
        raise ValidationFailed(
            _("user_ids must be a list of the people who came."), fields={"user_ids": "not_list"}
        )
    return list(dict.fromkeys(ids))


def do_take_attendance(
    user: User, circle_id: int, session_id: int, data: Any
) -> tuple[Circle, CircleSession]:
    """Record who came (``{"user_ids": [...]}``, members): every member is marked present
    or absent. Once the session has started; may be corrected later.

    :raise Forbidden: not the facilitator. :raise ValidationFailed: not a list, or someone
        who is not a member. :raise Conflict: not started yet, or cancelled.
    """
    user_ids = _check_user_ids(data)
    circle, session = access_session(user, circle_id, session_id)
    _require_facilitator(user, circle, _("Only the circle's facilitator takes attendance."))
    check_open(circle)
    details = db.session.get(EventDetails, session.event_post_id)
    if details is None or details.cancelled_at is not None:
        raise Conflict(_("This session is cancelled."))
    if details.starts_at > utcnow():
        raise Conflict(_("Attendance is taken once the session has started."))
    members = member_ids(circle.group_id)
    if any(uid not in members for uid in user_ids):
        raise ValidationFailed(
            _("Only members of the circle can be marked present."),
            fields={"user_ids": "not_member"},
        )
    db.session.execute(delete(CircleAttendance).where(CircleAttendance.session_id == session.id))
    db.session.add_all(
        CircleAttendance(session_id=session.id, user_id=uid, attended=uid in user_ids)
        for uid in members
    )
    session.attendance_taken_at = utcnow()
    db.session.flush()
    session_changed(session)
    return circle, session


def release_topic(post: Post) -> None:
    """``post``'s event was just cancelled or deleted: if it is a circle session's, the
    circle's open pages are told, and unless the session took place (its event ended) or
    another session on the topic still stands, the topic is no longer held and goes back
    to the vote or to being the next pick (:func:`.topics.restore_topic`)."""
    if post.kind != "event":
        return
    session = db.session.scalar(select(CircleSession).where(CircleSession.event_post_id == post.id))
    if session is None:
        return
    session_changed(session)
    details = db.session.get(EventDetails, post.id)
    if details is None or details.ends_at <= utcnow():
        return
    topic = db.session.get(CircleTopic, session.topic_id)
    if topic is None or topic.status != "held":
        return
    standing = db.session.scalar(
        select(CircleSession.id)
        .join(EventDetails, EventDetails.post_id == CircleSession.event_post_id)
        .join(Post, Post.id == CircleSession.event_post_id)
        .where(
            CircleSession.topic_id == topic.id,
            CircleSession.id != session.id,
            EventDetails.cancelled_at.is_(None),
            Post.deleted_at.is_(None),
        )
    )
    if standing is None:
        restore_topic(topic)
        topic_changed(topic)


events.on_cancel("circles", release_topic)
posts.on_delete("circles", release_topic)
