"""A person's own settings: recognition flags (``services/kudos.py``), their language and
how often their digest email comes (``services/digest.py``)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from .. import i18n
from ..errors import ValidationFailed
from ..extensions import db
from ..models import DIGEST_FREQUENCIES, User
from . import kudos
from .validation import check_known_fields

FIELDS = (*kudos.PREFERENCES, "language", "digest")


def preferences(user: User) -> dict[str, Any]:
    """``{"leaderboard_opt_out", "celebrate_birthday", "language", "digest"}``; ``language``
    is ``None`` until the person chooses (their browser's language applies meanwhile);
    ``digest`` is ``"daily"``, ``"weekly"`` (the default) or ``"off"``."""
    return {**kudos.preferences(user), "language": user.language, "digest": user.digest}


def do_update_preferences(user: User, data: Any) -> dict[str, Any]:
    """Set any of :data:`FIELDS` for oneself; ``"language": null`` returns to the browser's.

    :raise ValidationFailed: an unknown field, a flag that is not a boolean, a language
        that is not one of ``LANGUAGES``, a digest frequency that is not one of
        :data:`~socialnet.models.DIGEST_FREQUENCIES`. Nothing is changed then.
    """
    data = check_known_fields(data, set(FIELDS))
    digest = data.pop("digest", user.digest)
    if digest not in DIGEST_FREQUENCIES:
        raise ValidationFailed(
            _("digest must be one of %(choices)s.", choices=", ".join(DIGEST_FREQUENCIES)),
            fields={"digest": "not_a_frequency"},
        )
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
    user.digest = digest
    db.session.flush()
    i18n.forget_request_language()
    return preferences(user)
