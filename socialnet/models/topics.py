"""Topics: every hashtag is a topic; a row exists once someone describes, merges or
follows it (created lazily), and a follow is one row per person and tag."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: The width of a topic key: that of ``post_hashtags.tag``.
TOPIC_TAG_MAX = 64
#: The longest description a community manager may give a topic.
TOPIC_DESCRIPTION_MAX = 500


class Topic(db.Model):
    """A hashtag's page data. ``tag`` is the folded key (``text_keys.fold``), as in
    ``post_hashtags.tag``. ``merged_into``: this tag is an alias of another one — its posts
    and followers were moved there, and later posts using it land there too."""

    __tablename__ = "topics"
    __table_args__ = (
        CheckConstraint("merged_into IS NULL OR merged_into <> tag", name="not_self"),
    )

    tag: Mapped[str] = mapped_column(String(TOPIC_TAG_MAX), primary_key=True)
    description: Mapped[str | None] = mapped_column(String(TOPIC_DESCRIPTION_MAX))
    merged_into: Mapped[str | None] = mapped_column(
        String(TOPIC_TAG_MAX), ForeignKey("topics.tag", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicFollow(db.Model):
    """``user_id`` follows ``tag`` (a folded key; the topic row need not exist)."""

    __tablename__ = "topic_follows"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(TOPIC_TAG_MAX), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
