"""Creating polls and date polls: the checks of a new poll, then its post and options."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import ModerationState, NotificationType, Poll, PollOption, Post, User
from ...models._time import utcnow
from ...models.polls import POLL_KINDS, RESULTS_VISIBILITY
from ...realtime.publisher import publish
from ...serializers import post_dict
from ...text_keys import fold
from .. import notifications
from .. import screening as screening_gate
from ..posts import _store_body, check_group_for_posting
from ..validation import check_known_fields, check_text, parse_datetime
from .reading import _first, _load, _poll_dict

MIN_OPTIONS = 2
MAX_OPTIONS = 20
OPTION_MAX_CHARS = 200
QUESTION_MAX_CHARS = 300
CREATE_FIELDS = {
    "question",
    "options",
    "slots",
    "kind",
    "multiple",
    "max_choices",
    "anonymous",
    "closes_at",
    "results",
    "group_id",
}


def _check_bool(data: dict[str, Any], field: str) -> bool:
    value = data.get(field, False)
    if not isinstance(value, bool):
        raise ValidationFailed(
            _("%(field)s must be true or false.", field=field), fields={field: "not_boolean"}
        )
    return value


def check_datetime(value: Any, field: str) -> datetime:
    """An ISO 8601 date-time within the usual bounds, as naive UTC to the second."""
    parsed = parse_datetime(value, field)
    if parsed is None:
        raise ValidationFailed(
            _("'%(field)s' must be an ISO 8601 date and time.", field=field),
            fields={field: "not_datetime"},
        )
    return parsed.replace(microsecond=0)


def _check_list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationFailed(
            _("%(field)s must be a list.", field=field), fields={field: "not_list"}
        )
    if len(value) < MIN_OPTIONS:
        raise ValidationFailed(
            _(
                "A poll needs at least %(min)s %(field)s.",
                min=MIN_OPTIONS,
                field=field,
            ),
            fields={field: "too_few"},
        )
    if len(value) > MAX_OPTIONS:
        raise ValidationFailed(
            _(
                "A poll has at most %(max)s %(field)s.",
                max=MAX_OPTIONS,
                field=field,
            ),
            fields={field: "too_many"},
        )
    return value


def _check_options(value: Any) -> list[str]:
    texts = [
        check_text(v, "options", max_len=OPTION_MAX_CHARS) for v in _check_list(value, "options")
    ]
    if len({fold(t) for t in texts}) != len(texts):  # "Café" and "cafe" are one option
        raise ValidationFailed(_("Options must all differ."), fields={"options": "duplicate"})
    return texts


def _check_slots(value: Any, now: datetime) -> list[datetime]:
    slots = [check_datetime(v, "slots") for v in _check_list(value, "slots")]
    if any(slot <= now for slot in slots):
        raise ValidationFailed(_("Slots must be in the future."), fields={"slots": "past"})
    if len(set(slots)) != len(slots):
        raise ValidationFailed(_("Slots must all differ."), fields={"slots": "duplicate"})
    return sorted(slots)


def _check_max_choices(data: dict[str, Any], multiple: bool, n_options: int) -> int | None:
    value = data.get("max_choices")
    if value is None:
        return None
    if not multiple:
        raise ValidationFailed(
            _("max_choices applies to multiple-choice polls only."),
            fields={"max_choices": "not_allowed"},
        )
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= n_options:
        raise ValidationFailed(
            _(
                "max_choices must be between 1 and the number of options (%(n_options)s).",
                n_options=n_options,
            ),
            fields={"max_choices": "out_of_range"},
        )
    return value


def _slot_label(slot: datetime) -> str:
    return slot.strftime("%Y-%m-%d %H:%M UTC")


def do_create_poll(user: User, data: Any, *, draft: bool = False) -> Post:
    """Create a poll post from ``{"question", "options" | "slots", "kind", "multiple",
    "max_choices", "anonymous", "closes_at", "results", "group_id"}`` and publish
    ``post.created`` to its audience. Everything is validated before anything is written.

    :raise ValidationFailed: unknown fields, bad or duplicate options/slots, 2–20 of them,
        slots or ``closes_at`` not in the future, ``max_choices`` without ``multiple`` or
        out of range, an unknown or invisible group.
    :raise TooLarge: a question or option too long.
    :raise Forbidden: not a member of the group, or the group is archived.

    ``draft``: an editorial item's draft (see ``services.posts.do_create_post``).
    """
    data = check_known_fields(data, CREATE_FIELDS)
    now = utcnow()
    question = check_text(data.get("question"), "question", max_len=QUESTION_MAX_CHARS)
    kind = data.get("kind", "choice")
    if kind not in POLL_KINDS:
        raise ValidationFailed(_("kind must be 'choice' or 'date'."), fields={"kind": "unknown"})
    results_rule = data.get("results", "always")
    if results_rule not in RESULTS_VISIBILITY:
        raise ValidationFailed(
            _("results must be 'always', 'after_vote' or 'after_close'."),
            fields={"results": "unknown"},
        )
    multiple = _check_bool(data, "multiple")
    anonymous = _check_bool(data, "anonymous")
    slots: list[datetime] = []
    if kind == "date":
        if "options" in data:
            raise ValidationFailed(
                _("A date poll has slots, not options."), fields={"options": "not_allowed"}
            )
        if multiple or data.get("max_choices") is not None:
            raise ValidationFailed(
                _("A date poll is answered per slot: no multiple or max_choices."),
                fields={"multiple": "not_allowed"},
            )
        slots = _check_slots(data.get("slots"), now)
        texts = [_slot_label(s) for s in slots]
    else:
        if "slots" in data:
            raise ValidationFailed(
                _("Only date polls have slots."), fields={"slots": "not_allowed"}
            )
        texts = _check_options(data.get("options"))
    max_choices = _check_max_choices(data, multiple, len(texts))
    closes_at = None
    if data.get("closes_at") is not None:
        closes_at = check_datetime(data["closes_at"], "closes_at")
        if closes_at <= now:
            raise ValidationFailed(
                _("closes_at must be in the future."), fields={"closes_at": "past"}
            )
    group_id = check_group_for_posting(user, data.get("group_id"))
    option_fields = {f"options[{i}]": t for i, t in enumerate(texts)} if kind == "choice" else {}
    screening = screening_gate.check_writing(user, {"question": question, **option_fields})
    question = screening.texts["question"]
    texts = [screening.texts.get(f"options[{i}]", t) for i, t in enumerate(texts)]

    post = Post(
        author_id=user.id,
        author=user,
        group_id=group_id,
        kind="poll",
        body="",
        body_html="",
        moderation_state=ModerationState.DRAFT.value if draft else ModerationState.PUBLISHED.value,
    )
    db.session.add(post)
    db.session.flush()
    mentioned = _store_body(post, question)
    poll = Poll(
        post_id=post.id,
        question=question,
        kind=kind,
        multiple=multiple,
        max_choices=max_choices,
        anonymous=anonymous,
        results=results_rule,
        closes_at=closes_at,
    )
    db.session.add(poll)
    db.session.flush()
    db.session.add_all(
        PollOption(poll_id=poll.id, position=i, text=text, starts_at=slots[i] if slots else None)
        for i, text in enumerate(texts)
    )
    db.session.flush()
    screening_gate.settle_post(user, post, screening)
    event = post_dict(post)
    event["poll"] = _poll_dict(None, poll, post, *_first(_load(None, [poll]), poll.id))
    publish("post.created", event, room=policy.room_for_post(post), post_id=post.id)
    notifications.do_notify(mentioned, NotificationType.MENTIONED, actor=user, post=post)
    return post
