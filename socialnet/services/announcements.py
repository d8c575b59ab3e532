"""Top-down announcements: who may send to whom, publication, read receipts, reach, reminders.

An announcement is materialized when published: a titled post (kind
``announcement``) is created and its audience is copied into
``announcement_recipients`` with one INSERT … SELECT, so reach figures are
COUNTs in the database. It stays pinned at the top of each recipient's feed
until they mark it read or it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, insert, literal, select, tuple_, update
from sqlalchemy.orm import joinedload

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    AUDIENCE_KINDS,
    Announcement,
    AnnouncementRecipient,
    Group,
    GroupMembership,
    Post,
    User,
)
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor, is_name_key
from ..realtime.presence import enter_room_for_users
from ..realtime.publisher import after_commit, publish
from ..serializers import announcement_dict, post_dict, user_summary
from . import audit
from . import screening as screening_gate
from .content import render_body
from .feed import serialize_posts_for
from .notifications import do_notify_many
from .validation import check_known_fields, check_optional_id, check_text, parse_datetime

FIELDS = {"title", "body", "audience", "expires_in_days", "publish_at", "comments_enabled"}
MIN_DAYS, MAX_DAYS = 1, 14
PINNED_MAX = 5
#: A publish_at this far in the past is taken as "now" (clock skew, slow typing).
PAST_TOLERANCE = timedelta(minutes=2)


# -- audience ------------------------------------------------------------------------------


def reporting_line_ids(manager: User) -> Select:
    """SQL SELECT of everyone under ``manager`` through the manager chain (recursive CTE)."""
    line = select(User.id).where(User.manager_id == manager.id).cte("line", recursive=True)
    line = line.union(select(User.id).join(line, User.manager_id == line.c.id))
    return select(line.c.id)


def audience_ids(announcement: Announcement) -> Select:
    """SQL SELECT of the active people an announcement addresses (its sender excluded)."""
    kind = announcement.audience_kind
    query = select(User.id).where(User.active.is_(True), User.id != announcement.sender_id)
    if kind == "reports":
        sender = db.session.get(User, announcement.sender_id)
        return query.where(User.id.in_(reporting_line_ids(sender)))
    if kind == "site":
        return query.where(User.site == announcement.audience_value)
    if kind == "department":
        return query.where(User.department == announcement.audience_value)
    if kind == "group":
        members = select(GroupMembership.user_id).where(
            GroupMembership.group_id == announcement.group_id
        )
        return query.where(User.id.in_(members))
    return query


def _check_audience(sender: User, raw: Any) -> tuple[str, str, Group | None]:
    if not isinstance(raw, dict) or raw.get("kind") not in AUDIENCE_KINDS:
        raise ValidationFailed(
            _(
                'audience must be {"kind": one of %(kinds)s, "value": …}.',
                kinds=", ".join(AUDIENCE_KINDS),
            ),
            fields={"audience": "invalid"},
        )
    check_known_fields(raw, {"kind", "value"})
    kind, value = raw["kind"], raw.get("value")
    group = None
    if kind == "group":
        group_id = check_optional_id(value, "audience.value")
        group = db.session.get(Group, group_id) if group_id else None
        if not policy.can_see_group(sender, group):
            raise ValidationFailed(_("No such group."), fields={"audience": "unknown_group"})
    if not policy.can_announce_to(sender, kind, group):
        raise Forbidden(_refusal(kind))
    if kind in ("site", "department"):
        value = check_text(value, "audience.value", max_len=120)
        column = User.site if kind == "site" else User.department
        exists = db.session.scalar(select(User.id).where(column == value, User.active).limit(1))
        if exists is None:
            raise ValidationFailed(
                _("Nobody works in the %(kind)s %(value)s.", kind=kind, value=repr(value)),
                fields={"audience": f"unknown_{kind}"},
            )
        return kind, value, None
    if kind == "reports":
        first = db.session.scalar(select(User.id).where(User.manager_id == sender.id).limit(1))
        if first is None:
            raise Forbidden(_("You have no reports to announce to."))
    return kind, "", group


def _refusal(kind: str) -> str:
    if kind == "group":
        return _("Only the group's admins and community managers can announce to a group.")
    return _(
        "Only community managers and admins can announce to the company, a site or a department."
    )


def _check_days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_DAYS <= value <= MAX_DAYS:
        raise ValidationFailed(
            _(
                "expires_in_days must be a whole number from %(low)d to %(high)d.",
                low=MIN_DAYS,
                high=MAX_DAYS,
            ),
            fields={"expires_in_days": "out_of_range"},
        )
    return value


def _check_publish_at(value: Any, now: datetime) -> datetime:
    if value is None:
        return now
    parsed = parse_datetime(value, "publish_at")
    if parsed is None:
        raise ValidationFailed(
            _("'publish_at' must be an ISO 8601 date and time."), fields={"publish_at": "invalid"}
        )
    if parsed < now - PAST_TOLERANCE:
        raise ValidationFailed(
            _("publish_at is in the past: leave it out to publish now."),
            fields={"publish_at": "past"},
        )
    if parsed > now + timedelta(days=365):
        raise ValidationFailed(
            _("publish_at is more than a year away."), fields={"publish_at": "too_far"}
        )
    return max(parsed, now)


# -- sending -------------------------------------------------------------------------------


def do_create_announcement(sender: User, data: Any) -> Announcement:
    """Create an announcement; publish it now unless ``publish_at`` is in the future."""
    data = check_known_fields(data, FIELDS)
    now = utcnow()
    kind, value, group = _check_audience(sender, data.get("audience"))
    comments_enabled = data.get("comments_enabled", True)
    if not isinstance(comments_enabled, bool):
        raise ValidationFailed(
            _("comments_enabled must be true or false."), fields={"comments_enabled": "not_bool"}
        )
    publish_at = _check_publish_at(data.get("publish_at"), now)
    screening = screening_gate.check_writing(
        sender,
        {
            "title": check_text(data.get("title"), "title", max_len=200),
            "body": check_text(data.get("body"), "body", max_len=10_000, multiline=True),
        },
    )
    announcement = Announcement(
        sender_id=sender.id,
        title=screening.texts["title"],
        body=screening.texts["body"],
        audience_kind=kind,
        audience_value=value,
        group_id=group.id if group else None,
        publish_at=publish_at,
        expires_at=publish_at + timedelta(days=_check_days(data.get("expires_in_days"))),
        comments_enabled=comments_enabled,
    )
    db.session.add(announcement)
    db.session.flush()
    if publish_at <= now:
        do_publish(announcement)
    if announcement.post_id is not None:
        # top-down news is not held back: words that would hold or flag a post flag it
        screening_gate.flag_post(db.session.get(Post, announcement.post_id), screening)
    return announcement


def do_publish(announcement: Announcement) -> int | None:
    """Publish once: create the post, copy the audience, notify, emit. Returns the audience size.

    Returns None when this call did not publish it: already published or
    cancelled, or cancelled now because its sender may no longer send it.
    """
    now = utcnow()
    sender = db.session.get(User, announcement.sender_id)
    allowed = _sender_still_allowed(sender, announcement)
    # Claim it: for publication, or — scheduled by someone who has since lost the right
    # (deactivated, demoted, no longer a group admin) — for cancellation, never sent in
    # their name. The guard makes a second call (another process, a job run twice) a no-op.
    claimed = db.session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement.id,
            Announcement.published_at.is_(None),
            Announcement.cancelled_at.is_(None),
        )
        .values(published_at=now if allowed else None, cancelled_at=None if allowed else now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1 or not allowed:
        db.session.refresh(announcement)
        return None
    announcement.published_at = now
    rendered = render_body(announcement.body)
    post = Post(
        author=sender,
        group_id=announcement.group_id,
        kind="announcement",
        title=announcement.title,
        body=announcement.body,
        body_html=rendered.html,
        comments_enabled=announcement.comments_enabled,
        created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    announcement.post_id = post.id
    recipients = audience_ids(announcement)
    db.session.execute(
        insert(AnnouncementRecipient).from_select(
            ["announcement_id", "user_id"],
            select(literal(announcement.id), recipients.subquery().c.id),
        )
    )
    db.session.flush()
    size = _count_recipients(announcement.id)
    audit.record(
        sender,
        "announcement.sent",
        "announcement",
        announcement.id,
        after={
            "title": announcement.title,
            "audience": announcement.audience_kind,
            "recipients": size,
            "post_id": post.id,
        },
    )
    do_notify_many(
        select(AnnouncementRecipient.user_id).where(
            AnnouncementRecipient.announcement_id == announcement.id
        ),
        "announcement",
        actor=sender,
        post=post,
        text=announcement.title,
    )
    room = policy.announcement_room(announcement)
    data = {"announcement": announcement_dict(announcement), "post": post_dict(post)}
    publish("announcement.created", data, room=room, post_id=post.id)
    if room.startswith("announcement:"):
        ids = list(
            db.session.scalars(
                select(AnnouncementRecipient.user_id).where(
                    AnnouncementRecipient.announcement_id == announcement.id
                )
            )
        )
        sender = db.session.get(User, announcement.sender_id)
        if policy.can_see_post(sender, post):  # not a CM outside the private group
            ids.append(sender.id)
        after_commit(lambda: enter_room_for_users(ids, room), before_emits=True)
    return size


def _sender_still_allowed(sender: User | None, announcement: Announcement) -> bool:
    return sender is not None and policy.sender_may_send_again(sender, announcement)


def publish_due(now: datetime | None = None) -> int:
    """Publish every scheduled announcement whose time has come; returns how many."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Announcement)
        .where(
            Announcement.published_at.is_(None),
            Announcement.cancelled_at.is_(None),
            Announcement.publish_at <= now,
        )
        .order_by(Announcement.publish_at, Announcement.id)
        .limit(100)
    ).all()
    published = 0
    for announcement in due:
        if do_publish(announcement) is not None:  # not cancelled, not taken by another process
            published += 1
    return published


# -- reading -------------------------------------------------------------------------------


def _recipient_row(user: User, announcement_id: int) -> AnnouncementRecipient | None:
    return db.session.get(AnnouncementRecipient, (announcement_id, user.id))


def access_announcement(user: User, announcement_id: int) -> Announcement:
    """The announcement if ``user`` may read it (:func:`policy.can_read_announcement`).

    :raise NotFound: missing, or not ``user``'s to read (a sender who no longer sees the
        audience included).
    """
    announcement = db.session.get(Announcement, announcement_id)
    if announcement is None or not policy.can_read_announcement(user, announcement):
        raise NotFound(_("No such announcement."))
    return announcement


def describe(user: User, announcement: Announcement) -> dict[str, Any]:
    row = _recipient_row(user, announcement.id)
    return announcement_dict(announcement, acknowledged_at=row.acknowledged_at if row else None)


def do_acknowledge(user: User, announcement_id: int) -> Announcement:
    """Mark an announcement read (idempotent). Only its recipients may."""
    announcement = access_announcement(user, announcement_id)
    row = _recipient_row(user, announcement.id)
    if row is None:
        raise Forbidden(_("This announcement is not addressed to you."))
    if row.acknowledged_at is None:
        row.acknowledged_at = utcnow()
        db.session.flush()
    return announcement


def _count_recipients(announcement_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(AnnouncementRecipient.announcement_id == announcement_id)
    )


def reach(user: User, announcement_id: int, cursor: str | None, limit: int) -> dict[str, Any]:
    """Audience size, read count and rate (COUNTs in SQL), and a page of who has not read."""
    announcement = access_announcement(user, announcement_id)
    if not policy.can_see_reach(user, announcement):
        raise Forbidden(_("Only the sender and community managers see an announcement's reach."))
    recipients = AnnouncementRecipient.announcement_id == announcement.id
    audience, read = db.session.execute(
        select(func.count(), func.count(AnnouncementRecipient.acknowledged_at)).where(recipients)
    ).one()
    name_key = User.name_key
    pending = (
        select(User, name_key)
        .join(AnnouncementRecipient, AnnouncementRecipient.user_id == User.id)
        .where(recipients, AnnouncementRecipient.acknowledged_at.is_(None))
        .order_by(name_key, User.id)
        .limit(limit + 1)
    )
    scope = f"reach:{announcement.id}"
    after = decode_cursor(scope, cursor, valid_key=is_name_key)
    if after is not None:
        pending = pending.where(tuple_(name_key, User.id) > tuple_(*after))
    rows = db.session.execute(pending).all()
    next_cursor = None
    if len(rows) > limit:
        last, last_key = rows[limit - 1]
        next_cursor = encode_cursor(scope, [last_key, last.id])
    return {
        "announcement": describe(user, announcement),
        "audience": audience,
        "read": read,
        "rate": round(read / audience, 4) if audience else 0.0,
        "not_read": [user_summary(u) for u, _k in rows[:limit]],
        "next_cursor": next_cursor,
    }


def do_remind(user: User, announcement_id: int) -> int:
    """Notify, once, every recipient who has not read it yet; returns how many."""
    announcement = access_announcement(user, announcement_id)
    if not policy.can_remind(user, announcement):
        raise Forbidden(
            _(
                "Only community managers and a sender who may still announce to this "
                "audience can send a reminder."
            )
        )
    if announcement.published_at is None:
        raise Conflict(_("This announcement is not published yet."))
    now = utcnow()
    claimed = db.session.execute(  # claimed atomically: of two concurrent reminders, one wins
        update(Announcement)
        .where(Announcement.id == announcement.id, Announcement.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_("A reminder was already sent for this announcement."))
    announcement.reminded_at = now
    post = db.session.get(Post, announcement.post_id)
    return do_notify_many(
        select(AnnouncementRecipient.user_id).where(
            AnnouncementRecipient.announcement_id == announcement.id,
            AnnouncementRecipient.acknowledged_at.is_(None),
        ),
        "announcement",
        actor=user,
        post=post,
        text=f"Reminder: {announcement.title}",
        params={"reminder": True, "title": announcement.title},
    )


def pinned_for(user: User) -> list[dict[str, Any]]:
    """Unread, unexpired announcements for ``user``: newest first, at most a few."""
    now = utcnow()
    rows = db.session.execute(
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
            Announcement.expires_at > now,
            policy.visible_posts_filter(user),
        )
        .order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .limit(PINNED_MAX)
    ).all()
    if not rows:
        return []
    posts = serialize_posts_for(user, [post for post, _a in rows])
    return [
        {**post, "announcement": announcement_dict(announcement)}
        for post, (_p, announcement) in zip(posts, rows, strict=True)
    ]
