"""Reading briefings: access (a 404 for anyone outside the team and the managers briefed),
the list, the one dict a briefing is serialized as, the read receipt, the relay draft."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update

from ... import policy
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...models import Briefing, BriefingQuestion, BriefingRecipient, User
from ...models._time import utcnow
from ...serializers import iso, user_summary

LIST_MAX = 100


def access_briefing(user: User, briefing_id: int) -> Briefing:
    """The briefing if ``user`` may read it (:func:`policy.can_read_briefing`).

    :raise NotFound: missing, a draft and ``user`` is not of the team, or not sent to them.
    """
    briefing = db.session.get(Briefing, briefing_id)
    if not policy.can_read_briefing(user, briefing):
        raise NotFound(_("No such briefing."))
    return briefing


def access_managed_briefing(user: User, briefing_id: int) -> Briefing:
    """The briefing, for the communication team's doing (edit, send, progress, answers).

    :raise NotFound: as :func:`access_briefing`. :raise Forbidden: a manager it was sent to.
    """
    briefing = access_briefing(user, briefing_id)
    if not policy.can_manage_briefings(user):
        raise Forbidden(_("Only the communication team manages briefings."))
    return briefing


def do_mark_read(user: User, briefing: Briefing, now: datetime | None = None) -> None:
    """Record that a manager it was sent to opened it (the first time only; flushes)."""
    row = policy.briefing_recipient(user, briefing)
    if row is None or row.read_at is not None:
        return
    when = now or utcnow()
    db.session.execute(
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing.id,
            BriefingRecipient.manager_id == user.id,
            BriefingRecipient.read_at.is_(None),
        )
        .values(read_at=when)
        .execution_options(synchronize_session=False)
    )
    row.read_at = when


def qa_entries(briefing: Briefing) -> list[dict[str, Any]]:
    """The Q&A every reader of the briefing sees: the team's entries and the questions
    answered since, in the order they were written."""
    rows = db.session.scalars(
        select(BriefingQuestion)
        .where(BriefingQuestion.briefing_id == briefing.id, BriefingQuestion.answer.is_not(None))
        .order_by(BriefingQuestion.id)
    )
    return [{"id": q.id, "question": q.question, "answer": q.answer} for q in rows]


def relay_draft(briefing: Briefing) -> dict[str, str]:
    """The announcement a manager's relay starts from: the title, the key messages as a
    list, and where their team may ask questions. The manager may rewrite all of it."""
    bullets = "\n".join(f"- {message}" for message in briefing.key_messages)
    ask = _("Questions? [Ask the communication team](%(url)s)", url=f"/briefings/{briefing.id}/ask")
    return {"title": briefing.title, "body": f"{bullets}\n\n{ask}"}


def _mine(user: User, briefing: Briefing, now: datetime) -> dict[str, Any] | None:
    row = policy.briefing_recipient(user, briefing)
    if row is None:
        return None
    return {
        "read_at": iso(row.read_at),
        "relayed_at": iso(row.relayed_at),
        "announcement_id": row.announcement_id,
        "can_relay": row.relayed_at is None and now >= briefing.embargo_at,
        "relay_draft": relay_draft(briefing),
    }


def briefing_dict(user: User, briefing: Briefing, now: datetime | None = None) -> dict[str, Any]:
    """A briefing as the team and its managers see it; ``me`` is the viewer's own progress
    (null unless it was sent to them)."""
    now = now or utcnow()
    author = db.session.get(User, briefing.author_id) if briefing.author_id else None
    return {
        "id": briefing.id,
        "title": briefing.title,
        "key_messages": list(briefing.key_messages),
        "talking_points": briefing.talking_points,
        "qa": qa_entries(briefing),
        "embargo_at": iso(briefing.embargo_at),
        "embargo_lifted": now >= briefing.embargo_at,
        "audience": {"kind": briefing.audience_kind, "value": briefing.audience_value or None},
        "remind_after_hours": briefing.remind_after_hours,
        "status": "sent" if briefing.sent_at else "draft",
        "sent_at": iso(briefing.sent_at),
        "created_at": iso(briefing.created_at),
        "author": user_summary(author) if author else None,
        "url": f"/briefings/{briefing.id}",
        "me": _mine(user, briefing, now),
    }


def list_briefings(user: User) -> list[dict[str, Any]]:
    """The briefings ``user`` may read, newest first (the team: drafts too)."""
    rows = db.session.scalars(
        select(Briefing)
        .where(policy.visible_briefings_filter(user))
        .order_by(Briefing.id.desc())
        .limit(LIST_MAX)
    ).all()
    now = utcnow()
    return [briefing_dict(user, b, now) for b in rows]
