"""Lessons learned: the structure of a feedback summary.

A feedback summary *is* a post of kind ``feedback`` (its title is the post's title; its
body is the sections written out as Markdown, so the feed, search and topics read it
like any post). :class:`FeedbackSummary` keeps the sections apart, for the API and for
anyone who wants one section of many summaries. Its topics are the post's hashtags.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: The sections of a feedback summary, in the order they are written.
FEEDBACK_SECTIONS: tuple[str, ...] = (
    "context",
    "what_worked",
    "what_did_not",
    "lessons",
    "next_steps",
)


class FeedbackSummary(db.Model):
    """The sections of one ``feedback`` post (each may be empty but ``lessons``)."""

    __tablename__ = "feedback_summaries"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    context: Mapped[str] = mapped_column(Text, default="")
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_did_not: Mapped[str] = mapped_column(Text, default="")
    lessons: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
