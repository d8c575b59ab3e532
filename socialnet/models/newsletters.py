"""Newsletters (issue #18): an issue composed from feed content, sent by email to an
audience, published as a web page, and its reach (opens, clicks per item)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow


class NewsletterStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    SENT = "sent"
    CANCELLED = "cancelled"


NEWSLETTER_STATUSES: tuple[str, ...] = tuple(s.value for s in NewsletterStatus)
#: Who a newsletter may go to (a subset of the announcements' audiences: no reporting line).
NEWSLETTER_AUDIENCES: tuple[str, ...] = ("company", "site", "department", "group")


class Newsletter(db.Model):
    """One issue. ``draft`` → ``scheduled`` (``publish_at`` set) → ``sending`` (published:
    the web page is up, its audience copied into :class:`NewsletterRecipient`) → ``sent``
    (every email claimed). ``cancelled`` only before publication."""

    __tablename__ = "newsletters"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')",
            name="status_known",
        ),
        CheckConstraint(
            "audience_kind IN ('company', 'site', 'department', 'group')",
            name="audience_kind_known",
        ),
        Index("ix_newsletters_status_publish_at", "status", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_html: Mapped[str] = mapped_column(Text, default="")
    audience_kind: Mapped[str] = mapped_column(String(16))
    audience_value: Mapped[str] = mapped_column(String(120), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=NewsletterStatus.DRAFT.value)
    publish_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    recipient_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    sections: Mapped[list[NewsletterSection]] = relationship(
        order_by="NewsletterSection.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class NewsletterSection(db.Model):
    """A section: a heading, a text (Markdown, rendered when saved) and its items."""

    __tablename__ = "newsletter_sections"
    __table_args__ = (UniqueConstraint("newsletter_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    newsletter_id: Mapped[int] = mapped_column(ForeignKey("newsletters.id", ondelete="CASCADE"))
    position: Mapped[int]
    heading: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str] = mapped_column(Text, default="")

    items: Mapped[list[NewsletterItem]] = relationship(
        order_by="NewsletterItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class NewsletterItem(db.Model):
    """A post of the feed shown in a section; the unit whose clicks are counted. The post
    may be deleted later (``post_id`` NULL): the item then shows to nobody."""

    __tablename__ = "newsletter_items"
    __table_args__ = (UniqueConstraint("newsletter_id", "post_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    newsletter_id: Mapped[int] = mapped_column(ForeignKey("newsletters.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_sections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("posts.id", ondelete="SET NULL"), index=True
    )


class NewsletterRecipient(db.Model):
    """One addressee of a published issue. ``sent_at`` is the claim that makes their email
    go out once (set by ``UPDATE … WHERE sent_at IS NULL``); ``opened_at`` the first open
    (the image, or a click), ``open_count`` every open."""

    __tablename__ = "newsletter_recipients"
    __table_args__ = (Index("ix_newsletter_recipients_user_id", "user_id", "newsletter_id"),)

    newsletter_id: Mapped[int] = mapped_column(
        ForeignKey("newsletters.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime | None]
    items_sent: Mapped[int] = mapped_column(default=0)
    opened_at: Mapped[datetime | None]
    open_count: Mapped[int] = mapped_column(default=0)


class NewsletterClick(db.Model):
    """A recipient's clicks on one item: first click and count (unique per person and item)."""

    __tablename__ = "newsletter_clicks"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("newsletter_items.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    newsletter_id: Mapped[int] = mapped_column(
        ForeignKey("newsletters.id", ondelete="CASCADE"), index=True
    )
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    count: Mapped[int] = mapped_column(default=1)


class NewsletterOptOut(db.Model):
    """A person who unsubscribed from the newsletters' emails (RFC 8058 one-click link):
    the issues stay readable on the site; no more email is sent to them."""

    __tablename__ = "newsletter_opt_outs"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
