"""Posts, comments, reactions, mentions and hashtags."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .users import User


class ReactionKind(StrEnum):
    LIKE = "like"
    CELEBRATE = "celebrate"
    SUPPORT = "support"
    INSIGHTFUL = "insightful"
    FUNNY = "funny"


REACTION_KINDS: tuple[str, ...] = tuple(k.value for k in ReactionKind)


class Post(db.Model):
    """A post in the company space (``group_id`` NULL) or in a group.

    ``body`` is the author's Markdown; ``body_html`` is its sanitized rendering,
    the only form that ever reaches a page. Deletion is soft (``deleted_at``).
    """

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_author_id_id", "author_id", "id"),
        Index("ix_posts_group_id_id", "group_id", "id"),
        # pins and features are few among millions of posts: partial indexes find them
        Index(
            "ix_posts_pinned_at",
            "pinned_at",
            sqlite_where=text("pinned_at IS NOT NULL"),
            postgresql_where=text("pinned_at IS NOT NULL"),
        ),
        Index(
            "ix_posts_featured_at",
            "featured_at",
            sqlite_where=text("featured_at IS NOT NULL"),
            postgresql_where=text("featured_at IS NOT NULL"),
        ),
        # the questions lists ("waiting for an answer", oldest first) walk only questions
        Index(
            "ix_posts_questions_id",
            "id",
            sqlite_where=text("kind = 'question'"),
            postgresql_where=text("kind = 'question'"),
        ),
        CheckConstraint(
            "kind IN ('post', 'announcement', 'poll', 'kudos', 'celebration', 'question', 'event',"
            " 'synthesis', 'pain_point', 'feedback')",
            name="kind_known",
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="post")
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: A post the system wrote (a celebration by the daily job): ``{"kind", "params"}``,
    #: worded in each reader's language when read (``system_text.render_post``);
    #: ``body`` then holds the company language's wording (search, fallback).
    system: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    comments_enabled: Mapped[bool] = mapped_column(default=True)
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: A :class:`~.moderation.ModerationState` value; only "published" posts reach others.
    moderation_state: Mapped[str] = mapped_column(
        String(16), default="published", server_default="published"
    )
    moderated_at: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Pinned at the top of its space: the company feed, or its group's feed.
    pinned_at: Mapped[datetime | None]
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Featured by a community manager (the "Featured" strip of the home page).
    featured_at: Mapped[datetime | None]
    #: Questions (``kind`` "question"): the comment chosen as the best answer, and when.
    #: It counts only while that comment is published and not deleted (see
    #: ``services.questions``); deleting it clears both. ``use_alter``: comments point
    #: back at posts, so this constraint is added once both tables exist.
    best_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="SET NULL", use_alter=True)
    )
    best_answer_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="raise_on_sql")


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_post_id_id", "post_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    #: A :class:`~.moderation.ModerationState` value, as for posts.
    moderation_state: Mapped[str] = mapped_column(
        String(16), default="published", server_default="published"
    )
    #: When its author last changed it (``PATCH /comments/{id}``).
    edited_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="raise_on_sql")


class Reaction(db.Model):
    """One reaction of one kind by one person on one post (the primary key says so)."""

    __tablename__ = "reactions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('like', 'celebrate', 'support', 'insightful', 'funny')", name="kind_known"
        ),
    )

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Mention(db.Model):
    """A person @mentioned in a post (``comment_id`` NULL) or in one of its comments."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class PostHashtag(db.Model):
    __tablename__ = "post_hashtags"
    __table_args__ = (Index("ix_post_hashtags_tag_post_id", "tag", "post_id"),)

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
