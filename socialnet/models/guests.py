"""Invitations of guests from the extended company (freelancers, agencies, partners).

A guest is a ``User`` with ``guest_company`` set; what they may see is decided in
``policy/guests.py``. An invitation names an email, the guest's company, the groups
they join on signing up and the last day of their access; its link carries a random
token, of which only the SHA-256 is stored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class GuestInvitation(db.Model):
    """One invitation by email. ``accepted_at`` is set when the guest signs up through it
    (or at once when the address is already a guest's), ``revoked_at`` when withdrawn."""

    __tablename__ = "guest_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    company: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: The last day of the guest's access, in the company's time zone.
    access_until: Mapped[date]
    #: The link works until then.
    link_expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class GuestInvitationGroup(db.Model):
    """A group an invitation opens (a guest sees no other)."""

    __tablename__ = "guest_invitation_groups"

    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("guest_invitations.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True, index=True
    )
