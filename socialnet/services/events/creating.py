"""Creating, editing and cancelling events: the checks of the fields, then the post and
its details. Organisers (``policy.can_manage_event``) edit and cancel; the people who
answered are told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ... import policy
from ...errors import Conflict, Forbidden, ValidationFailed
from ...extensions import db
from ...models import EventDetails, EventRsvp, ModerationState, NotificationType, Post, User
from ...models._time import utcnow
from ...models.calendar import EVENT_CAPACITY_MAX, EVENT_LOCATION_MAX, EVENT_URL_MAX
from ...realtime.publisher import publish
from ...serializers import post_dict
from .. import notifications
from .. import screening as screening_gate
from ..posts import QUESTION_TITLE_MAX, _store_body, check_group_for_posting
from ..validation import check_known_fields, check_text, parse_datetime
from .reading import access_event, event_for, publish_update
from .reminders import forget_reminders
from .seats import lock_event, promote_waiting
from .texts import notification_text

CREATE_FIELDS = {
    "title",
    "description",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "capacity",
    "group_id",
    "rsvp_closes_at",
}
EDIT_FIELDS = CREATE_FIELDS - {"group_id"}
#: The longest an event may last (a field trip of a few days, not a season).
MAX_DURATION = timedelta(days=14)
#: Statuses of the people told when an event changes or is cancelled.
TOLD_OF_CHANGES = ("going", "maybe", "waiting")

#: What else happens when an event is cancelled, by the domain that asked (circles put a
#: session's topic back): called with the event's post inside the cancelling transaction.
#: Domains built on events register here, so events import none of them.
_ON_CANCEL: dict[str, Callable[[Post], None]] = {}


def on_cancel(name: str, handler: Callable[[Post], None]) -> None:
    """Run ``handler(post)`` whenever an event is cancelled (once per ``name``)."""
    _ON_CANCEL[name] = handler


def _instant(value: Any, field: str, *, required: bool) -> datetime | None:
    parsed = parse_datetime(value, field)
    if parsed is None and required:
        raise ValidationFailed(
            _("'%(field)s' must be an ISO 8601 date and time.", field=field),
            fields={field: "not_datetime" if value not in (None, "") else "required"},
        )
    return parsed.replace(microsecond=0) if parsed is not None else None


def check_capacity(value: Any) -> int | None:
    """Seats: absent or null (no limit), or 1..:data:`EVENT_CAPACITY_MAX`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _("capacity must be a whole number of seats, or null for no limit."),
            fields={"capacity": "not_integer"},
        )
    if not 1 <= value <= EVENT_CAPACITY_MAX:
        raise ValidationFailed(
            _("capacity must be between 1 and %(max)s.", max=EVENT_CAPACITY_MAX),
            fields={"capacity": "out_of_range"},
        )
    return value


def check_online_url(value: Any) -> str | None:
    """An absolute http(s) link, or nothing."""
    if value in (None, ""):
        return None
    url = check_text(value, "online_url", max_len=EVENT_URL_MAX)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValidationFailed(
            _("online_url must be an http:// or https:// link."), fields={"online_url": "bad_url"}
        )
    return url


def _check_times(starts_at, ends_at, rsvp_closes_at, *, now: datetime, new: bool) -> None:
    if new and starts_at <= now:
        raise ValidationFailed(_("starts_at must be in the future."), fields={"starts_at": "past"})
    if ends_at <= starts_at:
        raise ValidationFailed(
            _("An event must end after it starts."), fields={"ends_at": "before_start"}
        )
    if ends_at - starts_at > MAX_DURATION:
        raise ValidationFailed(
            _("An event lasts %(days)s days at most.", days=MAX_DURATION.days),
            fields={"ends_at": "too_long"},
        )
    if rsvp_closes_at is not None and rsvp_closes_at > starts_at:
        raise ValidationFailed(
            _("Answers must close before the event starts."),
            fields={"rsvp_closes_at": "after_start"},
        )


def _check_fields(data: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``data`` checked, over ``current`` (the event as it is, or empty)."""
    checked = dict(current)
    if "title" in data or not current:
        checked["title"] = check_text(data.get("title"), "title", max_len=QUESTION_TITLE_MAX)
    if "description" in data:
        checked["description"] = check_text(
            data["description"],
            "description",
            max_len=current_app.config["POST_MAX_CHARS"],
            required=False,
            multiline=True,
        )
    checked.setdefault("description", "")
    for field, required in (("starts_at", True), ("ends_at", True), ("rsvp_closes_at", False)):
        if field in data or not current:
            checked[field] = _instant(data.get(field), field, required=required)
    if "location" in data:
        checked["location"] = check_text(
            data["location"], "location", max_len=EVENT_LOCATION_MAX, required=False
        )
    checked.setdefault("location", "")
    if "online_url" in data or not current:
        checked["online_url"] = check_online_url(data.get("online_url"))
    if "capacity" in data or not current:
        checked["capacity"] = check_capacity(data.get("capacity"))
    return checked


def do_create_event(
    user: User, data: Any, *, source_poll_id: int | None = None, draft: bool = False
) -> Post:
    """Create an event from ``{"title", "description", "starts_at", "ends_at", "location",
    "online_url", "capacity", "group_id", "rsvp_closes_at"}`` (in a group, or for the
    company) and publish ``post.created`` to its audience. Nothing is written if any field
    is refused.

    :raise ValidationFailed: unknown fields, a missing title or time, ends before it
        starts, a start in the past, capacity out of 1..10,000, a link that is not
        http(s), answers closing after the start, an unknown or invisible group.
    :raise TooLarge: a title, description, location or link too long.
    :raise Forbidden: not a member of the group, or the group is archived.

    ``draft``: an editorial item's draft, kept in the ``draft`` state (its author alone
    sees it; no calendar, feed or reminder shows it; answers are refused) until
    ``services.editorial.drafts`` publishes it as a new event.
    """
    data = check_known_fields(data, CREATE_FIELDS)
    fields = _check_fields(data, {})
    _check_times(
        fields["starts_at"], fields["ends_at"], fields["rsvp_closes_at"], now=utcnow(), new=True
    )
    group_id = check_group_for_posting(user, data.get("group_id"))
    screening = screening_gate.check_writing(
        user,
        {"title": fields["title"], "body": fields["description"], "location": fields["location"]},
    )
    post = Post(
        author_id=user.id,
        author=user,
        group_id=group_id,
        kind="event",
        title=screening.texts["title"],
        body="",
        body_html="",
        moderation_state=ModerationState.DRAFT.value if draft else ModerationState.PUBLISHED.value,
    )
    db.session.add(post)
    db.session.flush()
    mentioned = _store_body(post, screening.texts["body"])
    db.session.add(
        EventDetails(
            post_id=post.id,
            starts_at=fields["starts_at"],
            ends_at=fields["ends_at"],
            location=screening.texts.get("location", fields["location"]),
            online_url=fields["online_url"],
            capacity=fields["capacity"],
            rsvp_closes_at=fields["rsvp_closes_at"],
            source_poll_id=source_poll_id,
        )
    )
    db.session.flush()
    screening_gate.settle_post(user, post, screening)
    item = post_dict(post)
    item["event"] = event_for(user, post)
    for key in ("my_rsvp", "can_rsvp", "can_manage"):  # the audience's view, not the author's
        item["event"].pop(key, None)
    publish("post.created", item, room=policy.room_for_post(post), post_id=post.id)
    notifications.do_notify(mentioned, NotificationType.MENTIONED, actor=user, post=post)
    return post


def access_managed_event(user: User, event_id: int) -> tuple[Post, EventDetails]:
    """The event, locked, if ``user`` organises it.

    :raise NotFound: ``user`` may not see it. :raise Forbidden: not an organiser, or the
        event's group is archived.
    """
    post, _details = access_event(user, event_id)
    if not policy.can_manage_event(user, post):
        raise Forbidden(_("Only the event's organisers can do this."))
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    return post, lock_event(event_id)


def _current_fields(post: Post, details: EventDetails) -> dict[str, Any]:
    return {
        "title": post.title,
        "description": post.body,
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "location": details.location,
        "online_url": details.online_url,
        "capacity": details.capacity,
        "rsvp_closes_at": details.rsvp_closes_at,
    }


def answered_user_ids(event_id: int, statuses=TOLD_OF_CHANGES) -> list[int]:
    return list(
        db.session.scalars(
            select(EventRsvp.user_id)
            .where(EventRsvp.post_id == event_id, EventRsvp.status.in_(statuses))
            .order_by(EventRsvp.id)
        )
    )


def do_edit_event(user: User, event_id: int, data: Any) -> Post:
    """Change some of the fields of :func:`do_create_event` (not the group). People who
    answered going, maybe or waiting are told what changed; more seats promote people
    from the waiting list.

    :raise Conflict: the event is cancelled, or fewer seats than people going.
    """
    data = check_known_fields(data, EDIT_FIELDS)
    post, details = access_managed_event(user, event_id)
    if details.cancelled_at is not None:
        raise Conflict(_("This event is cancelled."))
    before = _current_fields(post, details)
    after = _check_fields(data, before)
    _check_times(
        after["starts_at"],
        after["ends_at"],
        after["rsvp_closes_at"],
        now=utcnow(),
        new=after["starts_at"] != before["starts_at"],
    )
    going = len(answered_user_ids(event_id, ("going",)))
    if after["capacity"] is not None and after["capacity"] < going:
        raise Conflict(
            _("%(num)s people are going: the event needs at least that many seats.", num=going),
            fields={"capacity": "below_going"},
        )
    changed = [field for field in after if after[field] != before[field]]
    if not changed:
        return post
    screening = screening_gate.check_writing(
        user, {"title": after["title"], "body": after["description"], "location": after["location"]}
    )
    post.title = screening.texts["title"]
    if "description" in changed:
        _store_body(post, screening.texts["body"], new=False)
    for field in ("starts_at", "ends_at", "online_url", "capacity", "rsvp_closes_at"):
        setattr(details, field, after[field])
    details.location = screening.texts.get("location", after["location"])
    details.updated_at = post.edited_at = utcnow()
    if "starts_at" in changed:
        forget_reminders(post.id)
    db.session.flush()
    promote_waiting(post, details, actor=user)
    text = notification_text("event_changed", post.title or "", changed=changed)
    notifications.do_notify(
        answered_user_ids(event_id),
        NotificationType.EVENT_CHANGED,
        actor=user,
        post=post,
        text=text,
    )
    publish_update(post, details)
    return post


def do_cancel_event(user: User, event_id: int) -> Post:
    """Cancel an event: answers close, everyone who answered is told, and the handlers
    given to :func:`on_cancel` run (in this transaction: all or nothing).

    :raise Conflict: already cancelled, already over, or an editorial draft (it is
        replaced or its item dropped instead: a cancelled draft would be published).
    """
    post, details = access_managed_event(user, event_id)
    if post.moderation_state == ModerationState.DRAFT.value:
        raise Conflict(_("This event is a draft: drop or rewrite its editorial item instead."))
    if details.cancelled_at is not None:
        raise Conflict(_("This event is already cancelled."))
    now = utcnow()
    if details.ends_at <= now:
        raise Conflict(_("This event is over: it can no longer be cancelled."))
    details.cancelled_at = details.updated_at = now
    db.session.flush()
    for handler in _ON_CANCEL.values():
        handler(post)
    everyone = answered_user_ids(event_id, ("going", "maybe", "waiting", "declined"))
    text = notification_text("event_cancelled", post.title or "")
    notifications.do_notify(
        everyone, NotificationType.EVENT_CANCELLED, actor=user, post=post, text=text
    )
    publish_update(post, details)
    return post
