"""The cascade's one action: a manager relays a briefing to their reporting line as an
announcement (the announcements service: audience ``reports``, the whole line), pre-filled
from the briefing and adapted as they wish — after the embargo, once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_datetime, get_timezone
from flask_babel import gettext as _
from sqlalchemy import func, update

from ... import policy
from ...errors import Conflict, Forbidden
from ...extensions import db
from ...models import Announcement, Briefing, BriefingRecipient, User
from ...models._time import utcnow
from .. import announcements
from ..validation import check_known_fields
from .reading import access_briefing, relay_draft

FIELDS = {"title", "body", "expires_in_days", "comments_enabled"}
EXPIRES_IN_DAYS = 7


def embargo_refusal(briefing: Briefing) -> Conflict:
    """The 409 of a relay before the embargo, saying when, in the reader's language and the
    company's time zone."""
    when = format_datetime(briefing.embargo_at, "d MMMM y, HH:mm")
    return Conflict(
        _(
            "This briefing is under embargo until %(when)s (%(zone)s): you may relay it from then.",
            when=when,
            zone=str(get_timezone()),
        ),
        fields={"embargo_at": "not_lifted"},
    )


def do_relay(
    user: User, briefing_id: int, data: Any, now: datetime | None = None
) -> tuple[Briefing, Announcement]:
    """Relay ``briefing_id`` to ``user``'s reporting line: ``{"title", "body",
    "expires_in_days", "comments_enabled"}``, each optional (the draft, 7 days, comments
    on). The announcement is published now; flushes, nothing is written on refusal.

    :raise NotFound: not a briefing sent to ``user`` (nor of the team).
    :raise Forbidden: the team, not briefed themselves; no reports any more.
    :raise Conflict: before the embargo; already relayed (by another request too).
    :raise ValidationFailed: the announcement's own refusals (empty title …).
    """
    now = now or utcnow()
    data = check_known_fields(data, FIELDS)
    briefing = access_briefing(user, briefing_id)
    row = policy.briefing_recipient(user, briefing)
    if row is None:
        raise Forbidden(_("Only the managers a briefing was sent to relay it."))
    if now < briefing.embargo_at:
        raise embargo_refusal(briefing)
    if row.relayed_at is not None:
        raise Conflict(_("You already relayed this briefing."))
    claimed = db.session.execute(  # of two concurrent relays, one wins
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing.id,
            BriefingRecipient.manager_id == user.id,
            BriefingRecipient.relayed_at.is_(None),
        )
        .values(relayed_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_("You already relayed this briefing."))
    draft = relay_draft(briefing)
    announcement = announcements.do_create_announcement(
        user,
        {
            "title": data.get("title", draft["title"]),
            "body": data.get("body", draft["body"]),
            "audience": {"kind": "reports"},
            "expires_in_days": data.get("expires_in_days", EXPIRES_IN_DAYS),
            "comments_enabled": data.get("comments_enabled", True),
        },
    )
    db.session.execute(
        update(BriefingRecipient)
        .where(
            BriefingRecipient.briefing_id == briefing.id,
            BriefingRecipient.manager_id == user.id,
        )
        .values(  # a relay is a read too
            announcement_id=announcement.id,
            read_at=func.coalesce(BriefingRecipient.read_at, now),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    return briefing, announcement
