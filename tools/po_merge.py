"""A git merge driver for gettext catalogues: the union of both sides' entries.

Two branches that each add strings to ``messages.po`` (sorted, no locations: see
``make messages``) otherwise conflict wherever their new entries sit side by side.
This driver keeps every entry of both sides; where both translated the same string
differently, ours wins and the entry is marked fuzzy, so that the catalogue test
(``tests/test_i18n_catalogue.py``) fails until a person picks. Entries the merge base
had and one side deleted stay deleted.

Set up once per clone (``make hooks`` does it)::

    git config merge.pomerge.driver ".venv/bin/python tools/po_merge.py %O %A %B"

with ``*.po merge=pomerge`` in ``.gitattributes``. Exits 0 (merged into ``%A``).
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def _read(path: str):
    with open(path, "rb") as handle:
        return read_po(handle)


def _key(message) -> tuple[object, str | None]:
    """An entry is its msgid AND its context: ``pgettext("case kind", "Report")`` is not
    ``gettext("Report")``."""
    return (message.id, message.context)


def merge(base_path: str, ours_path: str, theirs_path: str) -> None:
    base, ours, theirs = _read(base_path), _read(ours_path), _read(theirs_path)
    base_keys = {_key(m) for m in base if m.id}
    ours_keys = {_key(m) for m in ours if m.id}
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            if _key(message) in base_keys:  # we deleted it (the code no longer has it)
                continue
            ours[message.id] = message  # keyed with message.context by the catalogue
        elif not mine.string:
            mine.string = message.string
        elif message.string and message.string != mine.string and _key(message) not in base_keys:
            mine.flags.add("fuzzy")
    for message_id, context in list(ours_keys):
        if (message_id, context) in base_keys and theirs.get(message_id, context) is None:
            base_message = base.get(message_id, context)
            mine = ours.get(message_id, context)
            if base_message is not None and mine is not None and mine.string == base_message.string:
                ours.delete(message_id, context)  # they deleted it and we did not touch it
    with open(ours_path, "wb") as handle:
        write_po(handle, ours, sort_output=True, omit_header=False, width=76)


if __name__ == "__main__":
    merge(*sys.argv[1:4])
