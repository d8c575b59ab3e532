"""Links sent by email: password reset and sign-up confirmation; nothing to enumerate.

The link carries ``{"u": user id, "f": fingerprint}`` signed with SECRET_KEY
(itsdangerous, its own salt) and a timestamp. The fingerprint is a digest of the
account's current password hash and session epoch, so the link dies as soon as it
is used (the password changes and the epoch moves on), once the password changes
some other way, or once the person signs out everywhere; no table is needed.

Asking for a link answers the same and does the same work whether or not the email
names an active account: one lookup, one fingerprint, one signature, one message
rendered. Only a real account's message is then *sent*, after commit and on a
background thread, so the answer never waits on the mail server.

Self sign-up works the same way, so that it cannot tell who has an account either:
``POST /auth/signup`` always answers 202 and emails the address, either a link to
finish signing up (``{"e": email, "n": display name}``, signed with its own salt,
valid SIGNUP_LINK_MAX_AGE) or, when the address already has an account, a note
saying so with the way to reset the password. The password is chosen when the link
is opened, so it never travels in an email.

Every link is built on the public URL (``hosts.public_url``), never on the request's
Host header. Without one (no SOCIALNET_PUBLIC_URL and a server not on loopback only)
no email with a link leaves: asking for one is a 503 saying so, the same for every
address, before any lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from flask import Flask, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mail import Connection, Message
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..errors import Conflict, Unavailable, ValidationFailed
from ..extensions import db, mail
from ..hosts import public_url
from ..i18n import check_language, for_person
from ..models import User
from ..realtime.publisher import after_commit
from . import audit
from .accounts import check_email, check_signup, do_finish_signup, do_set_password
from .passwords import DUMMY_HASH
from .validation import check_known_fields

log = logging.getLogger(__name__)

SALT = "socialnet.password-reset"
SIGNUP_SALT = "socialnet.signup"
#: Seconds a reset link stays valid unless PASSWORD_RESET_MAX_AGE says otherwise.
DEFAULT_MAX_AGE = 30 * 60
#: Seconds a sign-up link stays valid unless SIGNUP_LINK_MAX_AGE says otherwise.
DEFAULT_SIGNUP_MAX_AGE = 24 * 3600

#: Called with the normalized email before any lookup, for every reset and sign-up
#: request alike (known account or not). Rate limiting plugs in here: a hook raises a
#: DomainError (e.g. a 429) to refuse. Nothing is registered by default.
before_reset_request: list[Callable[[str], None]] = []


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _fingerprint(password_hash: str, session_epoch: int) -> str:
    """What the link is bound to, without revealing the hash (the payload is readable)."""
    material = f"{password_hash}:{session_epoch}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_token(user: User) -> str:
    """A reset token for ``user``, valid for PASSWORD_RESET_MAX_AGE seconds."""
    return _serializer().dumps(
        {"u": user.id, "f": _fingerprint(user.password_hash, user.session_epoch)}
    )


def max_age() -> int:
    return int(current_app.config.get("PASSWORD_RESET_MAX_AGE") or DEFAULT_MAX_AGE)


def access_reset_user(token: Any) -> User:
    """The account a reset token is for, if it is genuine, fresh and unused.

    :raise ValidationFailed: ``fields.token`` says which: ``invalid`` (malformed,
        tampered, or signed with another key), ``expired``, or ``used`` (already
        used, or the password or sessions changed since it was sent).
    """
    invalid = ValidationFailed(
        _(
            "This reset link is not valid. Copy the whole link from the "
            "email, or ask for a new one."
        ),
        fields={"token": "invalid"},
    )
    if not isinstance(token, str) or not token or len(token) > 500 or not token.isascii():
        raise invalid
    try:
        payload = _serializer().loads(token, max_age=max_age())
    except SignatureExpired as exc:
        raise ValidationFailed(
            _("This reset link has expired. Ask for a new one."), fields={"token": "expired"}
        ) from exc
    except BadData as exc:
        raise invalid from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise invalid
    user = db.session.get(User, payload["u"])
    expected = _fingerprint(user.password_hash, user.session_epoch) if user else ""
    if user is None or not user.active or not hmac.compare_digest(expected, str(payload.get("f"))):
        raise ValidationFailed(
            _(
                "This reset link has already been used, or the password changed "
                "since it was sent. Ask for a new one."
            ),
            fields={"token": "used"},
        )
    return user


def do_request_reset(data: Any) -> None:
    """Queue a reset link for the active account named by ``data["email"]``, if any.

    Whether one exists is never told: the caller answers the same either way.
    :raise ValidationFailed: the email is not an email address (says nothing of accounts).
    :raise Unavailable: no public URL to build the link on (the same for every address).
    """
    data = check_known_fields(data, {"email"})
    email = check_email(data.get("email"))
    check_links_available()
    for hook in before_reset_request:
        hook(email)
    user = db.session.scalar(select(User).where(User.email == email, User.active.is_(True)))
    # The same work for an unknown email: a dummy fingerprint, signature and message.
    payload = {
        "u": user.id if user else 0,
        "f": _fingerprint(
            user.password_hash if user else DUMMY_HASH, user.session_epoch if user else 0
        ),
    }
    token = _serializer().dumps(payload)
    message = _reset_message(email, user.display_name if user else email, token, user)
    if user is None:
        return
    app = current_app._get_current_object()
    after_commit(lambda: send_in_background(app, message))


def do_confirm_reset(data: Any) -> User:
    """Set the new password named in ``data`` for the token's account; end its sessions.

    :raise ValidationFailed: bad token (see :func:`access_reset_user`) or password.
    """
    data = check_known_fields(data, {"token", "password"})
    user = access_reset_user(data.get("token"))
    do_set_password(user, data.get("password"))
    audit.record(user, "user.password_reset", "user", user.id)
    return user


NO_LINKS_MESSAGE = _l(
    "Emails with links cannot be sent: this site's address is not configured. Please tell "
    "your administrator to set SOCIALNET_PUBLIC_URL."
)


def check_links_available() -> str:
    """The base of emailed links (``hosts.public_url``).

    :raise Unavailable: there is none; the Host header is never a fallback.
    """
    base = public_url(current_app.config)
    if not base:
        log.warning("an email with a link was not sent: SOCIALNET_PUBLIC_URL is not set")
        raise Unavailable(NO_LINKS_MESSAGE)
    return base


def link_to(endpoint: str, **values: Any) -> str:
    """A link to mail, on the public URL. :raise Unavailable: see :func:`check_links_available`."""
    return check_links_available() + url_for(endpoint, **values)


def _message(
    email: str, subject: Any, template: str, *, to: User | None = None, **context: Any
) -> Message:
    """The email to ``email``: ``subject`` (a ``lazy_gettext`` string naming
    ``%(company)s``) and ``template``, in the language ``to`` (the account's owner) chose,
    else in the language of the request that asked for it."""
    company = current_app.config.get("COMPANY_NAME", "socialnet")
    chosen = to is not None and check_language(to.language) is not None
    with for_person(to) if chosen else nullcontext():
        return Message(
            subject=str(subject) % {"company": company},
            recipients=[email],
            body=render_template(template, **context),
            sender=current_app.config.get("MAIL_DEFAULT_SENDER"),
        )


def _reset_message(email: str, name: str, token: str, to: User | None) -> Message:
    return _message(
        email,
        _l("Reset your %(company)s password"),
        "password_reset_email.txt",
        to=to,
        name=name,
        link=link_to("auth.password_reset_confirm", token=token),
        minutes=max_age() // 60,
    )


# --- sign-up ---------------------------------------------------------------------------


def make_signup_token(email: str, display_name: str) -> str:
    return _serializer(SIGNUP_SALT).dumps({"e": email, "n": display_name})


def signup_max_age() -> int:
    return int(current_app.config.get("SIGNUP_LINK_MAX_AGE") or DEFAULT_SIGNUP_MAX_AGE)


def do_request_signup(data: Any) -> None:
    """Email the address a link to finish signing up, or a note that it has an account.

    The caller answers the same either way; both emails leave after commit.
    :raise ValidationFailed: bad email or name. :raise Forbidden: sign-up is closed,
        or not open to this address's domain (neither depends on existing accounts).
    :raise Unavailable: no public URL to build the links on.
    """
    email, name = check_signup(data)
    check_links_available()
    for hook in before_reset_request:
        hook(email)
    existing = db.session.scalar(select(User).where(User.email == email))
    token = make_signup_token(email, name)
    if existing is None:
        message = _message(
            email,
            _l("Finish signing up to %(company)s"),
            "password_signup_email.txt",
            name=name,
            link=link_to("auth.signup_confirm", token=token),
            hours=signup_max_age() // 3600,
        )
    else:
        message = signup_exists_message(existing)
    app = current_app._get_current_object()
    after_commit(lambda: send_in_background(app, message))


def signup_exists_message(user: User) -> Message:
    """The note to someone signing up again with ``user``'s address."""
    return _message(
        user.email,
        _l("You already have a %(company)s account"),
        "password_signup_exists_email.txt",
        to=user,
        name=user.display_name,
        sign_in=link_to("auth.sign_in"),
        reset=link_to("auth.password_reset_request"),
    )


def reset_message_preview(user: User) -> Message:
    """The reset email ``user`` would get, its link carrying a token that resets nothing
    (``flask mail preview``: whoever previews must not hold a working link)."""
    return _reset_message(user.email, user.display_name, "PREVIEW", user)


def signup_message_preview(user: User) -> Message:
    """The email finishing a sign-up at ``user``'s address, with a token that works not."""
    return _message(
        user.email,
        _l("Finish signing up to %(company)s"),
        "password_signup_email.txt",
        name=user.display_name,
        link=link_to("auth.signup_confirm", token="PREVIEW"),
        hours=signup_max_age() // 3600,
    )


def access_signup(token: Any) -> tuple[str, str]:
    """The (email, display name) a sign-up link was sent for, if genuine and fresh.

    :raise ValidationFailed: ``fields.token``: ``invalid``, ``expired`` or ``used``
        (the address has an account now).
    """
    invalid = ValidationFailed(
        _("This sign-up link is not valid. Copy the whole link from the email, or sign up again."),
        fields={"token": "invalid"},
    )
    if not isinstance(token, str) or not token or len(token) > 1000 or not token.isascii():
        raise invalid
    try:
        payload = _serializer(SIGNUP_SALT).loads(token, max_age=signup_max_age())
    except SignatureExpired as exc:
        raise ValidationFailed(
            _("This sign-up link has expired. Sign up again."), fields={"token": "expired"}
        ) from exc
    except BadData as exc:
        raise invalid from exc
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), str) for k in "en"):
        raise invalid
    if db.session.scalar(select(User.id).where(User.email == payload["e"])) is not None:
        raise _signup_used()
    return payload["e"], payload["n"]


def _signup_used() -> ValidationFailed:
    return ValidationFailed(
        _(
            "This sign-up link has already been used: the account exists. "
            "Sign in, or reset its password."
        ),
        fields={"token": "used"},
    )


def do_confirm_signup(data: Any) -> User:
    """Create the account a sign-up link was sent for, with the password chosen now."""
    data = check_known_fields(data, {"token", "password"})
    email, name = access_signup(data.get("token"))
    try:
        return do_finish_signup(email, name, data.get("password"))
    except Conflict as exc:  # a concurrent use of the same link won the race
        raise _signup_used() from exc


def send_in_background(app: Flask, message: Message) -> threading.Thread:
    """Send ``message`` on its own thread (green under eventlet/gevent); failures are logged."""
    thread = threading.Thread(target=_send, args=(app, message), name="mail", daemon=True)
    thread.start()
    return thread


def _send(app: Flask, message: Message) -> None:
    with app.app_context():
        try:
            # Settings are read at each send, so they follow the app's config.
            state = mail.init_mail(app.config, app.debug, app.testing)
            with Connection(state) as connection:
                message.send(connection)
        except Exception:  # a mail server down must not take anything else with it
            log.exception("could not send the email %r", message.subject)
