"""Signed-in browser sessions, recorded on the server so that signing out ends them.

The Flask session cookie (and the remember-me cookie made from it) carries the
session's random key; only its SHA-256 is stored here. A cookie whose row is
missing or ended loads nobody, whatever copy of it someone kept.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .users import User


class UserSession(db.Model):
    """One sign-in of one browser: started at sign-in, ended at sign-out.

    ``ended_at`` is set by signing out, "sign out everywhere", a password change or
    reset, deactivation; the row of a deleted account is deleted. ``last_seen_at``
    is refreshed at most every few minutes (see ``services.sessions``).
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)
