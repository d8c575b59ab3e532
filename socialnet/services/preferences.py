"""A person's own settings: recognition flags (``services/kudos.py``) and their language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .. import i18n
from ..errors import ValidationFailed
from ..extensions import db
from ..models import User
from . import kudos
from .validation import check_known_fields

FIELDS = (*kudos.PREFERENCES, "language")


def preferences(user: User) -> dict[str, Any]:
    """``{"leaderboard_opt_out", "celebrate_birthday", "language"}``; ``language`` is
    ``None`` until the person chooses (their browser's language applies meanwhile)."""
    return {**kudos.preferences(user), "language": user.language}


def do_update_preferences(user: User, data: Any) -> dict[str, Any]:
    """Set any of :data:`FIELDS` for oneself; ``"language": null`` returns to the browser's.

    :raise ValidationFailed: an unknown field, a flag that is not a boolean, a language
        that is not one of ``LANGUAGES``. Nothing is changed then.
    """
    data = check_known_fields(data, set(FIELDS))
    language = data.pop("language", user.language)
    if language is not None and i18n.check_language(language) is None:
        raise ValidationFailed(
            _(
                "language must be one of %(choices)s, or null.",
                choices=", ".join(i18n.supported_languages()),
            ),
            fields={"language": "not_a_language"},
        )
    kudos.do_update_preferences(user, data)
    user.language = language
    db.session.flush()
    i18n.forget_request_language()
    return preferences(user)
