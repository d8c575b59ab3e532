"""Reading polls: who may see one, whose results show, the poll as each viewer sees it,
and ``poll.updated`` events (read after the vote that caused them)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import Ballot, BallotChoice, Poll, PollOption, Post, User
from ...models._time import utcnow
from ...models.polls import DATE_ANSWERS
from ...realtime.publisher import lock_event_log, publish
from ...serializers import iso, user_summary
from .. import attachments
from ..posts import access_post


def access_poll(user: User, poll_id: int) -> Poll:
    """The poll ``poll_id`` if ``user`` may see its post.

    :raise NotFound: missing, its post deleted, or in a group ``user`` cannot read.
    """
    poll = db.session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(_("No such poll."))
    try:
        access_post(user, poll.post_id)
    except NotFound:
        raise NotFound(_("No such poll.")) from None
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


def _first(loaded, poll_id: int) -> tuple[list[PollOption], Any, int, dict[int, str]]:
    options, counts, voters, mine = loaded
    return options[poll_id], counts, voters[poll_id], mine[poll_id]


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
