"""One normalisation for every "is this the same name?" decision: :func:`fold`.

Company values, group names, people's names and handles, hashtags and watched words
are compared through a key stored beside the text (``name_key``, ``handle_key``,
``word_key``; hashtags store only their key). The database indexes the key, enforces
uniqueness on it where names must be unique, and every lookup compares
``key == fold(input)`` (or ``key LIKE fold(input) || '%'`` with LIKE wildcards
escaped). SQL ``lower()`` is never used for this: SQLite's folds ASCII only, so the
two engines would disagree about "Équipe" and "équipe".

What :func:`fold` does, in this order, to each character:

1. NFKD: compatibility decomposition. Accented letters split into a base letter and
   combining marks (``É`` → ``E`` + U+0301), ligatures and presentation forms become
   their plain letters (``ﬁ`` → ``fi``, fullwidth ``Ａ`` → ``A``, ``²`` → ``2``).
2. Combining marks (accents) and invisible format characters (Unicode category Cf:
   zero-width joiners, soft hyphens, direction marks) are dropped.
3. Unicode full case folding (:meth:`str.casefold`): ``ß`` and ``ẞ`` → ``ss``,
   ``Σ``/``ς`` → ``σ``. Steps 1–2 run again on the result, since a few folded
   characters decompose further (Greek with iota subscript).

Then, on the whole text: whitespace runs (any Unicode space, tabs, newlines) become one
space, the ends are stripped, and NFC recomposes what NFKD split without an accent to
drop (Hangul syllables). The result is idempotent: ``fold(fold(x)) == fold(x)``.

Known consequences, all language-independent by design: ``İ`` (Turkish capital dotted
I) folds to ``i``; Turkish dotless ``ı`` has no decomposition and no case folding, so it
stays ``ı`` and differs from ``i``; ``Ø``, ``Æ``, ``Œ`` and ``Ł`` are letters of their
own (no decomposition), so they fold to ``ø``, ``æ``, ``œ``, ``ł``, not ``o``/``ae``/``l``.
A folded key can be longer than its text (``ß`` → ``ss``, ``ﬃ`` → ``ffi``, and a few
Arabic ligatures expand up to 18 characters): see :func:`bounded`.
"""

from __future__ import annotations

import functools
import unicodedata

from .errors import ValidationFailed

#: A key column is this many times as wide as its text column (NFKD + casefold can
#: lengthen a text; see :func:`bounded`).
KEY_WIDTH_FACTOR = 4


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
    )


@functools.lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """Steps 1–3 of :func:`fold` for one character (may be empty or several characters).

    Watched words match with it character by character, to map a match back to the
    characters of the original text. Cached: a text repeats its characters, and two
    Unicode normalizations per character were most of a search's snippets.
    """
    return _strip_marks(_strip_marks(char).casefold())


def fold(text: str) -> str:
    """The key of ``text`` for case- and accent-insensitive comparison (module docstring)."""
    if text.isascii():  # the same key, without a normalization per character
        return " ".join(text.lower().split())
    folded = "".join(fold_char(c) for c in text)
    return unicodedata.normalize("NFC", " ".join(folded.split()))


def bounded(text: str, field: str, max_len: int) -> str:
    """``fold(text)`` if it fits a key column of ``max_len`` characters.

    :raise ValidationFailed: ``fields[field] = "too_long"``: only texts made of
        characters that expand a lot (ligatures such as U+FDFA) get there.
    """
    return check_fits(fold(text), field, max_len)


def check_fits(key: str, field: str, max_len: int) -> str:
    """``key`` if it fits a key column of ``max_len`` characters (as :func:`bounded`)."""
    if len(key) > max_len:
        raise ValidationFailed(
            f"{field} is too long once its accents and ligatures are spelled out.",
            fields={field: "too_long"},
        )
    return key


def truncated(text: str | None, max_len: int) -> str:
    """``fold(text)`` cut to ``max_len``: for keys that only sort and search."""
    return fold(text or "")[:max_len]


def watched_word_key(pattern: str, is_regex: bool) -> str:
    """What a watched word matches: a plain word's :func:`fold` (``*`` kept), a regular
    expression with only its non-ASCII characters folded (what is compiled; folding
    ASCII case would turn ``\\W`` into ``\\w``)."""
    if is_regex:
        return "".join(c if c.isascii() else fold_char(c) for c in pattern)
    return fold(pattern)


def like_prefix(text: str) -> str:
    """A LIKE pattern (escape ``\\``) for keys starting with ``fold(text)``."""
    return escape_like(fold(text)) + "%"


def like_anywhere(text: str) -> str:
    """A LIKE pattern (escape ``\\``) for keys containing ``fold(text)``."""
    return "%" + escape_like(fold(text)) + "%"


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards and the escape character escaped by ``\\``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: The longest mention handle (``users.handle`` and ``groups.handle`` are this wide).
HANDLE_MAX = 64


def handle_slug(name: str, width: int = HANDLE_MAX) -> str:
    """A mention handle spelled from a name: its :func:`fold`, runs of anything but ASCII
    letters and digits as one ``-``, cut to ``width`` ("Équipe Lyon" → ``equipe-lyon``).
    Empty when nothing of the name is ASCII (the caller picks a fallback)."""
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in fold(name))
    return "-".join(part for part in slug.split("-") if part)[:width].strip("-")


def unique_handle(base: str, taken: set[str], width: int = HANDLE_MAX) -> str:
    """``base``, or ``base-2``, ``base-3``… (cut to fit ``width``): the first whose
    :func:`fold` is not in ``taken`` (a set of handle keys)."""
    if fold(base) not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: width - len(suffix)].rstrip("-._") + suffix
        if fold(candidate) not in taken:
            return candidate
        number += 1
