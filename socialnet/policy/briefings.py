"""Manager cascades: who writes briefings, who is briefed, who reads one, who asks about it.

The communication team (community managers and admins) writes, sends and follows
briefings. A sent briefing is read by the managers it was sent to, and by nobody else:
employees, guests and managers outside its audience get a 404, exactly as for a missing
one. People who received a manager's relay may ask a question about it; they see their
own questions and the answers, never the briefing.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import AnnouncementRecipient, Briefing, BriefingRecipient, User
from .guests import is_guest
from .roles import has_reports, is_moderator


def can_manage_briefings(user: User) -> bool:
    """Write, send and follow briefings, answer their questions: the communication team."""
    return user.active and not is_guest(user) and is_moderator(user)


#: A manager's report, built once (an ORM alias of ``User`` costs ~1.7 ms to build).
_REPORT = aliased(User, name="report")


def briefable_managers_filter() -> ColumnElement[bool]:
    """SQL condition on ``User``: an active employee (not a guest) with an active report —
    a manager in fact, whatever their role."""
    return and_(
        User.active.is_(True),
        User.guest_company.is_(None),
        exists(select(_REPORT.id).where(_REPORT.manager_id == User.id, _REPORT.active.is_(True))),
    )


def briefing_recipient(user: User, briefing: Briefing) -> BriefingRecipient | None:
    """``user``'s row of a sent briefing, while they are active and not a guest."""
    if not user.active or is_guest(user) or briefing.sent_at is None:
        return None
    return db.session.get(BriefingRecipient, (briefing.id, user.id))


def can_read_briefing(user: User, briefing: Briefing | None) -> bool:
    """The team (drafts included), and the managers a sent briefing addresses."""
    if briefing is None:
        return False
    return can_manage_briefings(user) or briefing_recipient(user, briefing) is not None


def visible_briefings_filter(user: User) -> ColumnElement[bool]:
    """SQL twin of :func:`can_read_briefing` on ``Briefing``."""
    if not user.active or is_guest(user):
        return false()
    if can_manage_briefings(user):
        return Briefing.id.is_not(None)
    mine = select(BriefingRecipient.briefing_id).where(BriefingRecipient.manager_id == user.id)
    return and_(Briefing.sent_at.is_not(None), Briefing.id.in_(mine))


def received_relay(user: User, briefing: Briefing) -> int | None:
    """The manager whose relay of ``briefing`` reached ``user`` (an active employee or
    guest who is one of its announcement's recipients), or None."""
    if not user.active or briefing.sent_at is None:
        return None
    return db.session.scalar(
        select(BriefingRecipient.manager_id)
        .join(
            AnnouncementRecipient,
            AnnouncementRecipient.announcement_id == BriefingRecipient.announcement_id,
        )
        .where(
            BriefingRecipient.briefing_id == briefing.id, AnnouncementRecipient.user_id == user.id
        )
        .order_by(BriefingRecipient.relayed_at)
        .limit(1)
    )


def can_ask_about_briefing(user: User, briefing: Briefing | None) -> bool:
    """Ask a question on a sent briefing: its managers, the people their relays reached,
    and the team. Anyone else: 404."""
    if briefing is None or not user.active:
        return False
    if can_read_briefing(user, briefing):
        return True
    return received_relay(user, briefing) is not None


def may_see_briefings(user: User) -> bool:
    """Whether the "Briefings" space is offered: the team, and managers (anyone with active
    reports). The pages themselves decide by :func:`can_read_briefing`."""
    if not user.active or is_guest(user):
        return False
    return can_manage_briefings(user) or has_reports(user)
