"""People of the company, and the personal API tokens they hold."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from ..text_keys import KEY_WIDTH_FACTOR, fold, truncated
from ._time import utcnow

#: ``suspended_until`` of an indefinite suspension.
INDEFINITELY = datetime(9999, 12, 31)


class Role(StrEnum):
    EMPLOYEE = "employee"
    MANAGER = "manager"
    COMMUNITY_MANAGER = "community_manager"
    ADMIN = "admin"


ROLES_ALL: tuple[str, ...] = tuple(r.value for r in Role)


class User(UserMixin, db.Model):
    """An employee account.

    ``session_epoch`` is part of the Flask-Login id: bumping it (deactivation,
    "sign out everywhere") invalidates every session cookie issued before; so is the
    key of the server-side session (``UserSession``), which signing out ends.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('employee', 'manager', 'community_manager', 'admin')", name="role_known"
        ),
        CheckConstraint(
            "(birth_month IS NULL AND birth_day IS NULL) OR "
            "(birth_month BETWEEN 1 AND 12 AND birth_day BETWEEN 1 AND 31)",
            name="birthday_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    #: The name as stored; read :attr:`display_name` (a deleted account's is worded
    #: "Former colleague" in the reader's language).
    stored_name: Mapped[str] = mapped_column("display_name", String(120))
    #: The :func:`~socialnet.text_keys.fold` keys, kept in step by :meth:`_keep_keys`:
    #: mentions and people pickers find ``handle_key``; lists sort by ``name_key``; the
    #: directory searches ``search_key`` (handle, name, job title, department and site
    #: keys, one a line).
    handle_key: Mapped[str] = mapped_column(
        String(64 * KEY_WIDTH_FACTOR), unique=True, index=True, server_default=""
    )
    name_key: Mapped[str] = mapped_column(
        String(120 * KEY_WIDTH_FACTOR), index=True, server_default=""
    )
    search_key: Mapped[str] = mapped_column(Text, server_default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    job_title: Mapped[str] = mapped_column(String(120), default="")
    department: Mapped[str] = mapped_column(String(120), default="", index=True)
    site: Mapped[str] = mapped_column(String(120), default="", index=True)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    hire_date: Mapped[date | None]
    birth_month: Mapped[int | None]
    birth_day: Mapped[int | None]
    role: Mapped[str] = mapped_column(String(32), default=Role.EMPLOYEE.value)
    active: Mapped[bool] = mapped_column(default=True)
    #: Birthdays are celebrated only for people who said yes.
    celebrate_birthday: Mapped[bool] = mapped_column(default=False)
    #: Kept out of kudos leaderboards (still thanked and notified).
    leaderboard_opt_out: Mapped[bool] = mapped_column(default=False)
    session_epoch: Mapped[int] = mapped_column(default=0)
    #: The language the person chose (``"en"``, ``"fr"``); ``None`` until they choose,
    #: then their browser's decides (``socialnet/i18n.py``).
    language: Mapped[str | None] = mapped_column(String(8))
    #: How often the personal digest email comes: ``"daily"``, ``"weekly"`` or ``"off"``
    #: (``models/digests.py``, ``services/digest.py``).
    digest: Mapped[str] = mapped_column(String(8), default="weekly", server_default="weekly")
    #: Moderation sanctions in force (see ``models/moderation.py``): until then, a
    #: muted person reads but cannot post, comment or react; a suspended one cannot
    #: sign in. :data:`INDEFINITELY` means until a moderator lifts it.
    muted_until: Mapped[datetime | None]
    suspended_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The profile people edit themselves (``PATCH /me``); ``about`` is Markdown and
    #: ``about_html`` its rendering, kept in step by ``services.people.profile``.
    pronouns: Mapped[str] = mapped_column(String(40), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    about: Mapped[str] = mapped_column(Text, default="", server_default="")
    about_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    location_detail: Mapped[str] = mapped_column(String(120), default="", server_default="")
    #: The photo (``services.people.avatar``): storage keys by square size (``{"32": key,
    #: "64": …, "160": …}``), ``None`` for initials. ``avatar_version`` grows at each change
    #: and is part of the avatar's URL, so a browser's cache never shows an old face.
    avatar_keys: Mapped[dict[str, str] | None] = mapped_column(JSON)
    avatar_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Set when the person deleted their account: the row stays as a tombstone
    #: ("Former colleague", no personal data) so their past content and the audit
    #: log keep a valid author. A deleted account is never reactivated.
    deleted_at: Mapped[datetime | None]
    #: Guests from the extended company (``models/guests.py``, ``policy/guests.py``): the
    #: company they work for (``None``: an employee), the last day of their access (in the
    #: company's time zone; renewable) and when their access ended (expired, or removed
    #: from their last group; cleared when renewed or invited again).
    guest_company: Mapped[str | None] = mapped_column(String(120))
    guest_expires_on: Mapped[date | None]
    guest_ended_at: Mapped[datetime | None]

    manager: Mapped[User | None] = relationship(remote_side=[id], lazy="raise_on_sql")

    #: Not columns: the browser session (``UserSession``) this object was signed in with
    #: or loaded for, and its secret key, set by ``services.sessions``. The key is part
    #: of the Flask-Login id, so the session and remember-me cookies name the session.
    session_key = None
    login_session = None

    @property
    def is_guest(self) -> bool:
        """A guest from the extended company, not an employee."""
        return self.guest_company is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def is_muted(self, now: datetime) -> bool:
        return self.muted_until is not None and self.muted_until > now

    def is_suspended(self, now: datetime) -> bool:
        return self.suspended_until is not None and self.suspended_until > now

    @hybrid_property
    def display_name(self) -> str:
        """The name colleagues see: a deleted account's reads "Former colleague" in the
        language of the moment (system text, rendered when read)."""
        if self.deleted_at is not None:
            return gettext("Former colleague")
        return self.stored_name

    @display_name.inplace.setter
    def _display_name_setter(self, value: str) -> None:
        self.stored_name = value

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return cls.stored_name

    @validates("handle", "stored_name", "job_title", "department", "site")
    def _keep_keys(self, attribute: str, value: str) -> str:
        texts = {
            "handle": self.handle,
            "stored_name": self.stored_name,
            "job_title": self.job_title,
            "department": self.department,
            "site": self.site,
            attribute: value,
        }
        self.handle_key = fold(texts["handle"] or "")
        self.name_key = truncated(texts["stored_name"], 120 * KEY_WIDTH_FACTOR)
        self.search_key = "\n".join(fold(t or "") for t in texts.values())
        return value

    def get_id(self) -> str:
        """``"<id>:<epoch>:<session key>"``: the cookie dies with the epoch or the session."""
        return f"{self.id}:{self.session_epoch}:{self.session_key or ''}"

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


def hash_token(raw: str) -> str:
    """Tokens carry 256 bits of entropy, so a fast hash is enough (no offline guessing)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 is stored, the value is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def new_secret() -> str:
        return "snt_" + secrets.token_urlsafe(32)
