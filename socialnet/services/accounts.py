"""Accounts: creation, sign-up, sign-in, profile changes and deactivation."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..errors import Conflict, Forbidden, NotAuthenticated, NotFound, ValidationFailed
from ..extensions import db
from ..models import INDEFINITELY, ApiToken, Role, User
from ..models._time import utcnow
from ..realtime.presence import disconnect_user_sockets
from ..realtime.publisher import after_commit
from . import audit
from .validation import (
    check_birthday,
    check_date,
    check_known_fields,
    check_optional_id,
    check_text,
)

_hasher = PasswordHasher()
#: Verified against when the email is unknown, so sign-in takes as long either way.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

#: No whitespace or control characters (a NUL cannot even be stored by PostgreSQL).
EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
PASSWORD_MIN = 10
PROFILE_FIELDS = {
    "display_name",
    "job_title",
    "department",
    "site",
    "manager_id",
    "hire_date",
    "birthday",
}
CREATE_FIELDS = PROFILE_FIELDS | {"email", "password", "role"}
ADMIN_PATCH_FIELDS = PROFILE_FIELDS | {"role", "active"}
ROLES = {r.value for r in Role}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_email(value: Any) -> str:
    if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
        raise ValidationFailed("Enter a valid email address.", fields={"email": "invalid"})
    return value.strip().lower()


def check_password(value: Any) -> str:
    if not isinstance(value, str) or len(value) < PASSWORD_MIN:
        raise ValidationFailed(
            f"The password must have at least {PASSWORD_MIN} characters.",
            fields={"password": "too_short"},
        )
    if len(value) > 256:
        raise ValidationFailed("The password is too long.", fields={"password": "too_long"})
    return value


def check_role(value: Any) -> str:
    if value not in ROLES:
        raise ValidationFailed(
            f"role must be one of: {', '.join(sorted(ROLES))}.", fields={"role": "unknown"}
        )
    return value


def _handle_base(email: str) -> str:
    local = unicodedata.normalize("NFKD", email.split("@", 1)[0])
    ascii_local = local.encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z0-9._-]+", "", ascii_local).strip("._-") or "user"
    return cleaned[:56]


def _unique_handle(email: str) -> str:
    """A mention handle from the email's local part (``ana.martin``), made unique."""
    base = _handle_base(email)
    taken = set(db.session.scalars(select(User.handle).where(User.handle.like(f"{base}%"))).all())
    if base not in taken:
        return base
    suffix = 2
    while f"{base}{suffix}" in taken:
        suffix += 1
    return f"{base}{suffix}"


def _check_manager(manager_id: Any, user: User | None) -> int | None:
    manager_id = check_optional_id(manager_id, "manager_id")
    if manager_id is None:
        return None
    if db.session.get(User, manager_id) is None:
        raise ValidationFailed("manager_id names nobody.", fields={"manager_id": "unknown"})
    if user is not None and user.id is not None:
        # Walk up from the proposed manager: meeting ``user`` would make a cycle.
        cursor: int | None = manager_id
        for _ in range(1000):
            if cursor is None:
                break
            if cursor == user.id:
                raise ValidationFailed(
                    "Someone cannot report to themself, directly or indirectly.",
                    fields={"manager_id": "cycle"},
                )
            cursor = db.session.scalar(select(User.manager_id).where(User.id == cursor))
    return manager_id


def _apply_profile(user: User, data: dict[str, Any]) -> None:
    if "display_name" in data:
        user.display_name = check_text(data["display_name"], "display_name", max_len=120)
    for field in ("job_title", "department", "site"):
        if field in data:
            setattr(user, field, check_text(data[field], field, max_len=120, required=False))
    if "manager_id" in data:
        user.manager_id = _check_manager(data["manager_id"], user)
    if "hire_date" in data:
        user.hire_date = check_date(data["hire_date"], "hire_date")
    if "birthday" in data:
        user.birth_month, user.birth_day = check_birthday(data["birthday"])


def do_create_user(data: dict[str, Any], *, actor: User | None = None) -> User:
    """Create an account from API-shaped ``data``.

    ``actor`` None means a trusted caller (the CLI, the seeder); otherwise only
    admins may create accounts. :raise Conflict: the email is taken.
    """
    if actor is not None and not policy.can_manage_users(actor):
        raise Forbidden("Only administrators can create accounts.")
    check_known_fields(data, CREATE_FIELDS)
    email = check_email(data.get("email"))
    password = check_password(data.get("password"))
    role = check_role(data.get("role", Role.EMPLOYEE.value))
    if "display_name" not in data:
        raise ValidationFailed("display_name cannot be empty.", fields={"display_name": "empty"})
    taken = Conflict("An account with this email already exists.", fields={"email": "taken"})
    if _email_taken(email):
        raise taken
    user = User(
        email=email, handle=_unique_handle(email), password_hash=hash_password(password), role=role
    )
    _apply_profile(user, data)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent sign-up won the race: the constraint decides
        if "email" in str(exc.orig):
            raise taken from exc
        raise
    return user


def _email_taken(email: str) -> bool:
    """The friendly early answer; the unique constraint is what guarantees it."""
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def check_signup_allowed(email: str) -> None:
    domains = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    if not domains:
        raise Forbidden("Self sign-up is closed. Ask an administrator for an account.")
    if email.rsplit("@", 1)[1] not in domains:
        raise Forbidden("Sign-up is only open to company email addresses.")


def do_signup(data: Any) -> User:
    """Self sign-up, only for the company's email domains; always an employee."""
    data = check_known_fields(data, {"email", "password", "display_name"})
    check_signup_allowed(check_email(data.get("email")))
    return do_create_user(data)


def authenticate(email: Any, password: Any) -> User:
    """The active user with these credentials.

    :raise NotAuthenticated: with one message for every failure, after the same
        amount of hashing work, so sign-in reveals nothing about who has an account.
    """
    failure = NotAuthenticated("Email or password is incorrect.")
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > 256:
        raise failure
    email = email.strip().lower()
    if not EMAIL_RE.match(email):  # cannot name an account (and a NUL cannot be queried)
        raise failure
    user = db.session.scalar(select(User).where(User.email == email))
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise failure from None
    if user is None or not user.active:
        raise failure
    if user.is_suspended(utcnow()):  # said only to someone who knows the password
        raise NotAuthenticated(
            f"This account is suspended until {until_text(user.suspended_until)}.",
            error="suspended",
        )
    return user


def until_text(moment: datetime) -> str:
    """The end of a sanction as people read it ("further notice" when indefinite)."""
    return "further notice" if moment >= INDEFINITELY else moment.strftime("%Y-%m-%d %H:%M UTC")


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: ``"<id>:<epoch>"`` must match an active user's current epoch."""
    raw_id, _, raw_epoch = session_id.partition(":")
    if not raw_id.isdigit() or not raw_epoch.isdigit():
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or user.session_epoch != int(raw_epoch):
        return None
    if user.is_suspended(utcnow()):
        return None
    return user


def access_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such person.")
    return user


def do_update_user(actor: User, user_id: int, data: Any) -> User:
    """Admin change of a profile, role or active flag.

    Admins cannot demote or deactivate themselves.
    """
    if not policy.can_manage_users(actor):
        raise Forbidden("Only administrators can change accounts.")
    data = check_known_fields(data, ADMIN_PATCH_FIELDS)
    user = access_user(user_id)
    before = {"role": user.role, "active": user.active}
    if "role" in data:
        role = check_role(data["role"])
        if user.id == actor.id and role != Role.ADMIN.value:
            raise Forbidden("You cannot remove your own administrator role.")
        user.role = role
    if "active" in data:
        if not isinstance(data["active"], bool):
            raise ValidationFailed("active must be true or false.", fields={"active": "not_bool"})
        if user.id == actor.id and not data["active"]:
            raise Forbidden("You cannot deactivate your own account.")
        if user.active and not data["active"]:
            do_deactivate(user)
        user.active = data["active"]
    _apply_profile(user, data)
    db.session.flush()
    after = {"role": user.role, "active": user.active}
    for field, action in (("role", "user.role_changed"), ("active", "user.active_changed")):
        if before[field] != after[field]:
            audit.record(
                actor,
                action,
                "user",
                user.id,
                before={field: before[field]},
                after={field: after[field]},
            )
    return user


def do_end_sessions(user: User) -> None:
    """End every session, token and open socket of ``user`` (effective at commit)."""
    user.session_epoch += 1
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    user_id = user.id
    after_commit(lambda: disconnect_user_sockets(user_id))


def do_deactivate(user: User) -> None:
    user.active = False
    do_end_sessions(user)


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
