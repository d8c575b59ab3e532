"""Polls: create, vote, retract, close, pick a date poll's final slot, read results, export.

A poll is a post of kind ``poll``: the post carries its audience, visibility,
comments, reactions and moderation; :func:`access_poll` answers 404 for a poll
whose post the caller may not see, exactly like a missing one.

Rules worth knowing:

* One ballot per person per poll is guaranteed by the ``UNIQUE(poll_id, user_id)``
  key: a vote is ``INSERT … ON CONFLICT DO UPDATE`` (never check-then-insert),
  then its choices are replaced, all in the request's one transaction.
* Counts are shown to a viewer only when the poll's results rule allows it
  (:func:`results_visible_to`); ``poll.updated`` events carry counts only when
  the rule allows them to *everyone*, otherwise just the number of voters.
* An anonymous poll never reveals who voted for what to anybody (admins
  included): no voter list, no names in the CSV, no user ids in events. A poll
  cannot be changed after creation, so it cannot become named after votes.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import Ballot, BallotChoice, NotificationType, Poll, PollOption, Post, User
from ..models._time import utcnow
from ..models.polls import DATE_ANSWERS, POLL_KINDS, RESULTS_VISIBILITY
from ..realtime.publisher import lock_event_log, publish
from ..serializers import iso, post_dict, user_summary
from ..text_keys import fold
from . import attachments, notifications
from . import screening as screening_gate
from .csv_export import to_csv
from .posts import _store_body, access_post, check_group_for_posting
from .validation import MAX_ID, check_known_fields, check_text, parse_datetime

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


# --- reading -----------------------------------------------------------------------------


def access_poll(user: User, poll_id: int) -> Poll:
    """The poll ``poll_id`` if ``user`` may see its post.

    :raise NotFound: missing, its post deleted, or in a group ``user`` cannot read.
    """
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound("No such poll.")
    try:
        access_post(user, poll.post_id)
    except NotFound:
        raise NotFound("No such poll.") from None
    return poll


def is_closed(poll: Poll, now: datetime | None = None) -> bool:
    """Closed by hand, or past its closing time."""
    now = now or utcnow()
    return poll.closed_at is not None or (poll.closes_at is not None and poll.closes_at <= now)


def can_manage(user: User, poll: Poll, post: Post) -> bool:
    """The author or a community manager / admin: close, export (``policy.can_manage_poll``)."""
    return policy.can_manage_poll(user, post)


def results_visible_to(viewer: User, poll: Poll, post: Post, voted: bool) -> bool:
    """Whether ``viewer`` may see counts: ``always``; ``after_vote`` once they voted (the
    author and community managers at any time); ``after_close`` once closed. Everybody
    sees the results of a closed poll."""
    if poll.results == "always" or is_closed(poll):
        return True
    if poll.results == "after_vote":
        return voted or can_manage(viewer, poll, post)
    return False


def _results_public(poll: Poll) -> bool:
    """Counts may go to everyone who can see the poll (so into a broadcast event)."""
    return poll.results == "always" or is_closed(poll)


def _load(
    viewer: User | None, polls: list[Poll]
) -> tuple[
    dict[int, list[PollOption]],
    dict[int, dict[str, int]],
    dict[int, int],
    dict[int, dict[int, str]],
]:
    """Options, counts per (option, answer), voters per poll and the viewer's answers:
    four queries whatever the number of polls."""
    ids = [p.id for p in polls]
    options: dict[int, list[PollOption]] = defaultdict(list)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(DATE_ANSWERS, 0))
    voters: dict[int, int] = dict.fromkeys(ids, 0)
    mine: dict[int, dict[int, str]] = defaultdict(dict)
    if not ids:
        return options, counts, voters, mine
    for option in db.session.scalars(
        select(PollOption)
        .where(PollOption.poll_id.in_(ids))
        .order_by(PollOption.poll_id, PollOption.position)
    ):
        options[option.poll_id].append(option)
    rows = db.session.execute(
        select(BallotChoice.option_id, BallotChoice.answer, func.count())
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .where(Ballot.poll_id.in_(ids))
        .group_by(BallotChoice.option_id, BallotChoice.answer)
    )
    for option_id, answer, n in rows:
        counts[option_id][answer] = n
    for poll_id, n in db.session.execute(
        select(Ballot.poll_id, func.count()).where(Ballot.poll_id.in_(ids)).group_by(Ballot.poll_id)
    ):
        voters[poll_id] = n
    if viewer is not None:
        for poll_id, option_id, answer in db.session.execute(
            select(Ballot.poll_id, BallotChoice.option_id, BallotChoice.answer)
            .join(BallotChoice, BallotChoice.ballot_id == Ballot.id)
            .where(Ballot.poll_id.in_(ids), Ballot.user_id == viewer.id)
        ):
            mine[poll_id][option_id] = answer
    return options, counts, voters, mine


def _voters_by_option(poll: Poll) -> dict[int, list[dict[str, Any]]]:
    """Who chose each option (date polls: who answered yes or maybe). Named polls only."""
    assert not poll.anonymous, "anonymous polls never list voters"
    by_option: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = db.session.execute(
        select(BallotChoice.option_id, BallotChoice.answer, User)
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .join(User, User.id == Ballot.user_id)
        .where(Ballot.poll_id == poll.id)
        .order_by(User.name_key, User.id)
    )
    for option_id, answer, user in rows:
        entry = user_summary(user)
        if poll.kind == "date":
            entry["answer"] = answer
        by_option[option_id].append(entry)
    return by_option


def _best_option_id(poll: Poll, options: list[PollOption], counts) -> int | None:
    """Most "yes", then most "maybe", then the earliest slot; None before any yes/maybe."""
    best = None
    best_key: tuple[int, int] = (0, 0)
    for option in options:
        key = (counts[option.id]["yes"], counts[option.id]["maybe"])
        if key > best_key:
            best, best_key = option.id, key
    return best


def _poll_dict(
    viewer: User | None,
    poll: Poll,
    post: Post,
    options: list[PollOption],
    counts,
    voters: int,
    mine: dict[int, str],
    voter_lists: dict[int, list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """A poll as ``viewer`` sees it (``viewer`` None: the public view of broadcast events)."""
    if viewer is None:
        visible = _results_public(poll)
    else:
        visible = results_visible_to(viewer, poll, post, bool(mine))
    items = []
    for option in options:
        item: dict[str, Any] = {"id": option.id, "text": option.text}
        if poll.kind == "date":
            item["starts_at"] = iso(option.starts_at)
        if visible:
            answered = counts[option.id]
            if poll.kind == "date":
                item.update({a: answered[a] for a in DATE_ANSWERS})
            else:
                item["votes"] = answered["yes"]
            if voter_lists is not None and not poll.anonymous:
                item["voters"] = voter_lists.get(option.id, [])
        items.append(item)
    data: dict[str, Any] = {
        "id": poll.id,
        "post_id": poll.post_id,
        "question": poll.question,
        "kind": poll.kind,
        "multiple": poll.multiple,
        "max_choices": poll.max_choices,
        "anonymous": poll.anonymous,
        "results": poll.results,
        "closes_at": iso(poll.closes_at),
        "closed": is_closed(poll),
        "closed_at": iso(poll.closed_at),
        "final_option_id": poll.final_option_id,
        "voters": voters,
        "results_visible": visible,
        "options": items,
    }
    if poll.kind == "date" and visible:
        data["best_option_id"] = _best_option_id(poll, options, counts)
    if viewer is not None:
        data["my_choices"] = [o.id for o in options if o.id in mine]
        if poll.kind == "date":
            data["my_answers"] = {str(o.id): mine[o.id] for o in options if o.id in mine}
        data["can_vote"] = not is_closed(poll) and viewer.active
        data["can_manage"] = can_manage(viewer, poll, post)
    return data


def results(viewer: User, poll: Poll, *, post: Post | None = None) -> dict[str, Any]:
    """The poll as ``viewer`` sees it: options, counts per option (date polls: yes / maybe /
    no per slot and ``best_option_id``) and, for named polls, voters per option — counts and
    voters only when :func:`results_visible_to` allows; always ``voters`` (how many) and the
    viewer's own ``my_choices`` (and ``my_answers`` for date polls)."""
    post = post or db.session.get(Post, poll.post_id)
    options, counts, voters, mine = _load(viewer, [poll])
    voter_lists = None
    if not poll.anonymous and results_visible_to(viewer, poll, post, bool(mine[poll.id])):
        voter_lists = _voters_by_option(poll)
    return _poll_dict(
        viewer, poll, post, options[poll.id], counts, voters[poll.id], mine[poll.id], voter_lists
    )


def polls_for_posts(viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """The attachment loader of ``poll`` posts: ``{post_id: poll}`` in five queries for a
    whole page (no voter lists in feeds; the poll's own endpoint has them)."""
    by_post = {p.id: p for p in posts}
    polls = list(db.session.scalars(select(Poll).where(Poll.post_id.in_(by_post))))
    options, counts, voters, mine = _load(viewer, polls)
    return {
        poll.post_id: _poll_dict(
            viewer,
            poll,
            by_post[poll.post_id],
            options[poll.id],
            counts,
            voters[poll.id],
            mine[poll.id],
        )
        for poll in polls
    }


attachments.register("poll", polls_for_posts)


# --- creating ----------------------------------------------------------------------------


def _check_bool(data: dict[str, Any], field: str) -> bool:
    value = data.get(field, False)
    if not isinstance(value, bool):
        raise ValidationFailed(f"{field} must be true or false.", fields={field: "not_boolean"})
    return value


def check_datetime(value: Any, field: str) -> datetime:
    """An ISO 8601 date-time within the usual bounds, as naive UTC to the second."""
    parsed = parse_datetime(value, field)
    if parsed is None:
        raise ValidationFailed(
            f"'{field}' must be an ISO 8601 date and time.", fields={field: "not_datetime"}
        )
    return parsed.replace(microsecond=0)


def _check_list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationFailed(f"{field} must be a list.", fields={field: "not_list"})
    if len(value) < MIN_OPTIONS:
        raise ValidationFailed(
            f"A poll needs at least {MIN_OPTIONS} {field}.", fields={field: "too_few"}
        )
    if len(value) > MAX_OPTIONS:
        raise ValidationFailed(
            f"A poll has at most {MAX_OPTIONS} {field}.", fields={field: "too_many"}
        )
    return value


def _check_options(value: Any) -> list[str]:
    texts = [
        check_text(v, "options", max_len=OPTION_MAX_CHARS) for v in _check_list(value, "options")
    ]
    if len({fold(t) for t in texts}) != len(texts):  # "Café" and "cafe" are one option
        raise ValidationFailed("Options must all differ.", fields={"options": "duplicate"})
    return texts


def _check_slots(value: Any, now: datetime) -> list[datetime]:
    slots = [check_datetime(v, "slots") for v in _check_list(value, "slots")]
    if any(slot <= now for slot in slots):
        raise ValidationFailed("Slots must be in the future.", fields={"slots": "past"})
    if len(set(slots)) != len(slots):
        raise ValidationFailed("Slots must all differ.", fields={"slots": "duplicate"})
    return sorted(slots)


def _check_max_choices(data: dict[str, Any], multiple: bool, n_options: int) -> int | None:
    value = data.get("max_choices")
    if value is None:
        return None
    if not multiple:
        raise ValidationFailed(
            "max_choices applies to multiple-choice polls only.",
            fields={"max_choices": "not_allowed"},
        )
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= n_options:
        raise ValidationFailed(
            f"max_choices must be between 1 and the number of options ({n_options}).",
            fields={"max_choices": "out_of_range"},
        )
    return value


def _slot_label(slot: datetime) -> str:
    return slot.strftime("%Y-%m-%d %H:%M UTC")


def do_create_poll(user: User, data: Any) -> Post:
    """Create a poll post from ``{"question", "options" | "slots", "kind", "multiple",
    "max_choices", "anonymous", "closes_at", "results", "group_id"}`` and publish
    ``post.created`` to its audience. Everything is validated before anything is written.

    :raise ValidationFailed: unknown fields, bad or duplicate options/slots, 2–20 of them,
        slots or ``closes_at`` not in the future, ``max_choices`` without ``multiple`` or
        out of range, an unknown or invisible group.
    :raise TooLarge: a question or option too long.
    :raise Forbidden: not a member of the group, or the group is archived.
    """
    data = check_known_fields(data, CREATE_FIELDS)
    now = utcnow()
    question = check_text(data.get("question"), "question", max_len=QUESTION_MAX_CHARS)
    kind = data.get("kind", "choice")
    if kind not in POLL_KINDS:
        raise ValidationFailed("kind must be 'choice' or 'date'.", fields={"kind": "unknown"})
    results_rule = data.get("results", "always")
    if results_rule not in RESULTS_VISIBILITY:
        raise ValidationFailed(
            "results must be 'always', 'after_vote' or 'after_close'.",
            fields={"results": "unknown"},
        )
    multiple = _check_bool(data, "multiple")
    anonymous = _check_bool(data, "anonymous")
    slots: list[datetime] = []
    if kind == "date":
        if "options" in data:
            raise ValidationFailed(
                "A date poll has slots, not options.", fields={"options": "not_allowed"}
            )
        if multiple or data.get("max_choices") is not None:
            raise ValidationFailed(
                "A date poll is answered per slot: no multiple or max_choices.",
                fields={"multiple": "not_allowed"},
            )
        slots = _check_slots(data.get("slots"), now)
        texts = [_slot_label(s) for s in slots]
    else:
        if "slots" in data:
            raise ValidationFailed("Only date polls have slots.", fields={"slots": "not_allowed"})
        texts = _check_options(data.get("options"))
    max_choices = _check_max_choices(data, multiple, len(texts))
    closes_at = None
    if data.get("closes_at") is not None:
        closes_at = check_datetime(data["closes_at"], "closes_at")
        if closes_at <= now:
            raise ValidationFailed("closes_at must be in the future.", fields={"closes_at": "past"})
    group_id = check_group_for_posting(user, data.get("group_id"))
    option_fields = {f"options[{i}]": t for i, t in enumerate(texts)} if kind == "choice" else {}
    screening = screening_gate.check_writing(user, {"question": question, **option_fields})
    question = screening.texts["question"]
    texts = [screening.texts.get(f"options[{i}]", t) for i, t in enumerate(texts)]

    post = Post(
        author_id=user.id, author=user, group_id=group_id, kind="poll", body="", body_html=""
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


def _first(loaded, poll_id: int) -> tuple[list[PollOption], Any, int, dict[int, str]]:
    options, counts, voters, mine = loaded
    return options[poll_id], counts, voters[poll_id], mine[poll_id]


# --- voting ------------------------------------------------------------------------------


def _check_open(poll: Poll, post: Post) -> None:
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if is_closed(poll):
        raise Conflict("This poll is closed.")


def _check_option_ids(value: Any, valid: set[int], field: str) -> list[int]:
    if not isinstance(value, list) or not value:
        raise ValidationFailed("Choose at least one option.", fields={field: "empty"})
    if len(value) > len(valid):
        raise ValidationFailed("Too many choices.", fields={field: "too_many"})
    for option_id in value:
        if isinstance(option_id, bool) or not isinstance(option_id, int):
            raise ValidationFailed("Option ids are integers.", fields={field: "not_id"})
    if len(set(value)) != len(value):
        raise ValidationFailed("An option is chosen twice.", fields={field: "duplicate"})
    if not set(value) <= valid:
        raise ValidationFailed("Not an option of this poll.", fields={field: "unknown_option"})
    return value


def _check_choices(poll: Poll, valid: set[int], data: dict[str, Any]) -> dict[int, str]:
    """``{option_id: answer}`` for the ballot, from the vote body of this poll's kind."""
    if poll.kind == "date":
        data = check_known_fields(data, {"answers"})
        answers = data.get("answers")
        if not isinstance(answers, dict) or not answers:
            raise ValidationFailed(
                "Answer yes, maybe or no for at least one slot.", fields={"answers": "empty"}
            )
        if len(answers) > len(valid):
            raise ValidationFailed("Too many answers.", fields={"answers": "too_many"})
        choices: dict[int, str] = {}
        for key, answer in answers.items():
            option_id = int(key) if isinstance(key, str) and key.isdigit() else None
            if option_id is None or option_id > MAX_ID or option_id not in valid:
                raise ValidationFailed(
                    "Not a slot of this poll.", fields={"answers": "unknown_option"}
                )
            if answer not in DATE_ANSWERS:
                raise ValidationFailed(
                    "Each answer is 'yes', 'maybe' or 'no'.", fields={"answers": "unknown"}
                )
            if option_id in choices:
                raise ValidationFailed("A slot is answered twice.", fields={"answers": "duplicate"})
            choices[option_id] = answer
        return choices
    data = check_known_fields(data, {"option_ids"})
    option_ids = _check_option_ids(data.get("option_ids"), valid, "option_ids")
    limit = (poll.max_choices or len(valid)) if poll.multiple else 1
    if len(option_ids) > limit:
        raise ValidationFailed(
            f"Choose at most {limit} option{'s' if limit > 1 else ''}.",
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
        raise ValidationFailed("The request body must be a JSON object.")
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
        raise Forbidden("Only the poll's author or a community manager can close it.")
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
        raise Forbidden("Only the poll's author picks the final slot.")
    if policy.is_read_only(post):
        raise Forbidden(policy.READ_ONLY_REFUSAL)
    if poll.kind != "date":
        raise ValidationFailed("Only date polls have a final slot.", fields={"kind": "not_date"})
    is_id = isinstance(option_id, int) and not isinstance(option_id, bool)
    option = db.session.get(PollOption, option_id) if is_id and 1 <= option_id <= MAX_ID else None
    if option is None or option.poll_id != poll.id:
        raise ValidationFailed("Not a slot of this poll.", fields={"option_id": "unknown_option"})
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
    )
    return poll


def _publish_update(poll: Poll, post: Post) -> None:
    """``poll.updated`` to the post's room, read after :func:`lock_event_log`. Counts go
    only when everyone may see them; otherwise clients re-fetch their own view. Never ids
    of voters."""
    lock_event_log()
    options, counts, voters, _mine = _load(None, [poll])
    data: dict[str, Any] = {
        "poll_id": poll.id,
        "post_id": poll.post_id,
        "voters": voters[poll.id],
        "closed": is_closed(poll),
        "final_option_id": poll.final_option_id,
    }
    if _results_public(poll):
        data["poll"] = _poll_dict(None, poll, post, options[poll.id], counts, voters[poll.id], {})
    publish("poll.updated", data, room=policy.room_for_post(post), post_id=post.id)


# --- export ------------------------------------------------------------------------------


def export_csv(user: User, poll_id: int) -> str:
    """``results.csv`` for the author and community managers: one row per option with its
    counts and, for named polls only, the voters' names.

    :raise NotFound: missing or invisible. :raise Forbidden: anyone else.
    :raise Conflict: results are not visible yet (``after_close`` and still open).
    """
    poll = access_poll(user, poll_id)
    post = db.session.get(Post, poll.post_id)
    if not can_manage(user, poll, post):
        raise Forbidden("Only the poll's author or a community manager can export results.")
    if not results_visible_to(user, poll, post, voted=False):
        raise Conflict("Results are available once the poll closes.")
    options, counts, _voters, _mine = _load(None, [poll])
    names: dict[int, list[str]] = {}
    if not poll.anonymous:
        names = {
            option_id: [
                f"{v['display_name']}{' (' + v['answer'] + ')' if 'answer' in v else ''}"
                for v in entries
            ]
            for option_id, entries in _voters_by_option(poll).items()
        }
    header = ["option", "starts_at", *DATE_ANSWERS] if poll.kind == "date" else ["option", "votes"]
    if not poll.anonymous:
        header.append("voters")
    rows = []
    for option in options[poll.id]:
        answered = counts[option.id]
        if poll.kind == "date":
            row: list[Any] = [option.text, iso(option.starts_at)]
            row += [answered[a] for a in DATE_ANSWERS]
        else:
            row = [option.text, answered["yes"]]
        if not poll.anonymous:
            row.append("; ".join(names.get(option.id, [])))
        rows.append(row)
    return to_csv(header, rows)
