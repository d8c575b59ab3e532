"""The end of a guest's access: expired, or removed from their last group.

Ending access stamps ``users.guest_ended_at`` and ends every session, token and open socket
of the guest (``accounts.do_end_sessions``), effective at commit; the loaders then refuse
them (``company_day.guest_locked_out``). Renewal or a new invitation clears the stamp.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ... import policy
from ...extensions import db
from ...models import User
from ...models._time import utcnow
from ..accounts import do_end_sessions
from ..company_day import company_today


def do_end_guest_access(guest: User) -> None:
    """End ``guest``'s access now: every session, token and socket ends at commit."""
    if guest.guest_ended_at is None:
        guest.guest_ended_at = utcnow()
    do_end_sessions(guest)
    db.session.flush()


def end_access_if_groupless(person: User) -> bool:
    """Called after ``person`` left a group: a guest in no group any more loses access at
    once. Returns whether it did."""
    if not policy.is_guest(person):
        return False
    if db.session.scalar(policy.member_group_ids(person).limit(1)) is not None:
        return False
    do_end_guest_access(person)
    return True


def do_end_expired_guests(today: date | None = None) -> int:
    """The job: end the access of every guest past their last day whose access has not
    been ended yet (their open sockets are disconnected at commit). Returns how many."""
    today = today or company_today()
    expired = db.session.scalars(
        select(User).where(
            User.guest_company.is_not(None),
            User.guest_ended_at.is_(None),
            User.guest_expires_on < today,
        )
    ).all()
    for guest in expired:
        do_end_guest_access(guest)
    return len(expired)
