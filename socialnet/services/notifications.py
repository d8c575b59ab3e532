"""Notifications: who is told what, the notification centre, read state and mutes.

Other services call :func:`do_notify` (a few named people: mentions, replies,
reactions, join requests…) or :func:`do_notify_many` (a whole audience given
as SQL: announcements). Both skip the actor, inactive people, people who muted
the type and, for a post, anyone who may not read it; both publish
``notification.created`` to ``user:<recipient id>`` with the recipient's new
``unread_count``. Like every service they flush and never commit.

Visibility (``policy.notifications``) is checked twice: when notifying (a mention in a private group
notifies nobody outside it) and again whenever notifications are read, so a
notification whose post was deleted, or whose group turned private or lost
the reader, silently leaves the list and the unread count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    Text,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from .. import policy, system_text
from ..built_once import built_once
from ..errors import ValidationFailed
from ..extensions import db
from ..i18n import for_person
from ..models import (
    NOTIFICATION_TYPES,
    Comment,
    Group,
    Notification,
    NotificationMute,
    NotificationType,
    Post,
    User,
)
from ..models._time import utcnow
from ..pagination import decode_cursor, encode_cursor
from ..realtime.publisher import lock_event_log, publish_many
from ..serializers import notification_dict
from .validation import MAX_ID

EVENT_TYPE = "notification.created"
#: Types whose unread row on one post stands for several people ("Zoé and 4 others").
GROUPED_TYPES = (NotificationType.REACTED.value, NotificationType.REPLIED.value)
#: Types whose preview is an excerpt of their post (others name a comment, or none).
POST_PREVIEW_TYPES = (
    NotificationType.MENTIONED.value,
    NotificationType.GROUP_MENTIONED.value,
    NotificationType.REACTED.value,
    NotificationType.KUDOS.value,
    NotificationType.BEST_ANSWER.value,
)
#: Most ids one "mark read" call may name; the client marks what it shows.
MAX_READ_IDS = 500
#: A notification's actor, built once (an ORM alias of ``User`` costs ~1.7 ms to build);
#: catch-up's replay of notifications joins it too.
ACTOR = aliased(User, name="actor")


def _check_type(type: str) -> str:
    """A programming error, not user input: services pass NotificationType values."""
    if type not in NOTIFICATION_TYPES:
        raise ValueError(f"unknown notification type {type!r}")
    return type


def _room(user_id: int) -> str:
    return f"user:{user_id}"


# --- who may be notified ---------------------------------------------------------------


def _eligible(
    recipient_ids: Iterable[int], type: str, actor: User | None, post: Post | None
) -> list[int]:
    """``recipient_ids`` without duplicates, the actor, inactive and muting people, and —
    for a post — people who may not see it. One query whatever the number; order is kept."""
    ids = list(dict.fromkeys(recipient_ids))
    if actor is not None:
        ids = [uid for uid in ids if uid != actor.id]
    if not ids or (post is not None and post.deleted_at is not None):
        return []
    query = select(User.id).where(User.id.in_(ids), *_reachable(type, post))
    wanted = set(db.session.scalars(query))
    return [uid for uid in ids if uid in wanted]


@built_once
def _post_visible_to_person() -> ColumnElement[bool]:
    """``policy.post_visible_to_row`` for the ``User`` of each row, built once (~1 ms)."""
    return policy.post_visible_to_row(User.id)


def _reachable(type: str, post: Post | None) -> list[ColumnElement[bool]]:
    """Conditions on ``User`` for people who may be told about ``type`` (on ``post``)."""
    conditions: list[ColumnElement[bool]] = [
        User.active.is_(True),
        ~exists().where(NotificationMute.user_id == User.id, NotificationMute.type == type),
    ]
    if post is not None:
        conditions.append(
            exists(select(Post.id).where(Post.id == post.id, _post_visible_to_person()))
        )
    return conditions


def _unread_counts(user_ids: Sequence[int] | Select) -> dict[int, int]:
    """Unread, still-visible notifications of each of ``user_ids`` (a list or a SELECT of
    ids), in one grouped query. People with none are absent from the result."""
    rows = db.session.execute(
        select(Notification.user_id, func.count())
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(
            Notification.user_id.in_(user_ids),
            Notification.read_at.is_(None),
            policy.visible_notifications_to_row(),
        )
        .group_by(Notification.user_id)
    )
    return {user_id: count for user_id, count in rows}


def _publish(
    rows: list[Notification], actor: User | None, group: Group | None, post: Post | None
) -> None:
    """One ``notification.created`` per row, worded in its recipient's language. The
    unread counts are read under the event log's lock: two notifications to one person
    at once cannot both report the same count."""
    lock_event_log()
    counts = _unread_counts([n.user_id for n in rows])
    recipients = _languages([n.user_id for n in rows])
    # The same words for everyone told (none of them wrote them): one lookup.
    preview = previews([(rows[0], post)], rows[0].user_id).get(rows[0].id) if rows else None
    events = []
    for n in rows:
        with for_person(recipients.get(n.user_id)):
            data = notification_dict(n, actor, group, preview)
        data["unread_count"] = counts.get(n.user_id, 0)
        events.append((EVENT_TYPE, data, _room(n.user_id), n.post_id, n.group_id))
    publish_many(events)


def _languages(user_ids: Sequence[int] | Select) -> dict[int, User]:
    """Stand-ins carrying each person's chosen language, for ``for_person`` (one query)."""
    rows = db.session.execute(select(User.id, User.language).where(User.id.in_(user_ids)))
    return {uid: SimpleNamespace(language=language) for uid, language in rows}


def previews(
    pairs: Sequence[tuple[Notification, Post | None]], reader_id: int
) -> dict[int, str | None]:
    """``{notification id: excerpt}`` of the words each notification is about, among what
    ``reader_id`` may read: the comment it names (still there and published, else
    nothing), else its post's title or text. One query for all the comments."""
    comment_ids = {
        n.params["comment_id"]
        for n, _post in pairs
        if n.params and isinstance(n.params.get("comment_id"), int)
    }
    comments: dict[int, str] = {}
    if comment_ids:
        comments = dict(
            db.session.execute(
                select(Comment.id, Comment.body).where(
                    Comment.id.in_(comment_ids),
                    Comment.deleted_at.is_(None),
                    policy.moderation_allows(
                        Comment.moderation_state, Comment.author_id, reader_id
                    ),
                )
            ).all()
        )
    found: dict[int, str | None] = {}
    for n, post in pairs:
        comment_id = (n.params or {}).get("comment_id")
        if comment_id is not None:
            found[n.id] = system_text.preview(comments.get(comment_id))
        elif post is not None and n.type in POST_PREVIEW_TYPES:
            found[n.id] = system_text.preview(post.title or post.body)
    return found


# --- notifying -------------------------------------------------------------------------


def do_notify(
    recipient_ids: Iterable[int],
    type: str,
    *,
    actor: User | None,
    post: Post | None = None,
    group: Group | None = None,
    text: str = "",
    params: dict[str, Any] | None = None,
) -> list[Notification]:
    """Notify each of ``recipient_ids`` that ``actor`` did ``type`` (on ``post`` / ``group``).

    Skipped: the actor, duplicates, inactive people, people who muted ``type``, and —
    when ``post`` is given — anyone who may not read it (nobody at all if it is deleted).
    ``params`` is what happened as data (``system_text`` words it when read; ``text``
    is the company language's wording, kept as a fallback).

    ``reacted`` and ``replied`` on a post are grouped: a recipient's unread row of that
    type for that post gets ``count + 1``, the new actor, the new ``params`` (the latest
    comment) and a fresh ``created_at`` instead of a new row (the same actor again only
    refreshes it). The caller serializes concurrent reactions
    with ``lock_event_log`` (as :func:`~.reactions.do_set_reaction` does), so two
    reactions cannot both create the row.

    Publishes ``notification.created`` (the notification plus ``unread_count``) to
    ``user:<id>`` for each row created or updated. A bounded number of queries
    whatever the number of recipients, plus one event row each. Flushes.

    :raise ValueError: ``type`` is not a :class:`NotificationType`.
    :return: the rows created or updated, in recipient order.
    """
    _check_type(type)
    ids = _eligible(recipient_ids, type, actor, post)
    if not ids:
        return []
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    grouped: dict[int, Notification] = {}
    if type in GROUPED_TYPES and post is not None:
        grouped = _unread_grouped_rows(ids, type, post.id)
    rows: list[Notification] = []
    for uid in ids:
        row = grouped.get(uid)
        if row is None:
            row = Notification(
                user_id=uid,
                type=type,
                actor_id=actor_id,
                post_id=post.id if post is not None else None,
                group_id=group.id if group is not None else None,
                count=1,
                text=text,
                params=params,
                created_at=now,
            )
            db.session.add(row)
        else:
            if row.actor_id != actor_id:
                row.count += 1
                row.actor_id = actor_id
            row.created_at = now
            row.text, row.params = text, params
        rows.append(row)
    db.session.flush()
    _publish(rows, actor, group, post)
    return rows


def _unread_grouped_rows(user_ids: list[int], type: str, post_id: int) -> dict[int, Notification]:
    """Each recipient's unread ``type`` row for ``post_id`` (the newest, should a race
    ever have made two)."""
    rows = db.session.scalars(
        select(Notification)
        .where(
            Notification.user_id.in_(user_ids),
            Notification.type == type,
            Notification.post_id == post_id,
            Notification.read_at.is_(None),
        )
        .order_by(Notification.id)
    )
    return {n.user_id: n for n in rows}


def do_notify_many(
    user_ids_select: Select,
    type: str,
    *,
    actor: User | None,
    post: Post | None = None,
    group: Group | None = None,
    text: str = "",
    params: dict[str, Any] | None = None,
) -> int:
    """Notify a large audience, given as a SELECT of one column of user ids.

    One ``INSERT … SELECT`` in the database, with the same exclusions as
    :func:`do_notify` (actor, inactive, muted, cannot read ``post``), no grouping.
    Then one grouped query for the unread counts and one ``notification.created``
    event per recipient, written in one multi-row INSERT. Flushes.

    :raise ValueError: ``type`` is not a :class:`NotificationType`.
    :return: how many people were notified.
    """
    _check_type(type)
    if post is not None and post.deleted_at is not None:
        return 0
    conditions = [User.id.in_(user_ids_select), *_reachable(type, post)]
    if actor is not None:
        conditions.append(User.id != actor.id)
    now = utcnow()
    template = Notification(
        type=type,
        actor_id=actor.id if actor is not None else None,
        post_id=post.id if post is not None else None,
        group_id=group.id if group is not None else None,
        count=1,
        text=text,
        params=params,
        created_at=now,
    )
    source = select(
        User.id,
        literal(template.type, String),
        literal(template.actor_id, Integer),
        literal(template.post_id, Integer),
        literal(template.group_id, Integer),
        literal(1, Integer),
        literal(text, Text),
        literal(params, JSON(none_as_null=True)),
        literal(now, DateTime),
    ).where(*conditions)
    columns = [
        "user_id", "type", "actor_id", "post_id", "group_id", "count", "text", "params",
        "created_at",
    ]  # fmt: skip
    created = db.session.execute(
        insert(Notification)
        .from_select(columns, source)
        .returning(Notification.id, Notification.user_id)
    ).all()
    if not created:
        return 0
    lock_event_log()  # the counts the events carry, serialized with other notifications
    counts = _unread_counts(select(User.id).where(*conditions))
    recipients = _languages(select(User.id).where(*conditions))
    bases: dict[str | None, dict[str, Any]] = {}  # one wording per language
    for person in recipients.values():
        if person.language not in bases:
            with for_person(person):
                bases[person.language] = notification_dict(template, actor, group)
    publish_many(
        [
            (
                EVENT_TYPE,
                {
                    **bases[recipients[user_id].language],
                    "id": notification_id,
                    "unread_count": counts.get(user_id, 1),
                },
                _room(user_id),
                template.post_id,
                template.group_id,
            )
            for notification_id, user_id in sorted(created)
        ]
    )
    return len(created)


# --- reading ---------------------------------------------------------------------------


def check_unread_flag(raw: str | None) -> bool:
    """The ``unread`` query parameter: absent, ``0``/``false`` or ``1``/``true``."""
    if raw in (None, "", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise ValidationFailed(_("unread must be 1 or 0."), fields={"unread": "invalid"})


def list_notifications(
    user: User, cursor: str | None, limit: int, unread_only: bool = False
) -> tuple[list[dict[str, Any]], str | None]:
    """``user``'s notifications that are still visible, newest first (keyset by id).

    Three joined tables, one query. Cursors are bound to the user and to the
    unread/all choice.

    :raise ValidationFailed: a forged cursor or one from another list.
    """
    scope = f"notifications:{user.id}" + (":unread" if unread_only else "")
    before_id = decode_cursor(scope, cursor)
    query = (
        select(Notification, ACTOR, Group, Post)
        .outerjoin(Post, Post.id == Notification.post_id)
        .outerjoin(ACTOR, ACTOR.id == Notification.actor_id)
        .outerjoin(Group, Group.id == Notification.group_id)
        .where(Notification.user_id == user.id, policy.visible_notifications_filter(user))
        .order_by(Notification.id.desc())
        .limit(limit + 1)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    rows = db.session.execute(query).all()
    next_cursor = encode_cursor(scope, rows[limit - 1][0].id) if len(rows) > limit else None
    rows = rows[:limit]
    found = previews([(n, p) for n, _a, _g, p in rows], user.id)
    return [notification_dict(n, a, g, found.get(n.id)) for n, a, g, _p in rows], next_cursor


def unread_count(user: User) -> int:
    """How many of ``user``'s still-visible notifications are unread."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            policy.visible_notifications_filter(user),
        )
    )


# --- read state ------------------------------------------------------------------------


def check_read_request(data: Any) -> list[int] | None:
    """``{"ids": [id, …]}`` (at most :data:`MAX_READ_IDS`) or ``{"all": true}``;
    returns the ids, or None for all.

    :raise ValidationFailed: anything else.
    """
    if not isinstance(data, dict) or set(data) not in ({"ids"}, {"all"}):
        raise ValidationFailed(_('Send {"ids": [id, …]} or {"all": true}.'))
    if "all" in data:
        if data["all"] is not True:
            raise ValidationFailed(_('"all" must be true.'), fields={"all": "not_true"})
        return None
    ids = data["ids"]
    if not isinstance(ids, list) or len(ids) > MAX_READ_IDS:
        raise ValidationFailed(
            _("ids must be a list of at most %(max)s ids.", max=MAX_READ_IDS),
            fields={"ids": "not_list"},
        )
    if any(isinstance(i, bool) or not isinstance(i, int) or not 1 <= i <= MAX_ID for i in ids):
        raise ValidationFailed(_("ids must be positive integer ids."), fields={"ids": "not_id"})
    return ids


def do_mark_read(user: User, ids: list[int] | None) -> int:
    """Mark ``user``'s unread notifications read: those of ``ids``, or all (None).

    Ids of other people's notifications (or unknown ones) are ignored, never touched.
    :return: how many changed.
    """
    if ids is not None and not ids:
        return 0
    statement = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    result = db.session.execute(statement.values(read_at=utcnow()))
    db.session.flush()
    return result.rowcount


# --- mutes -----------------------------------------------------------------------------


def muted_types(user: User) -> list[str]:
    """The types ``user`` muted, in :data:`NOTIFICATION_TYPES` order."""
    muted = set(
        db.session.scalars(select(NotificationMute.type).where(NotificationMute.user_id == user.id))
    )
    return [t for t in NOTIFICATION_TYPES if t in muted]


def check_mute_types(value: Any) -> list[str]:
    """A list of known notification types (duplicates allowed, dropped).

    :raise ValidationFailed: not a list, or an unknown type.
    """
    if not isinstance(value, list):
        raise ValidationFailed(
            _("muted must be a list of notification types."), fields={"muted": "not_list"}
        )
    unknown = [t for t in value if not isinstance(t, str) or t not in NOTIFICATION_TYPES]
    if unknown:
        raise ValidationFailed(
            _(
                "Unknown notification type(s): use %(values)s.",
                values=", ".join(NOTIFICATION_TYPES),
            ),
            fields={"muted": "unknown_type"},
        )
    if NotificationType.MODERATION.value in value:
        # the person must hear of a decision about them: it is what they may appeal
        raise ValidationFailed(
            _("Moderation notices cannot be muted."), fields={"muted": "not_mutable"}
        )
    return list(dict.fromkeys(value))


def do_set_muted(user: User, types: Any) -> list[str]:
    """Replace ``user``'s muted types with ``types``; returns them as :func:`muted_types` does.

    Inserts with ``ON CONFLICT DO NOTHING`` so two concurrent saves cannot collide
    on the primary key.

    :raise ValidationFailed: see :func:`check_mute_types`; nothing is written then.
    """
    wanted = check_mute_types(types)
    db.session.execute(
        delete(NotificationMute).where(
            NotificationMute.user_id == user.id, NotificationMute.type.not_in(wanted)
        )
    )
    if wanted:
        dialect = db.session.get_bind().dialect.name
        dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(
            dialect_insert(NotificationMute)
            .values([{"user_id": user.id, "type": t} for t in wanted])
            .on_conflict_do_nothing()
        )
    db.session.flush()
    return muted_types(user)
