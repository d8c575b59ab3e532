"""Publishing a newsletter and sending its emails, through the job loop.

Publication (:func:`do_publish`) claims the issue with ``UPDATE … WHERE status =
'scheduled'`` (a second process, or a second pass, changes nothing), puts the web page up
and copies the audience as it stands then into ``newsletter_recipients`` (one ``INSERT …
SELECT``). An author who may no longer manage the issue gets it cancelled instead.

Sending (:func:`queue_due_emails`) claims recipients in batches with ``UPDATE … SET
sent_at WHERE sent_at IS NULL … RETURNING user_id``: a row is claimed once, whatever the
processes, so nobody gets an issue twice. The emails are built in each reader's language
with only the posts they may see at that moment (``reading.shown_posts``), and leave after
the job's commit (a rollback sends nothing; a failed send is logged, never retried).
People deactivated, deleted or suspended by then are not sent to, nor those who
unsubscribed (:mod:`.unsubscribe`; each email carries its one-click link, RFC 8058).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_mail import Message
from sqlalchemy import func, insert, literal, or_, select, update

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...hosts import public_url
from ...i18n import for_person
from ...models import (
    Newsletter,
    NewsletterRecipient,
    NewsletterStatus,
    User,
)
from ...models._time import utcnow
from ...realtime.publisher import after_commit
from ...serializers import user_summary
from ..digest import UnfoldedMessage, link, send_all
from ..validation import MAX_ID
from .audience import audience_ids
from .composing import access_managed
from .reading import newsletter_dict, shown_posts
from .tracking import click_token, open_token
from .unsubscribe import opted_out_ids, unsubscribe_token

#: Emails one job pass builds, at most; the next pass takes the next ones.
BATCH = 200


# -- publication -----------------------------------------------------------------------------


def _naive(now: datetime | None) -> datetime:
    """``now`` (aware, naive UTC, or None for the present) as naive UTC, like the columns."""
    if now is None:
        return utcnow()
    return now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now


def do_publish(newsletter: Newsletter, now: datetime | None = None) -> int | None:
    """Publish a scheduled issue once; returns its audience size, or None when this call
    did not publish it (taken by another pass, or cancelled: its author may no longer
    manage it)."""
    now = _naive(now)
    author = db.session.get(User, newsletter.author_id)
    allowed = author is not None and policy.can_manage_newsletter(author, newsletter)
    values: dict[str, Any] = (
        {"status": NewsletterStatus.SENDING.value, "published_at": now}
        if allowed
        else {"status": NewsletterStatus.CANCELLED.value, "cancelled_at": now}
    )
    claimed = db.session.execute(
        update(Newsletter)
        .where(
            Newsletter.id == newsletter.id,
            Newsletter.status == NewsletterStatus.SCHEDULED.value,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(newsletter)
    if claimed.rowcount != 1 or not allowed:
        return None
    people = audience_ids(
        newsletter.audience_kind, newsletter.audience_value, newsletter.group_id
    ).subquery()
    db.session.execute(
        insert(NewsletterRecipient).from_select(
            ["newsletter_id", "user_id"], select(literal(newsletter.id), people.c.id)
        )
    )
    newsletter.recipient_count = db.session.scalar(
        select(func.count()).where(NewsletterRecipient.newsletter_id == newsletter.id)
    )
    db.session.flush()
    return newsletter.recipient_count


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled issue whose time has come; returns how many."""
    now = _naive(now)
    due = db.session.scalars(
        select(Newsletter)
        .where(Newsletter.status == NewsletterStatus.SCHEDULED.value, Newsletter.publish_at <= now)
        .order_by(Newsletter.publish_at, Newsletter.id)
        .limit(20)
    ).all()
    return sum(1 for n in due if do_publish(n, now) is not None)


# -- the emails --------------------------------------------------------------------------------


def _eligible():
    """SQL on ``User``: may receive email now (active, not deleted, not suspended)."""
    now = utcnow()
    return (
        User.active.is_(True),
        User.deleted_at.is_(None),
        or_(User.suspended_until.is_(None), User.suspended_until <= now),
    )


def _pending(newsletter: Newsletter, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(NewsletterRecipient.user_id)
            .join(User, User.id == NewsletterRecipient.user_id)
            .where(
                NewsletterRecipient.newsletter_id == newsletter.id,
                NewsletterRecipient.sent_at.is_(None),
                *_eligible(),
                User.id.not_in(opted_out_ids()),
            )
            .order_by(NewsletterRecipient.user_id)
            .limit(limit)
        )
    )


def claim(newsletter: Newsletter, user_ids: list[int], now: datetime) -> list[int]:
    """Mark these recipients' emails as sent; returns those this call claimed (a row
    another pass or process claimed first is not returned)."""
    if not user_ids:
        return []
    return list(
        db.session.scalars(
            update(NewsletterRecipient)
            .where(
                NewsletterRecipient.newsletter_id == newsletter.id,
                NewsletterRecipient.user_id.in_(user_ids),
                NewsletterRecipient.sent_at.is_(None),
            )
            .values(sent_at=now)
            .returning(NewsletterRecipient.user_id)
            .execution_options(synchronize_session=False)
        )
    )


def queue_due_emails(now: datetime | None = None, limit: int = BATCH) -> int:
    """Claim and build the emails of issues being sent (at most ``limit``); they leave
    after the caller commits. Returns how many. Without a public URL nothing is claimed."""
    if not public_url(current_app.config):
        return 0
    now = _naive(now)
    messages: list[Message] = []
    sending = db.session.scalars(
        select(Newsletter)
        .where(Newsletter.status == NewsletterStatus.SENDING.value)
        .order_by(Newsletter.published_at, Newsletter.id)
    ).all()
    for newsletter in sending:
        if limit <= 0:
            break
        claimed = claim(newsletter, _pending(newsletter, limit), now)
        limit -= len(claimed)
        for user in db.session.scalars(select(User).where(User.id.in_(claimed))):
            message, shown = build_message(newsletter, user)
            db.session.execute(
                update(NewsletterRecipient)
                .where(
                    NewsletterRecipient.newsletter_id == newsletter.id,
                    NewsletterRecipient.user_id == user.id,
                )
                .values(items_sent=shown)
            )
            messages.append(message)
        if not _pending(newsletter, 1):
            newsletter.status = NewsletterStatus.SENT.value
            newsletter.sent_at = now
        db.session.flush()
    if messages:
        app = current_app._get_current_object()
        after_commit(lambda: send_all(app, messages, "newsletter"))
    return len(messages)


HREF_RE = re.compile(r'href="/')


def absolute_links(html: str) -> str:
    """Relative links of rendered Markdown (hashtags) made absolute for an email."""
    return HREF_RE.sub(f'href="{public_url(current_app.config)}/', html)


def email_context(newsletter: Newsletter, user: User, *, tracked: bool) -> dict[str, Any]:
    """What the templates need for ``user``'s copy; links tracked (a real email) or plain
    (a preview, which must count nothing)."""
    shown = shown_posts(user, newsletter)
    data = newsletter_dict(newsletter, shown)
    for section in data["sections"]:
        section["text_html"] = absolute_links(section["text_html"])
        for item in section["items"]:
            item["link"] = (
                link("newsletters.click", token=click_token(newsletter.id, user.id, item["id"]))
                if tracked
                else link("feed.post", post_id=item["post_id"])
            )
    data["intro_html"] = absolute_links(data["intro_html"])
    return {
        "newsletter": data,
        "company": current_app.config.get("COMPANY_NAME", "socialnet"),
        "web_url": link("newsletters.page", newsletter_id=newsletter.id),
        "pixel": link("newsletters.opened", token=open_token(newsletter.id, user.id))
        if tracked
        else None,
        "shown": len(shown),
        "unsubscribe": link("newsletters.unsubscribe", token=unsubscribe_token(user)),
    }


def build_message(
    newsletter: Newsletter, user: User, *, tracked: bool = True
) -> tuple[Message, int]:
    """``user``'s email of ``newsletter`` in their language, HTML and plain text, and how
    many posts it shows them."""
    with for_person(user):
        context = email_context(newsletter, user, tracked=tracked)
        subject = _(
            "%(company)s newsletter: %(title)s",
            company=context["company"],
            title=newsletter.title,
        )
        message = UnfoldedMessage(
            subject=subject,
            recipients=[user.email],
            body=render_template("email/newsletter.txt", **context),
            html=render_template("email/newsletter.html", **context),
            sender=current_app.config.get("MAIL_DEFAULT_SENDER"),
            extra_headers={
                "Auto-Submitted": "auto-generated",
                "List-Unsubscribe": f"<{context['unsubscribe']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    return message, context["shown"]


def preview(user: User, newsletter_id: int, reader_id: Any) -> dict[str, Any]:
    """The email of an issue as ``reader_id`` (default: ``user``) would receive it: their
    language, only the posts they may see now, links that count nothing.

    :raise ValidationFailed: ``fields.user_id``: ``not_in_audience`` (nobody by that id,
        inactive, or outside the issue's audience).
    """
    newsletter = access_managed(user, newsletter_id)
    reader = user if reader_id in (None, "") else _reader(reader_id)
    audience = audience_ids(
        newsletter.audience_kind, newsletter.audience_value, newsletter.group_id
    )
    in_audience = reader is not None and db.session.scalar(
        audience.where(User.id == reader.id).limit(1)
    )
    if not in_audience:
        raise ValidationFailed(
            _("This person is not in the newsletter's audience."),
            fields={"user_id": "not_in_audience"},
        )
    message, shown = build_message(newsletter, reader, tracked=False)
    return {
        "reader": user_summary(reader),
        "subject": message.subject,
        "html": message.html,
        "text": message.body,
        "items_shown": shown,
    }


def _reader(raw: Any) -> User | None:
    try:
        reader_id = int(raw)
    except (TypeError, ValueError):
        return None
    return db.session.get(User, reader_id) if 1 <= reader_id <= MAX_ID else None
