"""The language switch in the page header (``POST /settings/language``), with or without JS.

Signed in, it sets the person's preference (the same as ``PATCH /api/v1/me/preferences``);
signed out (the sign-in page), a ``language`` cookie (``socialnet/i18n.py``).
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from .. import i18n
from ..services import preferences
from ..unit_of_work import commit
from ._common import form_next, me

bp = Blueprint("language", __name__)

COOKIE_MAX_AGE = 365 * 24 * 3600


@bp.post("/settings/language")
def switch():
    language = i18n.check_language(request.form.get("language"))
    if language is None:
        abort(400, description=i18n.gettext("Choose one of the languages offered."))
    back = form_next() or url_for("feed.home")
    response = redirect(back)
    if current_user.is_authenticated:
        preferences.do_update_preferences(me(), {"language": language})
        commit()
    else:
        response.set_cookie(
            i18n.LANGUAGE_COOKIE,
            language,
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response
