"""Any email as one person would receive it, rendered and not sent (``flask mail preview``,
and ``/admin/mail-preview`` for administrators).

Previews never carry a working secret: the password-reset and sign-up links hold a token
that opens nothing. A digest is built as the job would build it now (what the person may
see at this moment), whether or not it has anything to say.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_mail import Message
from sqlalchemy import select

from .. import policy
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import DigestFrequency, User
from . import digest, password_reset

KINDS = ("digest", "password_reset", "signup", "signup_exists")


def check_can_preview(user: User) -> None:
    """:raise Forbidden: ``user`` is not an administrator (emails show others' content)."""
    if not policy.is_admin(user):
        raise Forbidden(_("Only administrators preview emails."))


def access_person(email: str) -> User:
    """The account with ``email``. :raise NotFound: none has it."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        raise NotFound(_("No account has this email address."))
    return user


def preview(
    user: User, kind: str, frequency: str | None = None, now: datetime | None = None
) -> tuple[Message, int | None]:
    """The email of ``kind`` for ``user``, and for a digest how many lines it tells (0: the
    job would send nothing). ``frequency``: the digest's period, else the person's own
    (weekly when theirs is off).

    :raise ValidationFailed: an unknown ``kind`` or ``frequency``.
    :raise Unavailable: no public URL to build links on (password emails).
    """
    if kind not in KINDS:
        raise ValidationFailed(
            _("kind must be one of %(choices)s.", choices=", ".join(KINDS)),
            fields={"kind": "unknown"},
        )
    if kind == "digest":
        chosen = frequency or user.digest
        if chosen == DigestFrequency.OFF.value and frequency is None:
            chosen = DigestFrequency.WEEKLY.value
        if chosen not in digest.PERIOD_DAYS:
            raise ValidationFailed(
                _("frequency must be daily or weekly."), fields={"frequency": "unknown"}
            )
        told = digest.gather(user, digest.current_period(chosen, now))
        return digest.digest_message(told), told.items
    if kind == "password_reset":
        return password_reset.reset_message_preview(user), None
    if kind == "signup":
        return password_reset.signup_message_preview(user), None
    return password_reset.signup_exists_message(user), None
