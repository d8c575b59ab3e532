"""The catalogue as the code has it, and a pseudo-locale to prove every string is wrapped.

:func:`extract_catalog` runs the same extraction as ``make messages`` (``babel.cfg``).
:func:`pseudo_locale` (a context manager) adds the language :data:`PSEUDO` to the app,
whose every translation is its English text between :data:`OPEN` and :data:`CLOSE`
(``Save`` → ``⟦Save⟧``): on a page rendered in it, visible text outside the markers
that is not user content is a string somebody forgot to wrap.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from babel.dates import get_day_names, get_month_names
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import get_babel

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "socialnet" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2"]
#: Esperanto: a locale Babel knows that socialnet does not offer.
PSEUDO = "eo"
OPEN, CLOSE = "⟦", "⟧"
WRAPPED = re.compile(re.escape(OPEN) + r".*?" + re.escape(CLOSE), re.S)


@functools.cache
def extract_catalog(tmp_dir: str) -> Catalog:
    """What ``make messages`` extracts now (cached for the session)."""
    pot = Path(tmp_dir) / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), *KEYWORDS,
         "--no-location", "-o", str(pot), str(ROOT)]
    )  # fmt: skip
    with pot.open("rb") as handle:
        return read_po(handle)


def french_catalog() -> Catalog:
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="fr")


def _pseudo(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}"


@contextmanager
def pseudo_locale(app: Flask, tmp_dir: Path) -> Iterator[str]:
    """Offer :data:`PSEUDO` inside the block; yields its code for ``Accept-Language``."""
    source = extract_catalog(str(tmp_dir))
    catalog = Catalog(locale=PSEUDO)
    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            catalog.add(
                message.id,
                tuple(_pseudo(form) for form in message.id),
                context=message.context,
            )
        else:
            catalog.add(message.id, _pseudo(message.id), context=message.context)
    target = tmp_dir / "pseudo" / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    babel_config = get_babel(app)
    directories = list(babel_config.translation_directories)
    languages = app.config["LANGUAGES"]
    babel_config.translation_directories = [*directories, str(tmp_dir / "pseudo")]
    app.config["LANGUAGES"] = (*languages, PSEUDO)
    babel_config.instance.domain_instance.cache.clear()
    app.extensions.pop("socialnet_js_catalogs", None)
    try:
        yield PSEUDO
    finally:
        babel_config.translation_directories = directories
        app.config["LANGUAGES"] = languages
        babel_config.instance.domain_instance.cache.clear()
        app.extensions.pop("socialnet_js_catalogs", None)


def unwrapped(text: str) -> str:
    """``text`` without its pseudo-translated parts, digits, punctuation and spaces."""
    text = WRAPPED.sub(" ", text)
    return re.sub(r"[\W\d_]+", " ", text).strip()


class VisibleText(HTMLParser):
    """Text nodes and title/aria-label/placeholder/alt attributes and button values, minus
    ``<script>``, ``<style>`` and ``<code>`` (codes, patterns, JSON: data, not prose)."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "data-confirm")
    SKIPPED = ("script", "style", "code")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """What a person reads on ``page`` (see :class:`VisibleText`), a part per line."""
    parser = VisibleText()
    parser.feed(page)
    return "\n".join(parser.parts)


def date_words() -> set[str]:
    """Month and day names Babel writes for the pseudo-locale (dates are Babel's, not ours)."""
    words: set[str] = set()
    for context in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            for names in (
                get_month_names(width, context, PSEUDO),
                get_day_names(width, context, PSEUDO),
            ):
                for name in names.values():
                    words.update(re.sub(r"[\W\d_]+", " ", name).lower().split())
    return words
