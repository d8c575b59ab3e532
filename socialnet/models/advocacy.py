"""Employee advocacy: shareable posts, each person's tracked links, opens and clicks.

A :class:`Shareable` is a company-wide post that a community manager offers for sharing
outside, with a public target (the article on the company's site) and suggested texts.
Each person who shares gets one :class:`ShareLink` per shareable and network: the public
``/s/<code>`` address, and the opaque ``campaign`` code put in ``utm_campaign``. Opening
the network's share page writes a :class:`ShareOpen`; a visitor following the public link
writes at most one :class:`ShareClick` per link, visitor and hour (the unique key says so).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .posts import Post


class Network(StrEnum):
    LINKEDIN = "linkedin"
    X = "x"
    FACEBOOK = "facebook"


NETWORKS: tuple[str, ...] = tuple(n.value for n in Network)
#: The languages a suggested text is written in.
TEXT_LANGUAGES: tuple[str, ...] = ("en", "fr")
TARGET_URL_MAX = 2000
SUGGESTED_TEXT_MAX = 600
#: Length of the public code (``/s/<code>``) and of the campaign code.
CODE_LENGTH = 12


class Shareable(db.Model):
    """A post offered for sharing (one row per post; ``withdrawn_at`` ends the offer).

    ``texts`` is ``{network: {language: text}}`` over :data:`NETWORKS` ×
    :data:`TEXT_LANGUAGES`; a missing text falls back to the other language.
    """

    __tablename__ = "shareables"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    target_url: Mapped[str] = mapped_column(String(TARGET_URL_MAX))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: No longer offered after this instant (naive UTC); NULL: until withdrawn.
    ends_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(lazy="raise_on_sql")


class ShareLink(db.Model):
    """One person's tracked link for one shareable on one network."""

    __tablename__ = "share_links"
    __table_args__ = (
        UniqueConstraint("shareable_id", "user_id", "network"),
        CheckConstraint("network IN ('linkedin', 'x', 'facebook')", name="network_known"),
        Index("ix_share_links_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shareable_id: Mapped[int] = mapped_column(ForeignKey("shareables.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    campaign: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareOpen(db.Model):
    """A person opened a network's share page for a shareable (one row per opening)."""

    __tablename__ = "share_opens"
    __table_args__ = (Index("ix_share_opens_link_id_created_at", "link_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ShareClick(db.Model):
    """A visitor followed a tracked link: at most one per link, visitor and hour.

    ``visitor`` is a keyed digest of the address (never the address itself); ``hour`` is
    the click's hour, naive UTC, truncated.
    """

    __tablename__ = "share_clicks"
    __table_args__ = (
        UniqueConstraint("link_id", "visitor", "hour"),
        Index("ix_share_clicks_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"))
    visitor: Mapped[str] = mapped_column(String(64))
    hour: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AdvocacyProfile(db.Model):
    """A person's advocacy choices: ranked on the leaderboard only when they opt in."""

    __tablename__ = "advocacy_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    leaderboard: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
