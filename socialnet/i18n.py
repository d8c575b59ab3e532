"""French and English: which language a request speaks, and the strings the browser needs.

The source text is English, written in the code and templates and wrapped in
``_()``/``ngettext()`` (Python: :mod:`flask_babel`, Jinja: the same names, JS:
``static/js/i18n.js``). The French catalogue is
``socialnet/translations/fr/LC_MESSAGES/messages.po``; ``make translations``
compiles it (the ``.mo`` is built, never committed) and ``make messages``
extracts new strings into it (``babel.cfg`` names the sources).

Language of a request, first that applies (:func:`select_language`):

1. the person's preference (``users.language``, ``PATCH /api/v1/me/preferences``);
2. for someone not signed in, the ``language`` cookie set by the header switch;
3. the browser's ``Accept-Language``, among ``LANGUAGES``;
4. ``DEFAULT_LANGUAGE`` (``SOCIALNET_DEFAULT_LANGUAGE``).

Outside a request (jobs, CLI) the language is ``DEFAULT_LANGUAGE``; code that
writes for one person uses :func:`for_person`. Error codes (``"error"``) and
field codes stay English whatever the language; only ``"message"`` is translated.
Times are shown in the company's time zone (``COMPANY_TIMEZONE``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import (
    Babel,
    LazyString,
    force_locale,
    get_locale,
    get_translations,
    gettext,
    lazy_gettext,
)
from flask_login import current_user

from .jsoncodec import OrjsonProvider

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
JS_DIR = Path(__file__).resolve().parent.parent / "static" / "js"
LANGUAGE_COOKIE = "language"
#: What each language is called in itself, for the switch in the page header.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

babel = Babel()

__all__ = ["babel", "for_person", "gettext", "install", "lazy_gettext", "select_language"]


class JSONProvider(OrjsonProvider):
    """Flask's JSON (through orjson), plus ``lazy_gettext`` strings (module-level labels)
    as their text."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, LazyString):
            return str(o)
        return DefaultJSONProvider.default(o)


def supported_languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def check_language(value: Any) -> str | None:
    """The language code if ``value`` names one of ``LANGUAGES``, else ``None``."""
    if isinstance(value, str) and value in supported_languages():
        return value
    return None


def select_language() -> str:
    """The language of the current request (see the module docstring for the order)."""
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    cached = getattr(g, "_language", None)
    if cached:
        return cached
    language = None
    user = g.get("api_user")  # a bearer token's person (socialnet/lifecycle.py)
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    if user is not None:
        language = check_language(getattr(user, "language", None))
    else:
        language = check_language(request.cookies.get(LANGUAGE_COOKIE))
    if language is None:
        language = request.accept_languages.best_match(supported_languages()) or default
    g._language = language
    return language


def select_timezone() -> str:
    return current_app.config["COMPANY_TIMEZONE"]


def current_language() -> str:
    """The code of the language in use (``"en"``, ``"fr"``)."""
    locale = get_locale()
    return str(locale.language) if locale is not None else "en"


def forget_request_language() -> None:
    """Drop the cached choice (after the person changed their preference)."""
    g.pop("_language", None)
    from flask_babel import refresh

    refresh()


@contextmanager
def for_person(user: Any) -> Iterator[None]:
    """Speak ``user``'s language inside the block (an email, a text written for them)."""
    language = check_language(getattr(user, "language", None))
    with force_locale(language or current_app.config["DEFAULT_LANGUAGE"]):
        yield


# -- the browser's strings ------------------------------------------------------------


@functools.cache
def js_messages() -> tuple[tuple[str, str | None], ...]:
    """Every ``_("…")`` / ``ngettext("…", "…", n)`` in ``static/js``: (singular, plural)."""
    from babel.messages.extract import extract_from_dir

    found: dict[tuple[str, str | None], None] = {}
    method_map = [("**.js", "javascript")]
    keywords = {"_": None, "ngettext": (1, 2)}
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(JS_DIR), method_map, keywords=keywords
    ):
        if isinstance(message, tuple):
            found[(message[0], message[1])] = None
        else:
            found[(message, None)] = None
    return tuple(found)


def js_catalog() -> dict[str, Any]:
    """The browser's strings in the request's language, embedded in every page.

    ``{"language", "timezone", "messages": {msgid: text | [one, other]}}``: a plural
    carries the forms for ``n == 1`` and for ``n == 2`` (enough for French and English;
    ``static/js/i18n.js`` picks with ``Intl.PluralRules``).
    """
    cache = current_app.extensions.setdefault("socialnet_js_catalogs", {})
    language = current_language()
    if language not in cache:
        translations = get_translations()  # raw: the browser fills in the %(name)s
        messages: dict[str, Any] = {}
        for singular, plural in js_messages():
            if plural is None:
                messages[singular] = translations.gettext(singular)
            else:
                messages[singular] = [
                    translations.ngettext(singular, plural, 1),
                    translations.ngettext(singular, plural, 2),
                ]
        cache[language] = messages
    return {
        "language": language,
        "timezone": select_timezone(),
        "messages": cache[language],
    }


def install(app: Flask) -> None:
    """Set up Flask-Babel with the selectors above and the template globals."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["COMPANY_TIMEZONE"]
    babel.init_app(app, locale_selector=select_language, timezone_selector=select_timezone)
    app.json = JSONProvider(app)

    @app.context_processor
    def _language_globals() -> dict[str, Any]:
        return {
            "current_language": current_language,
            "language_names": LANGUAGE_NAMES,
            "supported_languages": supported_languages,
            "js_catalog": js_catalog,
        }
