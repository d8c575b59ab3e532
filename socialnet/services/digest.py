"""The personal digest: a daily or weekly email of what a person missed.

What it tells (:func:`gather`), about the period before the one starting now:

- announcements addressed to the person, published in the period and still not
  acknowledged;
- where they were @mentioned (a post or a comment);
- the most engaging posts of their home feed (company space, their groups, posts of
  public groups on the topics they follow): reactions, plus two per comment.

Everything is read at sending time through the same policy filters the feed uses
(:func:`~socialnet.policy.home_feed_filter`, :func:`~socialnet.policy.visible_posts_filter`,
:func:`~socialnet.policy.visible_comments_filter`): a post deleted, hidden by moderation,
or in a group the person left since is not in it. Nothing to say: no email.

Once per period per person, even with several processes: the job claims the
``digest_sends`` row (unique ``(user_id, period_start)``) with ``INSERT … ON CONFLICT DO
NOTHING`` and builds the email only when its insert wrote the row; the emails leave after
the job's commit (:func:`~socialnet.realtime.publisher.after_commit`), so a rollback sends
nothing, and a send that fails is logged, not retried (at most once).

Each email speaks the person's language (their choice, else ``DEFAULT_LANGUAGE``), has an
HTML and a plain-text part, and a one-click unsubscribe (RFC 8058): a signed link that
needs no sign-in (``GET`` asks to confirm, ``POST`` does it), named by the
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email import policy as email_policy
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import gettext as _
from flask_mail import Connection, Message
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from .. import policy
from ..extensions import db, mail
from ..hosts import public_url
from ..i18n import for_person
from ..models import (
    Announcement,
    AnnouncementRecipient,
    Comment,
    DigestFrequency,
    DigestSend,
    Group,
    Mention,
    ModerationState,
    Post,
    Reaction,
    User,
)
from ..models._time import now_utc, utcnow
from ..realtime.publisher import after_commit
from .celebrations import company_tz
from .unique import insert_unless_taken
from .unsubscribe_tokens import person_for, token_for

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "socialnet.digest-unsubscribe"
#: People whose digest one job pass builds, at most: a pass stays short, and the next
#: pass (``JOBS_INTERVAL_SECONDS`` later) takes the next ones.
BATCH = 200
MAX_ANNOUNCEMENTS = 5
MAX_MENTIONS = 10
MAX_POSTS = 5
EXCERPT = 240
PERIOD_DAYS = {DigestFrequency.DAILY.value: 1, DigestFrequency.WEEKLY.value: 7}


# --- periods --------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A digest period: it starts on ``start`` (company time zone) and tells what happened
    between ``since`` and ``until`` (naive UTC), the period before."""

    frequency: str
    start: date
    since: datetime
    until: datetime


def _utc(day: date) -> datetime:
    """Midnight of ``day`` in the company's time zone, as naive UTC."""
    local = datetime.combine(day, time(0), tzinfo=company_tz())
    return local.astimezone(UTC).replace(tzinfo=None)


def current_period(frequency: str, now: datetime | None = None) -> Period:
    """The period of ``frequency`` (``daily``/``weekly``) holding ``now`` (naive = UTC)."""
    now = now or now_utc()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    today = now.astimezone(company_tz()).date()
    days = PERIOD_DAYS[frequency]
    start = today if days == 1 else today - timedelta(days=today.weekday())
    return Period(frequency, start, _utc(start - timedelta(days=days)), _utc(start))


def is_due(period: Period, now: datetime | None = None) -> bool:
    """Digests of ``period`` go out from ``DIGEST_SEND_HOUR`` (company time) of its first day."""
    now = now or now_utc()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    hour = int(current_app.config.get("DIGEST_SEND_HOUR", 7))
    opens = datetime.combine(period.start, time(hour), tzinfo=company_tz())
    return now >= opens


# --- what a person missed ---------------------------------------------------------------


@dataclass
class Digest:
    """What one person's digest tells; ``items`` counts the lines."""

    user: User
    period: Period
    announcements: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def items(self) -> int:
        return len(self.announcements) + len(self.mentions) + len(self.posts)


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def _group_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Group.id, Group.name).where(Group.id.in_(ids))).all())


def _in(column, period: Period):
    return and_(column >= period.since, column < period.until)


def _told(user: User, feed: bool = False):
    """Posts a digest may tell ``user`` about: those the feed shows them (``feed``), else any
    they may see; and published: not even their own post held or hidden by moderation."""
    visible = policy.home_feed_filter(user) if feed else policy.visible_posts_filter(user)
    return and_(visible, Post.moderation_state == ModerationState.PUBLISHED.value)


def _announcements(user: User, period: Period) -> list[tuple[Post, Announcement]]:
    return list(
        db.session.execute(
            select(Post, Announcement)
            .options(joinedload(Post.author))
            .join(Announcement, Announcement.post_id == Post.id)
            .join(
                AnnouncementRecipient,
                and_(
                    AnnouncementRecipient.announcement_id == Announcement.id,
                    AnnouncementRecipient.user_id == user.id,
                ),
            )
            .where(
                AnnouncementRecipient.acknowledged_at.is_(None),
                Announcement.cancelled_at.is_(None),
                Announcement.expires_at > utcnow(),
                _in(Announcement.published_at, period),
                _told(user),
            )
            .order_by(Announcement.published_at.desc(), Announcement.id.desc())
            .limit(MAX_ANNOUNCEMENTS)
        ).all()
    )


def _mentions(user: User, period: Period) -> list[tuple[Post, Comment | None]]:
    """Posts and comments naming ``user``, written by someone else in ``period``."""
    return list(
        db.session.execute(
            select(Post, Comment)
            .options(joinedload(Post.author))
            .join(Mention, Mention.post_id == Post.id)
            .outerjoin(Comment, Comment.id == Mention.comment_id)
            .where(
                Mention.user_id == user.id,
                _told(user),
                or_(
                    and_(
                        Mention.comment_id.is_(None),
                        Post.author_id != user.id,
                        _in(Post.created_at, period),
                    ),
                    and_(
                        policy.visible_comments_filter(user),
                        Comment.author_id != user.id,
                        _in(Comment.created_at, period),
                    ),
                ),
            )
            .order_by(Mention.id.desc())
            .limit(MAX_MENTIONS)
        ).all()
    )


def _top_posts(user: User, period: Period, skip: set[int]) -> list[tuple[Post, int, int]]:
    """The most engaging posts of ``user``'s home feed written in ``period`` by others:
    (post, reactions, score), best first; a post nobody reacted to or commented is left out."""
    reactions = (
        select(func.count()).where(Reaction.post_id == Post.id).correlate(Post).scalar_subquery()
    )
    score = reactions + 2 * Post.comment_count
    query = (
        select(Post, reactions, score)
        .options(joinedload(Post.author))
        .where(
            _told(user, feed=True),
            _in(Post.created_at, period),
            Post.author_id != user.id,
            Post.kind != "announcement",
            score > 0,
        )
        .order_by(score.desc(), Post.id.desc())
        .limit(MAX_POSTS)
    )
    if skip:
        query = query.where(Post.id.not_in(skip))
    return list(db.session.execute(query).all())


def _post_line(post: Post, groups: dict[int, str], **extra: Any) -> dict[str, Any]:
    return {
        "post_id": post.id,
        "title": post.title or "",
        "text": excerpt(post.body),
        "author": post.author.display_name,
        "group": groups.get(post.group_id) if post.group_id else None,
        "url": link("feed.post", post_id=post.id),
        **extra,
    }


def gather(user: User, period: Period) -> Digest:
    """What ``user`` missed in ``period``, as they may see it now (see the module docstring)."""
    digest = Digest(user, period)
    announced = _announcements(user, period)
    mentioned = _mentions(user, period)
    skip = {p.id for p, _a in announced} | {p.id for p, _c in mentioned}
    top = _top_posts(user, period, skip)
    posts = [p for p, _a in announced] + [p for p, _c in mentioned] + [p for p, _r, _s in top]
    groups = _group_names({p.group_id for p in posts if p.group_id})
    digest.announcements = [
        _post_line(post, groups, title=announcement.title) for post, announcement in announced
    ]
    digest.mentions = [
        _post_line(
            post,
            groups,
            text=excerpt(comment.body if comment else post.body),
            in_comment=comment is not None,
        )
        for post, comment in mentioned
    ]
    digest.posts = [
        _post_line(post, groups, reactions=reactions, comments=post.comment_count)
        for post, reactions, _score in top
    ]
    return digest


# --- links and the unsubscribe token ----------------------------------------------------


def link(endpoint: str, **values: Any) -> str:
    """An absolute link on the public URL, built without a request (the job has none)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return (public_url(current_app.config) or "") + path


def unsubscribe_token(user: User) -> str:
    """A token that turns ``user``'s digest off; it names them and nobody else."""
    return token_for(user, UNSUBSCRIBE_SALT)


def access_unsubscribe(token: Any) -> User:
    """The person a digest unsubscribe token was made for (:func:`person_for`)."""
    return person_for(token, UNSUBSCRIBE_SALT)


def do_unsubscribe(token: Any) -> User:
    """Turn off the digest of the token's person (again is fine). :raise: see above."""
    user = access_unsubscribe(token)
    user.digest = DigestFrequency.OFF.value
    db.session.flush()
    return user


# --- the email --------------------------------------------------------------------------


class UnfoldedMessage(Message):
    """Flask-Mail's message, its headers sent as written up to RFC 5322's 998 characters.

    Flask-Mail serializes with the SMTP policy (78 columns), which turns a header it
    cannot fold at a space (the ``List-Unsubscribe`` URL) into RFC 2047 encoded words,
    which mail clients do not read as a URL.
    """

    def _message(self):
        message = super()._message()
        message.policy = email_policy.SMTP.clone(max_line_length=998)
        return message


def digest_message(digest: Digest) -> Message:
    """The email of ``digest``, in its person's language, HTML and plain text."""
    user = digest.user
    unsubscribe = link("digest.unsubscribe", token=unsubscribe_token(user))
    company = current_app.config.get("COMPANY_NAME", "socialnet")
    with for_person(user):
        context = {
            "digest": digest,
            "company": company,
            "since": _local_day(digest.period.since),
            "unsubscribe": unsubscribe,
            "preferences": link("recognition.preferences"),
            "daily": digest.period.frequency == DigestFrequency.DAILY.value,
        }
        if context["daily"]:
            subject = _("Your day on %(company)s: what you missed", company=company)
        else:
            subject = _("Your week on %(company)s: what you missed", company=company)
        return UnfoldedMessage(
            subject=subject,
            recipients=[user.email],
            body=render_template("email/digest.txt", **context),
            html=render_template("email/digest.html", **context),
            sender=current_app.config.get("MAIL_DEFAULT_SENDER"),
            extra_headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
            },
        )


def _local_day(moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(company_tz()).date()


# --- the job ----------------------------------------------------------------------------


def may_receive(user: User, now: datetime | None = None) -> bool:
    """``user`` gets digests at all: active, not deleted, not suspended (the Python twin of
    :func:`_recipients`' conditions; the frequency aside)."""
    now = now or utcnow()
    return user.active and user.deleted_at is None and not user.is_suspended(now)


def _recipients(period: Period, limit: int) -> list[User]:
    """Active people on ``period``'s frequency whose digest of that period is not claimed
    (:func:`may_receive`, in SQL)."""
    now = utcnow()
    claimed = select(DigestSend.user_id).where(DigestSend.period_start == period.start)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.deleted_at.is_(None),
                or_(User.suspended_until.is_(None), User.suspended_until <= now),
                User.digest == period.frequency,
                User.id.not_in(claimed),
            )
            .order_by(User.id)
            .limit(limit)
        )
    )


def claim(user: User, period: Period) -> DigestSend | None:
    """The row that makes ``user``'s digest of ``period`` ours to send; None when another
    pass or process already has it."""
    values = {
        "user_id": user.id,
        "period_start": period.start,
        "frequency": period.frequency,
        "item_count": 0,
        "created_at": utcnow(),
    }
    return insert_unless_taken(DigestSend, values, ["user_id", "period_start"])


def queue_due_digests(now: datetime | None = None, limit: int = BATCH) -> int:
    """Claim and build the digests due at ``now`` (at most ``limit``); they are sent after
    the caller commits. Returns how many emails will leave. Without a public URL (no link
    could be built) nothing is claimed."""
    if not public_url(current_app.config):
        return 0
    messages: list[Message] = []
    for frequency in PERIOD_DAYS:
        period = current_period(frequency, now)
        if not is_due(period, now):
            continue
        for user in _recipients(period, limit):
            row = claim(user, period)
            if row is None:
                continue
            digest = gather(user, period)
            row.item_count = digest.items
            if digest.items:
                messages.append(digest_message(digest))
            limit -= 1
        db.session.flush()
    if messages:
        app = current_app._get_current_object()
        after_commit(lambda: send_all(app, messages))
    return len(messages)


def send_all(app: Flask, messages: list[Message], what: str = "digest") -> None:
    """Send ``messages`` over one SMTP connection; each failure is logged, the rest go on.
    ``what`` names them in the log (the newsletters send theirs this way too)."""
    with app.app_context():
        try:
            state = mail.init_mail(app.config, app.debug, app.testing)
            with Connection(state) as connection:
                for message in messages:
                    try:
                        connection.send(message)
                    except Exception:
                        log.exception("could not send the %s to %s", what, message.recipients)
        except Exception:  # the mail server down must not take the job pass with it
            log.exception("could not send %d %s emails", len(messages), what)
