"""Passwords: the rules a new one must follow, and hashing (argon2).

The rules are stated once, in :data:`PASSWORD_RULES`, for every page and API answer
that asks for a new password.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import ValidationFailed

_hasher = PasswordHasher()
#: Verified against when the email is unknown, so sign-in takes as long either way.
DUMMY_HASH = _hasher.hash("not-a-real-password")

PASSWORD_MIN = 12
PASSWORD_MAX = 256


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def matches(password_hash: str, password: str) -> bool:
    """Whether ``password`` hashes to ``password_hash`` (argon2's full work either way)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _words(text: str) -> list[str]:
    return text.split()


#: Passwords people pick first, as they type them, lowercased, with spaces and
#: punctuation removed (see :func:`_squash`). Only those that the length rule
#: lets through matter; a short common password already fails on length.
COMMON_PASSWORDS = frozenset(
    _words(
        """
    123456789012 1234567890123 12345678901234 123456789123 111111111111 000000000000
    123123123123 112233445566 qwertyuiop12 qwertyuiopas qwertyuiopasdf qwertyuiopasdfghjkl
    1qaz2wsx3edc 1q2w3e4r5t6y qazwsxedcrfv zaq12wsxcde3 asdfghjkl123 passwordpassword
    password1234 password12345 password123456 passw0rd1234 mypassword123 changeme1234
    welcome12345 letmein12345 iloveyou1234 administrator admin1234567 adminadmin123
    trustno11234 football1234 baseball1234 sunshine1234 princess1234 superman1234
    starwars1234 whatever1234 dragon123456 monkey123456 abc123456789 abcdefghijkl
    abcdefghijklm aaaaaaaaaaaa correcthorsebatterystaple thequickbrownfox
    """
    )
)
#: Words that stay common whatever digits or symbols are added around them
#: (``Password2024!``, ``!Welcome123``).
COMMON_WORDS = frozenset(
    _words(
        """
    password passw0rd p4ssw0rd motdepasse welcome bienvenue letmein changeme secret
    qwerty azerty qwertz iloveyou admin administrator root login default summer winter
    autumn spring football monkey dragon sunshine princess
    """
    )
)
PASSWORD_RULES = _l(
    "at least %(min)s characters, none of your name, your email address or the "
    "company's name, and not a commonly used password",
    min=PASSWORD_MIN,
)


def _squash(text: str) -> str:
    """Lowercase letters and digits only: ``"Ana Martin"`` → ``"anamartin"``."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _password_problems(password: str, personal: list[str]) -> list[tuple[str, str]]:
    """Every rule ``password`` breaks, as (code, what is wrong) pairs, in reading order."""
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(
            (
                "too_short",
                _(
                    "it has %(num)s characters; at least %(min)s are needed",
                    num=len(password),
                    min=PASSWORD_MIN,
                ),
            )
        )
    squashed = _squash(password)
    if any(len(word) >= 3 and word in squashed for word in personal):
        problems.append(
            ("personal", _("it contains your name, your email address or the company's name"))
        )
    core = re.sub(r"^[0-9]+|[0-9]+$", "", squashed)
    if squashed in COMMON_PASSWORDS or core in COMMON_WORDS:
        problems.append(("common", _("it is a commonly used password, easy to guess")))
    elif squashed and len(set(squashed)) <= 2:
        problems.append(("common", _("it repeats one or two characters, easy to guess")))
    return problems


def check_password(value: Any, *, email: str | None = None, name: str | None = None) -> str:
    """``value`` if it follows :data:`PASSWORD_RULES`.

    :raise ValidationFailed: one message saying everything that is wrong
        (``fields.password``: the first rule broken: ``too_short``, ``personal``,
        ``common``, ``too_long``).
    """
    if not isinstance(value, str):
        raise ValidationFailed(_("Choose a password."), fields={"password": "missing"})
    if len(value) > PASSWORD_MAX:
        raise ValidationFailed(
            _(
                "The password is too long: at most %(max)s characters.",
                max=PASSWORD_MAX,
            ),
            fields={"password": "too_long"},
        )
    personal = []
    if email:
        personal += [_squash(email), _squash(email.split("@", 1)[0])]
    if name:
        personal.append(_squash(name))
    if has_app_context():  # the company's name is as guessable as one's own
        personal.append(_squash(current_app.config.get("COMPANY_NAME") or ""))
    problems = _password_problems(value, personal)
    if problems:
        reasons = "; ".join(text for _code, text in problems)
        raise ValidationFailed(
            _("Choose another password: %(reasons)s.", reasons=reasons),
            fields={"password": problems[0][0]},
        )
    return value
