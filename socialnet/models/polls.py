"""Polls: a question with options (or date slots), and one ballot per person.

A poll is a post of kind ``poll``; the post carries its visibility, audience,
realtime and moderation like any post. The database guarantees one ballot per
person per poll (unique key), so concurrent votes cannot double-count.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

POLL_KINDS = ("choice", "date")
RESULTS_VISIBILITY = ("always", "after_vote", "after_close")
DATE_ANSWERS = ("yes", "maybe", "no")


class Poll(db.Model):
    __tablename__ = "polls"
    __table_args__ = (
        CheckConstraint("kind IN ('choice', 'date')", name="kind_known"),
        CheckConstraint("results IN ('always', 'after_vote', 'after_close')", name="results_known"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    question: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(8), default="choice")
    multiple: Mapped[bool] = mapped_column(default=False)
    max_choices: Mapped[int | None]
    anonymous: Mapped[bool] = mapped_column(default=False)
    results: Mapped[str] = mapped_column(String(16), default="always")
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The slot a date poll's author picked (an option of this poll; checked by the service).
    final_option_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PollOption(db.Model):
    """A choice, or for a date poll a time slot (``starts_at``)."""

    __tablename__ = "poll_options"
    __table_args__ = (
        UniqueConstraint("poll_id", "position"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None]


class Ballot(db.Model):
    """One person's vote on one poll (unique): replaced, never duplicated, when they re-vote.

    For an anonymous poll ``user_id`` is only used to keep one ballot per person;
    no serializer, export or event ever reveals it.
    """

    __tablename__ = "ballots"
    __table_args__ = (
        UniqueConstraint("poll_id", "user_id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BallotChoice(db.Model):
    """An option chosen on a ballot; for a date poll, with the answer yes / maybe / no."""

    __tablename__ = "ballot_choices"
    __table_args__ = (
        CheckConstraint("answer IN ('yes', 'maybe', 'no')", name="answer_known"),
        Index("ix_ballot_choices_option_id", "option_id"),
    )

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True
    )
    option_id: Mapped[int] = mapped_column(
        ForeignKey("poll_options.id", ondelete="CASCADE"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(String(8), default="yes")
