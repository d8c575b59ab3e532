"""Kudos: public thanks to one to ten colleagues for a company value, and the leaderboard.

A kudos is a post of kind ``kudos`` (company space or a group, with the usual
posting rules and visibility) plus a :class:`~socialnet.models.Kudos` row and its
recipients. Everything read about kudos — a profile's counts, the leaderboard,
feed items — goes through :func:`policy.visible_posts_filter` on that post, so a
kudos given in a private group is counted and shown only to readers of the group.

Company values are managed by admins; deactivating one keeps past kudos intact.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import aliased

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import (
    CompanyValue,
    Kudos,
    KudosRecipient,
    ModerationState,
    NotificationType,
    Post,
    User,
)
from ..models.recognition import NAME_MAX
from ..realtime.publisher import publish
from ..serializers import company_value_dict, kudos_dict, post_dict, user_summary
from ..text_keys import KEY_WIDTH_FACTOR, bounded, fold
from . import attachments, notifications
from . import screening as screening_gate
from .accounts import access_user
from .posts import _store_body, check_group_for_posting
from .unique import flush_unless_taken, insert_unless_taken
from .validation import check_known_fields, check_optional_id, check_text, parse_date

MAX_RECIPIENTS = 10
MAX_MESSAGE = 1000
RECENT_KUDOS = 20
LEADERBOARD_SIZE = 10
PERIODS = ("month", "quarter")
PREFERENCES = ("leaderboard_opt_out", "celebrate_birthday")


# --- company values --------------------------------------------------------------------


def list_values(user: User) -> list[dict[str, Any]]:
    """Active values, by name, for everyone; admins also see deactivated ones."""
    query = select(CompanyValue).order_by(CompanyValue.name_key)
    if not policy.is_admin(user):
        query = query.where(CompanyValue.active.is_(True))
    return [company_value_dict(v) for v in db.session.scalars(query)]


def _check_admin(user: User) -> None:
    if not policy.is_admin(user):
        raise Forbidden(_("Only administrators manage company values."))


def _value_taken() -> Conflict:
    return Conflict(
        _("A value with this name exists (names differing only by case or accents are the same)."),
        fields={"name": "taken"},
    )


def _check_value_name(raw: Any) -> tuple[str, str]:
    """The name and its key. :raise ValidationFailed: empty, too long."""
    name = check_text(raw, "name", max_len=NAME_MAX)
    return name, bounded(name, "name", NAME_MAX * KEY_WIDTH_FACTOR)


def _name_taken(key: str, value_id: int | None) -> bool:
    query = select(CompanyValue.id).where(CompanyValue.name_key == key)
    return db.session.scalar(query.where(CompanyValue.id != value_id).limit(1)) is not None


def _apply_value_fields(value: CompanyValue, data: dict[str, Any]) -> None:
    if "name" in data:
        name, key = _check_value_name(data["name"])
        if _name_taken(key, value.id):  # the friendly early answer; the unique index decides
            raise _value_taken()
        value.name = name
    if "description" in data:
        value.description = check_text(
            data["description"], "description", max_len=300, required=False
        )
    if "emoji" in data:
        value.emoji = check_text(data["emoji"], "emoji", max_len=16, required=False)
    if "active" in data:
        if not isinstance(data["active"], bool):
            raise ValidationFailed(
                _("active must be true or false."), fields={"active": "not_bool"}
            )
        value.active = data["active"]


def do_create_value(user: User, data: Any) -> CompanyValue:
    """Create a value from ``{"name", "description"?, "emoji"?}`` (admins only).

    :raise Forbidden: not an admin. :raise Conflict: a value's name has the same
        :func:`~socialnet.text_keys.fold` key ("equipe" for "Équipe"); nothing is written.
    """
    _check_admin(user)
    data = check_known_fields(data, {"name", "description", "emoji"})
    if "name" not in data:
        raise ValidationFailed(_("name is required."), fields={"name": "missing"})
    name, key = _check_value_name(data["name"])
    draft = CompanyValue(description="", emoji="", active=True)
    _apply_value_fields(draft, {k: v for k, v in data.items() if k != "name"})
    row = {"name": name, "name_key": key, "description": draft.description, "emoji": draft.emoji}
    value = insert_unless_taken(CompanyValue, {**row, "active": True}, ["name_key"])
    if value is None:
        raise _value_taken()
    return value


def do_update_value(user: User, value_id: int, data: Any) -> CompanyValue:
    """Rename, describe, deactivate (``"active": false``) or reactivate a value (admins only)."""
    _check_admin(user)
    data = check_known_fields(data, {"name", "description", "emoji", "active"})
    value = db.session.get(CompanyValue, value_id)
    if value is None:
        raise NotFound(_("No such value."))
    _apply_value_fields(value, data)
    flush_unless_taken("name_key", _value_taken())
    return value


def check_value(raw: Any) -> CompanyValue:
    """An active value given by name (any case or accents: its fold key) or id.

    :raise ValidationFailed: unknown or deactivated (``fields.value = "unknown"``).
    """
    value = None
    if isinstance(raw, str) and raw.strip():
        value = db.session.scalar(select(CompanyValue).where(CompanyValue.name_key == fold(raw)))
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = db.session.get(CompanyValue, raw) if 1 <= raw <= 2**31 - 1 else None
    if value is None or not value.active:
        raise ValidationFailed(
            _("Choose one of the company's values."), fields={"value": "unknown"}
        )
    return value


# --- giving kudos -----------------------------------------------------------------------


def check_recipients(giver: User, raw: Any, group_id: int | None) -> list[User]:
    """One to ten distinct, active colleagues other than ``giver`` who may read the group.

    :raise ValidationFailed: with ``fields.recipient_ids`` = ``missing``, ``too_many``,
        ``self``, ``unknown`` (missing or deactivated) or ``not_member``.
    """
    field = "recipient_ids"
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(_("Name one to ten colleagues."), fields={field: "missing"})
    ids = [check_optional_id(uid, field) for uid in raw]
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_RECIPIENTS:
        raise ValidationFailed(
            ngettext(
                "Kudos go to %(num)d person at most.",
                "Kudos go to %(num)d people at most.",
                MAX_RECIPIENTS,
            ),
            fields={field: "too_many"},
        )
    if giver.id in ids:
        raise ValidationFailed(_("You cannot give kudos to yourself."), fields={field: "self"})
    users = {
        u.id: u
        for u in db.session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))
    }
    if len(users) != len(ids):
        raise ValidationFailed(_("Kudos go to active colleagues only."), fields={field: "unknown"})
    if set(policy.readers_among(ids, group_id)) != set(ids):
        raise ValidationFailed(
            _("Everyone you thank must be able to read the group."), fields={field: "not_member"}
        )
    return [users[uid] for uid in ids]


def _kudos_markdown(recipients: list[User], value: CompanyValue, message: str) -> str:
    names = ", ".join(f"@{u.handle}" for u in recipients)
    badge = f"{value.emoji} {value.name}".strip()
    return f"**Kudos** to {names} — *{badge}*\n\n{message}"


def do_give_kudos(giver: User, data: Any, *, draft: bool = False) -> tuple[Kudos, Post]:
    """Thank ``{"recipient_ids", "message", "value", "group_id"?}`` publicly.

    Creates the ``kudos`` post (posting rules of :func:`check_group_for_posting`),
    the kudos and recipient rows, notifies the recipients (``kudos``) and publishes
    ``kudos.created`` ``{"kudos", "post"}`` to the post's room. Validates everything
    before writing anything. Flushes.

    :raise ValidationFailed: bad recipients, value or message; unknown group.
    :raise Forbidden: not a member of the group, or the group is archived.

    ``draft``: an editorial item's draft (kudos for a team, written ahead), kept in the
    ``draft`` state: its author alone sees it, nobody is notified, no leaderboard or
    profile counts it, until ``services.editorial.drafts`` publishes it as new kudos.
    """
    data = check_known_fields(data, {"recipient_ids", "message", "value", "group_id"})
    group_id = check_group_for_posting(giver, data.get("group_id"))
    recipients = check_recipients(giver, data.get("recipient_ids"), group_id)
    value = check_value(data.get("value"))
    message = check_text(data.get("message"), "message", max_len=MAX_MESSAGE, multiline=True)
    screening = screening_gate.check_writing(giver, {"message": message})
    message = screening.texts["message"]
    post = Post(
        author_id=giver.id,
        author=giver,
        group_id=group_id,
        kind="kudos",
        body="",
        body_html="",
        moderation_state=ModerationState.DRAFT.value if draft else ModerationState.PUBLISHED.value,
    )
    db.session.add(post)
    db.session.flush()
    _store_body(post, _kudos_markdown(recipients, value, message))
    kudos = Kudos(post_id=post.id, giver_id=giver.id, value_id=value.id, message=message)
    db.session.add(kudos)
    db.session.flush()
    db.session.add_all(KudosRecipient(kudos_id=kudos.id, user_id=u.id) for u in recipients)
    db.session.flush()
    screening_gate.settle_post(giver, post, screening)
    data_out = {
        "kudos": kudos_dict(kudos, value=value, giver=giver, recipients=recipients),
        "post": post_dict(post),
    }
    publish("kudos.created", data_out, room=policy.room_for_post(post), post_id=post.id)
    notifications.do_notify(
        [u.id for u in recipients], NotificationType.KUDOS, actor=giver, post=post, text=value.name
    )
    return kudos, post


def describe_kudos(kudos: Kudos, post: Post) -> dict[str, Any]:
    """The answer of ``POST /kudos``: the kudos and its post."""
    recipients = list(
        db.session.scalars(
            select(User)
            .join(KudosRecipient, KudosRecipient.user_id == User.id)
            .where(KudosRecipient.kudos_id == kudos.id)
            .order_by(User.id)
        )
    )
    value = db.session.get(CompanyValue, kudos.value_id)
    giver = db.session.get(User, kudos.giver_id)
    return {
        "kudos": kudos_dict(kudos, value=value, giver=giver, recipients=recipients),
        "post": post_dict(post),
    }


def _kudos_by_post(kudos_rows: list[tuple[Kudos, CompanyValue, User]]) -> dict[int, dict]:
    """Serialize ``(kudos, value, giver)`` rows with their recipients: one more query."""
    ids = [k.id for k, _v, _g in kudos_rows]
    recipients: dict[int, list[User]] = {kid: [] for kid in ids}
    if ids:
        rows = db.session.execute(
            select(KudosRecipient.kudos_id, User)
            .join(User, User.id == KudosRecipient.user_id)
            .where(KudosRecipient.kudos_id.in_(ids))
            .order_by(KudosRecipient.kudos_id, User.id)
        )
        for kudos_id, user in rows:
            recipients[kudos_id].append(user)
    return {
        k.post_id: kudos_dict(k, value=v, giver=g, recipients=recipients[k.id])
        for k, v, g in kudos_rows
    }


#: The giver of a kudos, built once (an ORM alias of ``User`` costs ~1.7 ms to build).
_GIVER = aliased(User, name="giver")


def _with_value_and_giver():
    return (
        select(Kudos, CompanyValue, _GIVER)
        .join(CompanyValue, CompanyValue.id == Kudos.value_id)
        .join(_GIVER, _GIVER.id == Kudos.giver_id)
    )


def load_for_posts(viewer: User, posts: list[Post]) -> dict[int, dict[str, Any]]:
    """Feed attachment loader: ``{post_id: kudos}`` for a page's kudos posts, two queries."""
    ids = [p.id for p in posts]
    rows = list(db.session.execute(_with_value_and_giver().where(Kudos.post_id.in_(ids))))
    return _kudos_by_post([tuple(r) for r in rows])


attachments.register("kudos", load_for_posts)


# --- reading: a profile, the leaderboard ------------------------------------------------


def kudos_received(viewer: User, user_id: int) -> dict[str, Any]:
    """What ``viewer`` may see of the kudos ``user_id`` received: total, counts per value,
    and the most recent ones — only kudos whose post ``viewer`` may see count (never an
    editorial draft, not even for its author).

    :raise NotFound: no such person.
    """
    person = access_user(user_id, viewer)
    received = (
        select(Kudos.id)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(Post, Post.id == Kudos.post_id)
        .where(
            KudosRecipient.user_id == person.id,
            policy.visible_posts_filter(viewer),
            policy.NOT_A_DRAFT,
        )
    )
    counts = db.session.execute(
        select(CompanyValue, func.count(Kudos.id))
        .join(Kudos, Kudos.value_id == CompanyValue.id)
        .where(Kudos.id.in_(received))
        .group_by(CompanyValue.id)
        .order_by(func.count(Kudos.id).desc(), CompanyValue.name)
    ).all()
    recent_rows = db.session.execute(
        _with_value_and_giver()
        .where(Kudos.id.in_(received))
        .order_by(Kudos.id.desc())
        .limit(RECENT_KUDOS)
    ).all()
    recent = _kudos_by_post([tuple(r) for r in recent_rows])
    return {
        "user": user_summary(person),
        "total": sum(n for _v, n in counts),
        "by_value": [{"value": company_value_dict(v), "count": n} for v, n in counts],
        "recent": list(recent.values()),
    }


def period_bounds(period: str, at: date, tz) -> tuple[date, date, datetime, datetime]:
    """The month or quarter holding ``at``: first day, first day after, and those two
    midnights in the company time zone ``tz`` as naive UTC (how ``created_at`` is stored)."""
    first_month = at.month if period == "month" else 3 * ((at.month - 1) // 3) + 1
    start = date(at.year, first_month, 1)
    months = 1 if period == "month" else 3
    end_month = first_month + months
    end = date(at.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)

    def utc(day: date) -> datetime:
        local = datetime(day.year, day.month, day.day, tzinfo=tz)
        return local.astimezone(UTC).replace(tzinfo=None)

    return start, end, utc(start), utc(end)


def _leaderboard_condition(
    viewer: User, since: datetime, until: datetime, group_id: int | None
) -> ColumnElement[bool]:
    condition = (
        policy.visible_posts_filter(viewer)
        & policy.NOT_A_DRAFT
        & (Kudos.created_at >= since)
        & (Kudos.created_at < until)
    )
    if group_id is not None:
        condition = condition & (Post.group_id == group_id)
    return condition


def _ranked(rows) -> list[dict[str, Any]]:
    return [{"user": user_summary(u), "count": n} for u, n in rows]


def leaderboard(
    viewer: User, period: str | None, at: str | None, group_id: Any = None
) -> dict[str, Any]:
    """Top receivers, top givers and per-value counts (with each value's top receivers)
    for a month or quarter, in SQL aggregates. People who opted out, or are inactive,
    are left out of the rankings; kudos whose post ``viewer`` cannot see count nowhere.

    :raise Forbidden: ``viewer`` is not a community manager or admin.
    :raise ValidationFailed: bad ``period``, ``at`` or ``group_id``.
    """
    from .celebrations import company_today, company_tz

    if not policy.is_moderator(viewer):
        raise Forbidden(_("The kudos leaderboard is for community managers."))
    period = period or "month"
    if period not in PERIODS:
        raise ValidationFailed(_("period is month or quarter."), fields={"period": "unknown"})
    day = parse_date(at, "at") or company_today()
    if group_id is not None:
        group_id = _check_group_param(viewer, group_id)
    start, end, since, until = period_bounds(period, day, company_tz())
    condition = _leaderboard_condition(viewer, since, until, group_id)
    ranked = (User.active.is_(True), User.leaderboard_opt_out.is_(False))
    count = func.count(Kudos.id.distinct())
    receivers = (
        select(User, count)
        .join(KudosRecipient, KudosRecipient.user_id == User.id)
        .join(Kudos, Kudos.id == KudosRecipient.kudos_id)
        .join(Post, Post.id == Kudos.post_id)
        .where(condition, *ranked)
        .group_by(User.id)
        .order_by(count.desc(), User.id)
        .limit(LEADERBOARD_SIZE)
    )
    givers = (
        select(User, count)
        .join(Kudos, Kudos.giver_id == User.id)
        .join(Post, Post.id == Kudos.post_id)
        .where(condition, *ranked)
        .group_by(User.id)
        .order_by(count.desc(), User.id)
        .limit(LEADERBOARD_SIZE)
    )
    return {
        "period": period,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "group_id": group_id,
        "top_receivers": _ranked(db.session.execute(receivers)),
        "top_givers": _ranked(db.session.execute(givers)),
        "by_value": _per_value(condition, ranked),
    }


def _check_group_param(viewer: User, raw: Any) -> int:
    try:
        group_id = int(raw)
    except (TypeError, ValueError):
        group_id = 0
    group_id = check_optional_id(group_id or None, "group_id")
    if group_id is None or not policy.can_read_group(viewer, group_id):
        raise ValidationFailed(_("No such group."), fields={"group_id": "unknown"})
    return group_id


def _per_value(condition: ColumnElement[bool], ranked) -> list[dict[str, Any]]:
    """Kudos per value, and each value's top three receivers: two grouped queries."""
    totals = db.session.execute(
        select(CompanyValue, func.count(Kudos.id))
        .join(Kudos, Kudos.value_id == CompanyValue.id)
        .join(Post, Post.id == Kudos.post_id)
        .where(condition)
        .group_by(CompanyValue.id)
        .order_by(func.count(Kudos.id).desc(), CompanyValue.name)
    ).all()
    count = func.count(Kudos.id.distinct())
    per_person = db.session.execute(
        select(Kudos.value_id, User, count)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(User, User.id == KudosRecipient.user_id)
        .join(Post, Post.id == Kudos.post_id)
        .where(condition, *ranked)
        .group_by(Kudos.value_id, User.id)
        .order_by(Kudos.value_id, count.desc(), User.id)
    ).all()
    top: dict[int, list] = {}
    for value_id, user, n in per_person:
        if len(top.setdefault(value_id, [])) < 3:
            top[value_id].append((user, n))
    return [
        {"value": company_value_dict(v), "count": n, "top_receivers": _ranked(top.get(v.id, []))}
        for v, n in totals
    ]


# --- personal settings -------------------------------------------------------------------


def preferences(user: User) -> dict[str, bool]:
    return {name: getattr(user, name) for name in PREFERENCES}


def do_update_preferences(user: User, data: Any) -> dict[str, bool]:
    """Set ``{"leaderboard_opt_out"?: bool, "celebrate_birthday"?: bool}`` for oneself."""
    data = check_known_fields(data, set(PREFERENCES))
    for name, flag in data.items():
        if not isinstance(flag, bool):
            raise ValidationFailed(
                _("%(name)s must be true or false.", name=name), fields={name: "not_bool"}
            )
    for name, flag in data.items():
        setattr(user, name, flag)
    db.session.flush()
    return preferences(user)
