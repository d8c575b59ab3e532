"""Voting, withdrawing a vote, closing a poll and picking a date poll's final slot.

One ballot per person per poll: ``INSERT … ON CONFLICT DO UPDATE`` on the
``UNIQUE(poll_id, user_id)`` key, then its choices are replaced."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ... import policy
from ...errors import Conflict, Forbidden, ValidationFailed
from ...extensions import db
from ...models import Ballot, BallotChoice, NotificationType, Poll, PollOption, Post, User
from ...models._time import utcnow
from ...models.polls import DATE_ANSWERS
from ...realtime.publisher import lock_event_log
from .. import notifications
from ..validation import MAX_ID, check_known_fields
from .reading import _publish_update, access_poll, can_manage, is_closed


def _check_open(poll: Poll, post: Post) -> None:
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if is_closed(poll):
        raise Conflict(_("This poll is closed."))


def _check_option_ids(value: Any, valid: set[int], field: str) -> list[int]:
    if not isinstance(value, list) or not value:
        raise ValidationFailed(_("Choose at least one option."), fields={field: "empty"})
    if len(value) > len(valid):
        raise ValidationFailed(_("Too many choices."), fields={field: "too_many"})
    for option_id in value:
        if isinstance(option_id, bool) or not isinstance(option_id, int):
            raise ValidationFailed(_("Option ids are integers."), fields={field: "not_id"})
    if len(set(value)) != len(value):
        raise ValidationFailed(_("An option is chosen twice."), fields={field: "duplicate"})
    if not set(value) <= valid:
        raise ValidationFailed(_("Not an option of this poll."), fields={field: "unknown_option"})
    return value


def _check_choices(poll: Poll, valid: set[int], data: dict[str, Any]) -> dict[int, str]:
    """``{option_id: answer}`` for the ballot, from the vote body of this poll's kind."""
    if poll.kind == "date":
        data = check_known_fields(data, {"answers"})
        answers = data.get("answers")
        if not isinstance(answers, dict) or not answers:
            raise ValidationFailed(
                _("Answer yes, maybe or no for at least one slot."), fields={"answers": "empty"}
            )
        if len(answers) > len(valid):
            raise ValidationFailed(_("Too many answers."), fields={"answers": "too_many"})
        choices: dict[int, str] = {}
        for key, answer in answers.items():
            option_id = int(key) if isinstance(key, str) and key.isdigit() else None
            if option_id is None or option_id > MAX_ID or option_id not in valid:
                raise ValidationFailed(
                    _("Not a slot of this poll."), fields={"answers": "unknown_option"}
                )
            if answer not in DATE_ANSWERS:
                raise ValidationFailed(
                    _("Each answer is 'yes', 'maybe' or 'no'."), fields={"answers": "unknown"}
                )
            if option_id in choices:
                raise ValidationFailed(
                    _("A slot is answered twice."), fields={"answers": "duplicate"}
                )
            choices[option_id] = answer
        return choices
    data = check_known_fields(data, {"option_ids"})
    option_ids = _check_option_ids(data.get("option_ids"), valid, "option_ids")
    limit = (poll.max_choices or len(valid)) if poll.multiple else 1
    if len(option_ids) > limit:
        raise ValidationFailed(
            ngettext("Choose at most %(num)d option.", "Choose at most %(num)d options.", limit),
            fields={"option_ids": "too_many"},
        )
    return dict.fromkeys(option_ids, "yes")


def _upsert_ballot(poll_id: int, user_id: int) -> int:
    """The caller's ballot id, inserted or refreshed by one ``INSERT … ON CONFLICT DO UPDATE``
    on the unique key: concurrent votes by one person meet in the database, not in Python."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(Ballot).values(
        poll_id=poll_id, user_id=user_id, created_at=now, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Ballot.poll_id, Ballot.user_id],
        set_={"updated_at": statement.excluded.updated_at},
    ).returning(Ballot.id)
    return db.session.execute(statement).scalar_one()


def do_vote(user: User, poll_id: int, data: Any) -> Poll:
    """Record ``user``'s ballot, replacing any previous one, and publish ``poll.updated``.

    Body: ``{"option_ids": [...]}`` (choice polls: non-empty, distinct, options of this
    poll, exactly one for single choice, at most ``max_choices``) or ``{"answers":
    {option_id: "yes"|"maybe"|"no"}}`` (date polls).

    :raise NotFound: the poll is missing or invisible to ``user``.
    :raise ValidationFailed: a bad body; nothing is written.
    :raise Conflict: the poll is closed (by hand or past ``closes_at``).
    :raise Forbidden: the poll's group is archived.
    """
    poll = access_poll(user, poll_id)
    post = db.session.get(Post, poll.post_id)
    if not isinstance(data, dict):
        raise ValidationFailed(_("The request body must be a JSON object."))
    _check_open(poll, post)
    valid = set(db.session.scalars(select(PollOption.id).where(PollOption.poll_id == poll.id)))
    choices = _check_choices(poll, valid, data)
    lock_event_log()  # PostgreSQL: serialize with close/other votes before re-reading state
    ballot_id = _upsert_ballot(poll.id, user.id)  # SQLite: takes the write lock
    db.session.refresh(poll)
    _check_open(poll, post)  # closed while we waited: the request rolls back
    db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id == ballot_id))
    db.session.add_all(
        BallotChoice(ballot_id=ballot_id, option_id=option_id, answer=answer)
        for option_id, answer in choices.items()
    )
    db.session.flush()
    _publish_update(poll, post)
    return poll


def do_retract_vote(user: User, poll_id: int) -> Poll:
    """Remove ``user``'s ballot (idempotent) and publish ``poll.updated`` if there was one.

    :raise NotFound: the poll is missing or invisible. :raise Conflict: it is closed.
    """
    poll = access_poll(user, poll_id)
    post = db.session.get(Post, poll.post_id)
    _check_open(poll, post)
    lock_event_log()
    mine = select(Ballot.id).where(Ballot.poll_id == poll.id, Ballot.user_id == user.id)
    db.session.execute(delete(BallotChoice).where(BallotChoice.ballot_id.in_(mine)))
    removed = db.session.execute(
        delete(Ballot).where(Ballot.poll_id == poll.id, Ballot.user_id == user.id)
    ).rowcount
    db.session.refresh(poll)
    _check_open(poll, post)  # closed while we waited: the request rolls back
    if removed:
        _publish_update(poll, post)
    return poll


def do_close(user: User, poll_id: int) -> Poll:
    """Close the poll now (its author, community managers, admins); idempotent.

    :raise NotFound: missing or invisible. :raise Forbidden: anyone else; archived group.
    """
    poll = access_poll(user, poll_id)
    post = db.session.get(Post, poll.post_id)
    if not can_manage(user, poll, post):
        raise Forbidden(_("Only the poll's author or a community manager can close it."))
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    lock_event_log()
    db.session.refresh(poll)
    if poll.closed_at is None:
        poll.closed_at = utcnow()
        poll.closed_by_id = user.id
        db.session.flush()
        _publish_update(poll, post)
    return poll


def do_pick_final_slot(user: User, poll_id: int, option_id: Any) -> Poll:
    """The author of a date poll picks the slot: the poll closes and everyone who answered
    is notified (``poll_decided``), once per change of slot.

    :raise NotFound: missing or invisible. :raise Forbidden: not the author; archived group.
    :raise ValidationFailed: not a date poll, or not a slot of this poll.
    """
    poll = access_poll(user, poll_id)
    post = db.session.get(Post, poll.post_id)
    if post.author_id != user.id or not user.active:
        raise Forbidden(_("Only the poll's author picks the final slot."))
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if poll.kind != "date":
        raise ValidationFailed(_("Only date polls have a final slot."), fields={"kind": "not_date"})
    is_id = isinstance(option_id, int) and not isinstance(option_id, bool)
    option = db.session.get(PollOption, option_id) if is_id and 1 <= option_id <= MAX_ID else None
    if option is None or option.poll_id != poll.id:
        raise ValidationFailed(
            _("Not a slot of this poll."), fields={"option_id": "unknown_option"}
        )
    lock_event_log()
    db.session.refresh(poll)
    if poll.final_option_id == option.id:
        return poll
    poll.final_option_id = option.id
    if poll.closed_at is None:
        poll.closed_at = utcnow()
        poll.closed_by_id = user.id
    db.session.flush()
    _publish_update(poll, post)
    participants = db.session.scalars(select(Ballot.user_id).where(Ballot.poll_id == poll.id))
    notifications.do_notify(
        list(participants),
        NotificationType.POLL_DECIDED,
        actor=user,
        post=post,
        text=f"picked {option.text} for “{poll.question}”",
        params={"option": option.text, "question": poll.question},
    )
    return poll
