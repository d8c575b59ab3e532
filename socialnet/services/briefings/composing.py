"""Writing and sending a briefing: the communication team drafts it, edits it while it is
a draft, then sends it once to its managers (copied into ``briefing_recipients``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, literal, select, update

from ... import policy
from ...errors import Conflict, Forbidden, Unprocessable
from ...extensions import db
from ...models import Briefing, BriefingQuestion, BriefingRecipient, NotificationType, User
from ...models._time import utcnow
from ..notifications import do_notify_many
from .checks import check_embargo_ahead, check_fields
from .reading import access_managed_briefing


def _apply(briefing: Briefing, values: dict[str, Any]) -> None:
    for name in ("title", "key_messages", "talking_points", "embargo_at", "remind_after_hours"):
        if name in values:
            setattr(briefing, name, values[name])
    if "audience" in values:
        briefing.audience_kind, briefing.audience_value = values["audience"]


def _replace_team_qa(briefing: Briefing, entries: list[tuple[str, str]], user: User) -> None:
    db.session.execute(
        delete(BriefingQuestion).where(
            BriefingQuestion.briefing_id == briefing.id, BriefingQuestion.asked_by_id.is_(None)
        )
    )
    now = utcnow()
    db.session.add_all(
        BriefingQuestion(
            briefing_id=briefing.id,
            question=question,
            answer=answer,
            answered_by_id=user.id,
            answered_at=now,
            created_at=now,
        )
        for question, answer in entries
    )


def do_create_briefing(user: User, data: Any, now: datetime | None = None) -> Briefing:
    """Draft a briefing ``{"title", "key_messages", "talking_points", "qa", "embargo_at",
    "audience", "remind_after_hours"}``. Flushes.

    :raise Forbidden: not of the communication team.
    :raise Unprocessable: a field refused (no key message, an embargo already past …).
    """
    if not policy.can_manage_briefings(user):
        raise Forbidden(_("Only the communication team writes briefings."))
    values = check_fields(data, now or utcnow(), partial=False)
    briefing = Briefing(author_id=user.id)
    _apply(briefing, values)
    db.session.add(briefing)
    db.session.flush()
    _replace_team_qa(briefing, values["qa"], user)
    db.session.flush()
    return briefing


def do_update_briefing(
    user: User, briefing_id: int, data: Any, now: datetime | None = None
) -> Briefing:
    """Change the fields given of a draft (``qa`` replaces the team's entries). Flushes.

    :raise NotFound: not readable. :raise Forbidden: a manager.
    :raise Conflict: already sent (managers have it: it no longer changes).
    :raise Unprocessable: a field refused.
    """
    briefing = access_managed_briefing(user, briefing_id)
    if briefing.sent_at is not None:
        raise Conflict(_("This briefing was sent: it can no longer change."))
    values = check_fields(data, now or utcnow(), partial=True)
    _apply(briefing, values)
    briefing.updated_at = utcnow()
    if "qa" in values:
        _replace_team_qa(briefing, values["qa"], user)
    db.session.flush()
    return briefing


def audience_managers(briefing: Briefing):
    """SQL SELECT of the ids of the managers ``briefing`` addresses now."""
    query = select(User.id).where(policy.briefable_managers_filter())
    if briefing.audience_kind == "site":
        query = query.where(User.site == briefing.audience_value)
    elif briefing.audience_kind == "department":
        query = query.where(User.department == briefing.audience_value)
    return query


def do_send_briefing(user: User, briefing_id: int, now: datetime | None = None) -> int:
    """Send a draft to its managers, once: their rows, a notification each. Returns how many
    managers were briefed. Flushes; the notifications' events leave after commit.

    :raise NotFound: not readable. :raise Forbidden: a manager.
    :raise Conflict: already sent. :raise Unprocessable: the embargo is past, or the
        audience has no manager.
    """
    now = now or utcnow()
    briefing = access_managed_briefing(user, briefing_id)
    if briefing.sent_at is not None:
        raise Conflict(_("This briefing was already sent."))
    check_embargo_ahead(briefing.embargo_at, now)
    managers = audience_managers(briefing)
    count = db.session.scalar(select(func.count()).select_from(managers.subquery()))
    if not count:
        raise Unprocessable(
            _("Nobody in this audience manages a team."), fields={"audience": "no_managers"}
        )
    claimed = db.session.execute(
        update(Briefing)
        .where(Briefing.id == briefing.id, Briefing.sent_at.is_(None))
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_("This briefing was already sent."))
    briefing.sent_at = now
    db.session.execute(
        insert(BriefingRecipient).from_select(
            ["briefing_id", "manager_id"],
            select(literal(briefing.id), managers.subquery().c.id),
        )
    )
    db.session.flush()
    do_notify_many(
        select(BriefingRecipient.manager_id).where(BriefingRecipient.briefing_id == briefing.id),
        NotificationType.BRIEFING.value,
        actor=user,
        text=briefing.title,
        params={"url": f"/briefings/{briefing.id}"},
    )
    return count
