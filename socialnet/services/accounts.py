"""Accounts: creation, sign-up, sign-in, profile changes and deactivation.

What makes a good password, and hashing, are :mod:`.passwords`'."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..errors import Conflict, Forbidden, NotAuthenticated, NotFound, ValidationFailed
from ..extensions import db
from ..models import INDEFINITELY, ApiToken, Role, User
from ..models._time import utcnow
from ..models.groups import taken_handle_keys
from ..realtime.presence import disconnect_user_sockets
from ..realtime.publisher import after_commit
from . import audit, sessions
from .company_day import guest_locked_out
from .passwords import (
    DUMMY_HASH,
    PASSWORD_MAX,
    check_password,
    hash_password,
    matches,
)
from .people.profile import announce_update
from .validation import (
    check_birthday,
    check_known_fields,
    check_optional_id,
    check_text,
    parse_date,
)

#: No whitespace or control characters (a NUL cannot even be stored by PostgreSQL).
EMAIL_RE = re.compile(r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
PROFILE_FIELDS = {
    "display_name",
    "job_title",
    "department",
    "site",
    "manager_id",
    "hire_date",
    "birthday",
}
#: ``buddy_id`` and ``onboarding_template_id`` start the new joiner's journey (with a
#: hire date): the buddy chosen by the manager, a template other than the default.
CREATE_FIELDS = PROFILE_FIELDS | {"email", "password", "role", "buddy_id", "onboarding_template_id"}
ADMIN_PATCH_FIELDS = PROFILE_FIELDS | {"role", "active"}
ROLES = {r.value for r in Role}
#: Registered from above (``services.onboarding``), which this module may not import: what
#: follows an account's creation (``hook(user, data)``) or deactivation (``hook(user)``).
_CREATED_HOOKS: list[Callable[[User, dict[str, Any]], Any]] = []
_DEACTIVATED_HOOKS: list[Callable[[User], Any]] = []


def on_account_created(hook: Callable[[User, dict[str, Any]], Any]) -> None:
    """Call ``hook(user, data)`` in the transaction of each account created (once per hook)."""
    if hook not in _CREATED_HOOKS:
        _CREATED_HOOKS.append(hook)


def on_account_deactivated(hook: Callable[[User], Any]) -> None:
    """Call ``hook(user)`` in the transaction of each deactivation (once per hook)."""
    if hook not in _DEACTIVATED_HOOKS:
        _DEACTIVATED_HOOKS.append(hook)


def check_email(value: Any) -> str:
    if not isinstance(value, str) or not EMAIL_RE.match(value.strip()):
        raise ValidationFailed(_("Enter a valid email address."), fields={"email": "invalid"})
    return value.strip().lower()


def check_role(value: Any) -> str:
    if not isinstance(value, str) or value not in ROLES:  # {} or [] is not hashable
        raise ValidationFailed(
            _("role must be one of: %(roles)s.", roles=", ".join(sorted(ROLES))),
            fields={"role": "unknown"},
        )
    return value


def _handle_base(email: str) -> str:
    local = unicodedata.normalize("NFKD", email.split("@", 1)[0])
    ascii_local = local.encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z0-9._-]+", "", ascii_local).strip("._-") or "user"
    return cleaned[:56]


def _unique_handle(email: str) -> str:
    """A mention handle from the email's local part (``ana.martin``), unique by its key
    (:func:`~socialnet.text_keys.fold`, which leaves these ASCII handles as they are)."""
    base = _handle_base(email)
    taken = taken_handle_keys(db.session, base)  # a group's handle is taken too
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
        raise ValidationFailed(_("manager_id names nobody."), fields={"manager_id": "unknown"})
    if user is not None and user.id is not None:
        # Walk up from the proposed manager: meeting ``user`` would make a cycle.
        cursor: int | None = manager_id
        for _step in range(1000):
            if cursor is None:
                break
            if cursor == user.id:
                raise ValidationFailed(
                    _("Someone cannot report to themself, directly or indirectly."),
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
        user.hire_date = parse_date(data["hire_date"], "hire_date")
    if "birthday" in data:
        user.birth_month, user.birth_day = check_birthday(data["birthday"])


def do_create_user(data: dict[str, Any], *, actor: User | None = None) -> User:
    """Create an account from API-shaped ``data``.

    ``actor`` None means a trusted caller (the CLI, the seeder); otherwise only
    admins may create accounts. :raise Conflict: the email is taken.
    """
    if actor is not None and not policy.can_manage_users(actor):
        raise Forbidden(_("Only administrators can create accounts."))
    check_known_fields(data, CREATE_FIELDS)
    email = check_email(data.get("email"))
    display_name = data.get("display_name")
    password = check_password(
        data.get("password"),
        email=email,
        name=display_name if isinstance(display_name, str) else None,
    )
    role = check_role(data.get("role", Role.EMPLOYEE.value))
    if "display_name" not in data:
        raise ValidationFailed(_("display_name cannot be empty."), fields={"display_name": "empty"})
    taken = Conflict(_("An account with this email already exists."), fields={"email": "taken"})
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
    for hook in _CREATED_HOOKS:
        hook(user, data)
    return user


def _email_taken(email: str) -> bool:
    """The friendly early answer; the unique constraint is what guarantees it."""
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def check_signup_allowed(email: str) -> None:
    domains = current_app.config["ALLOWED_EMAIL_DOMAINS"]
    if not domains:
        raise Forbidden(_("Self sign-up is closed. Ask an administrator for an account."))
    if email.rsplit("@", 1)[1] not in domains:
        raise Forbidden(_("Sign-up is only open to company email addresses."))


def check_signup(data: Any) -> tuple[str, str]:
    """The (email, display name) of a sign-up request, if sign-up is open to that address.

    Nothing here depends on whether the address already has an account: the
    request is answered the same either way (see :mod:`.password_reset`).
    """
    data = check_known_fields(data, {"email", "display_name"})
    email = check_email(data.get("email"))
    check_signup_allowed(email)
    return email, check_text(data.get("display_name"), "display_name", max_len=120)


def do_finish_signup(email: str, display_name: str, password: Any) -> User:
    """Create the employee account of an address just proven by its sign-up link.

    :raise Conflict: the address has an account (the link was used already).
    """
    check_signup_allowed(email)  # the allowed domains may have changed since the email
    if _email_taken(email):
        raise Conflict(_("An account with this email already exists."), fields={"email": "taken"})
    return do_create_user({"email": email, "display_name": display_name, "password": password})


def authenticate(email: Any, password: Any) -> User:
    """The active user with these credentials.

    :raise NotAuthenticated: with one message for every failure, after the same
        amount of hashing work, so sign-in reveals nothing about who has an account.
    """
    failure = NotAuthenticated(_("Email or password is incorrect."))
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > PASSWORD_MAX:
        raise failure
    email = email.strip().lower()
    if not EMAIL_RE.match(email):  # cannot name an account (and a NUL cannot be queried)
        raise failure
    user = db.session.scalar(select(User).where(User.email == email))
    if not matches(user.password_hash if user else DUMMY_HASH, password):
        raise failure
    if user is None or not user.active:
        raise failure
    if guest_locked_out(user):  # said only to someone who knows the password
        raise NotAuthenticated(
            _("Your guest access has ended. Ask the person who invited you to renew it."),
            error="guest_access_ended",
        )
    if user.is_suspended(utcnow()):  # said only to someone who knows the password
        if user.suspended_until >= INDEFINITELY:
            message = _("This account is suspended until further notice.")
        else:
            message = _(
                "This account is suspended until %(until)s.", until=until_text(user.suspended_until)
            )
        raise NotAuthenticated(message, error="suspended")
    return user


def until_text(moment: datetime) -> str:
    """The end of a sanction as people read it ("further notice" when indefinite)."""
    return "further notice" if moment >= INDEFINITELY else moment.strftime("%Y-%m-%d %H:%M UTC")


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: ``"<id>:<epoch>:<session key>"`` must name a live session of
    an active user at their current epoch (see :mod:`.sessions`)."""
    return sessions.live_session_user(session_id)


def access_user(user_id: int, viewer: User | None = None) -> User:
    """The person ``user_id``, if ``viewer`` may see them (:func:`policy.can_see_person`: a
    guest only the members of their groups); ``viewer`` None: a trusted caller.

    :raise NotFound: nobody has this id, or ``viewer`` may not see them.
    """
    user = db.session.get(User, user_id)
    if user is None or (viewer is not None and not policy.can_see_person(viewer, user)):
        raise NotFound(_("No such person."))
    return user


def _apply_active(actor: User, user: User, active: Any) -> None:
    if not isinstance(active, bool):
        raise ValidationFailed(_("active must be true or false."), fields={"active": "not_bool"})
    if user.id == actor.id and not active:
        raise Forbidden(_("You cannot deactivate your own account."))
    if user.active and not active:
        do_deactivate(user)
    user.active = active


def do_update_user(actor: User, user_id: int, data: Any) -> User:
    """Admin change of a profile, role or active flag.

    Admins cannot demote or deactivate themselves; a deleted account stays deleted (409).
    """
    if not policy.can_manage_users(actor):
        raise Forbidden(_("Only administrators can change accounts."))
    data = check_known_fields(data, ADMIN_PATCH_FIELDS)
    user = access_user(user_id)
    if user.deleted_at is not None:
        raise Conflict(_("This person deleted their account: it cannot be changed or reactivated."))
    before = {"role": user.role, "active": user.active}
    if "role" in data:
        role = check_role(data["role"])
        if not policy.can_take_role(user, role):
            raise ValidationFailed(
                _("A guest's rights are a guest's: invite them as an employee instead."),
                fields={"role": "guest"},
            )
        if user.id == actor.id and not policy.is_admin_role(role):
            raise Forbidden(_("You cannot remove your own administrator role."))
        user.role = role
    if "active" in data:
        _apply_active(actor, user, data["active"])
    _apply_profile(user, data)
    db.session.flush()
    announce_update(user)
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
    sessions.do_end_all_sessions(user)
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    user_id = user.id
    after_commit(lambda: disconnect_user_sockets(user_id))


def verify_password(user: User, password: Any) -> bool:
    """Whether ``password`` is ``user``'s current one (same argon2 work either way)."""
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        password = ""
    return matches(user.password_hash, password)


def do_set_password(user: User, password: Any) -> None:
    """Give ``user`` a new password that follows the rules, and end all their sessions.

    Every cookie session, remember-me cookie, API token, open socket and pending
    reset link of ``user`` dies at commit (the session epoch moves on); the caller
    signs the current browser in again if it should stay signed in.
    """
    user.password_hash = hash_password(
        check_password(password, email=user.email, name=user.display_name)
    )
    do_end_sessions(user)
    db.session.flush()


def do_change_password(user: User, data: Any) -> None:
    """Change one's own password, knowing the current one.

    :raise ValidationFailed: the current password is wrong (``current_password``),
        or the new one breaks a rule or equals the current one (``password``).
    """
    data = check_known_fields(data, {"current_password", "password"})
    if not verify_password(user, data.get("current_password")):
        raise ValidationFailed(
            _("Your current password is not correct."), fields={"current_password": "incorrect"}
        )
    if data.get("password") == data.get("current_password"):
        raise ValidationFailed(
            _("Choose another password: it is the same as the current one."),
            fields={"password": "unchanged"},
        )
    do_set_password(user, data.get("password"))
    audit.record(user, "user.password_changed", "user", user.id)


def do_sign_out_everywhere(user: User) -> None:
    """End every session, token and socket of ``user``, this one included."""
    do_end_sessions(user)
    db.session.flush()
    audit.record(user, "user.signed_out_everywhere", "user", user.id)


def do_deactivate(user: User) -> None:
    """Deactivate ``user``: their sessions end, the journeys they were buddy of get a new
    buddy suggested (or none)."""
    user.active = False
    do_end_sessions(user)
    for hook in _DEACTIVATED_HOOKS:
        hook(user)


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
