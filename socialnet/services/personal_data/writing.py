"""What the person wrote or did to content: posts and comments (deleted, hidden or held
ones too, with their state), reactions and poll ballots."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import (
    Ballot,
    BallotChoice,
    Comment,
    Poll,
    PollOption,
    Post,
    Reaction,
    User,
)
from ...serializers import iso


def posts(user: User) -> list[dict[str, Any]]:
    posts = db.session.scalars(
        select(Post).where(Post.author_id == user.id).order_by(Post.id)
    ).all()
    return [
        {
            "id": p.id,
            "kind": p.kind,
            "group_id": p.group_id,
            "title": p.title,
            "body": p.body,
            "created_at": iso(p.created_at),
            "edited_at": iso(p.edited_at),
            "deleted_at": iso(p.deleted_at),
            "moderation_state": p.moderation_state,
        }
        for p in posts
    ]


def comments(user: User) -> list[dict[str, Any]]:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    ).all()
    return [
        {
            "id": c.id,
            "post_id": c.post_id,
            "body": c.body,
            "created_at": iso(c.created_at),
            "deleted_at": iso(c.deleted_at),
            "moderation_state": c.moderation_state,
        }
        for c in comments
    ]


def reactions(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.created_at)
    ).all()
    return [{"post_id": r.post_id, "kind": r.kind, "created_at": iso(r.created_at)} for r in rows]


def ballots(user: User) -> list[dict[str, Any]]:
    ballots = db.session.execute(
        select(Ballot, Poll.post_id)
        .join(Poll, Poll.id == Ballot.poll_id)
        .where(Ballot.user_id == user.id)
        .order_by(Ballot.id)
    ).all()
    choices: dict[int, list[dict[str, Any]]] = {}
    if ballots:
        rows = db.session.execute(
            select(
                BallotChoice.ballot_id, PollOption.text, PollOption.starts_at, BallotChoice.answer
            )
            .join(PollOption, PollOption.id == BallotChoice.option_id)
            .where(BallotChoice.ballot_id.in_([b.id for b, _ in ballots]))
            .order_by(PollOption.position)
        ).all()
        for ballot_id, text, starts_at, answer in rows:
            choices.setdefault(ballot_id, []).append(
                {"option": text, "starts_at": iso(starts_at), "answer": answer}
            )
    return [
        {
            "poll_id": b.poll_id,
            "post_id": post_id,
            "choices": choices.get(b.id, []),
            "created_at": iso(b.created_at),
            "updated_at": iso(b.updated_at),
        }
        for b, post_id in ballots
    ]
