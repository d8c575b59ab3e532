"""The French catalogue is complete and current: what CI checks on every change.

A string wrapped in ``_()`` (Python, Jinja, JS) that is not in
``socialnet/translations/fr/LC_MESSAGES/messages.po`` with a French text fails here:
run ``make messages``, translate the new entries, commit the ``.po``. The ``.mo`` is
compiled by ``make`` (never committed), so it cannot be stale in a build.
"""

from __future__ import annotations

import re

from babel.messages.mofile import read_mo

from tests.i18n_support import PO_FILE, extract_catalog, french_catalog

PLACEHOLDER = re.compile(r"%\(([a-z_0-9]+)\)[sd]|%[sd]")


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def test_every_string_in_the_code_has_a_french_translation(tmp_path_factory):
    source = extract_catalog(str(tmp_path_factory.mktemp("pot")))
    french = french_catalog()
    missing = sorted(str(i) for i in _ids(source) - _ids(french))
    assert not missing, f"run `make messages` and translate: {missing[:20]}"
    untranslated, fuzzy = [], []
    for message in french:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(forms):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"French text missing for: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy (unchecked) French entries: {fuzzy[:20]}"


def test_the_catalogue_holds_no_string_the_code_no_longer_has(tmp_path_factory):
    source = extract_catalog(str(tmp_path_factory.mktemp("pot")))
    stale = sorted(str(i) for i in _ids(french_catalog()) - _ids(source))
    assert not stale, f"run `make messages` to drop: {stale[:20]}"


def test_every_translation_keeps_the_placeholders_of_its_english(tmp_path_factory):
    wrong = []
    for message in french_catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for form in forms:
            if form and set(PLACEHOLDER.findall(form)) - wanted:
                wrong.append((message.id, form))
            if form and len(ids) == 1 and set(PLACEHOLDER.findall(form)) != wanted:
                wrong.append((message.id, form))
    assert not wrong, wrong[:10]


def test_french_plurals_have_two_forms_with_one_for_zero_and_one():
    assert french_catalog().plural_forms == "nplurals=2; plural=(n > 1);"


def test_the_compiled_catalogue_is_the_one_the_po_file_says(tmp_path_factory):
    """``make translations`` ran after the last change to the ``.po`` (make test does)."""
    mo_file = PO_FILE.with_suffix(".mo")
    assert mo_file.exists(), "run `make translations`"
    with mo_file.open("rb") as handle:
        compiled = read_mo(handle)
    expected = {_key(m.id): _key(m.string) for m in french_catalog() if m.id and not m.fuzzy}
    assert {_key(m.id): _key(m.string) for m in compiled if m.id} == expected


def _key(value):
    """Plural entries come back as lists from one reader and tuples from the other."""
    return tuple(value) if isinstance(value, (list, tuple)) else value
