"""tools/po_merge.py, the git merge driver of the French catalogue: a union that loses nothing."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from tools.po_merge import merge


def _write(path, entries):
    catalog = Catalog(locale="fr")
    for (msgid, context), text in entries.items():
        catalog.add(msgid, text, context=context)
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True)
    return str(path)


def _entries(path):
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    return {(m.id, m.context): (m.string, "fuzzy" in m.flags) for m in catalog if m.id}


def test_both_sides_entries_are_kept_including_a_context_beside_the_same_msgid(tmp_path):
    base = _write(tmp_path / "base.po", {("Save", None): "Enregistrer"})
    ours = _write(tmp_path / "ours.po", {("Save", None): "Enregistrer", ("Group", None): "Groupe"})
    theirs = _write(
        tmp_path / "theirs.po",
        {
            ("Save", None): "Enregistrer",
            ("Group", "case target"): "Groupe",
            ("Report", "case kind"): "Signalement",
        },
    )
    merge(base, ours, theirs)
    assert _entries(ours) == {
        ("Save", None): ("Enregistrer", False),
        ("Group", None): ("Groupe", False),
        ("Group", "case target"): ("Groupe", False),
        ("Report", "case kind"): ("Signalement", False),
    }


def test_two_new_translations_of_one_string_are_marked_for_a_person_to_choose(tmp_path):
    base = _write(tmp_path / "base.po", {})
    ours = _write(tmp_path / "ours.po", {("About", None): "À propos"})
    theirs = _write(tmp_path / "theirs.po", {("About", None): "Concerne"})
    merge(base, ours, theirs)
    assert _entries(ours) == {("About", None): ("À propos", True)}


def test_an_entry_one_side_deleted_stays_deleted(tmp_path):
    entries = {("Old", None): "Ancien", ("Kept", "ctx"): "Gardé"}
    base = _write(tmp_path / "base.po", entries)
    ours = _write(tmp_path / "ours.po", entries)
    theirs = _write(tmp_path / "theirs.po", {("Kept", "ctx"): "Gardé"})
    merge(base, ours, theirs)
    assert _entries(ours) == {("Kept", "ctx"): ("Gardé", False)}
