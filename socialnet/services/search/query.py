"""What a person types, understood once and written for each engine.

The grammar is small and forgiving: words (each matches any word starting with its
*stem*, so "réunions" finds "réunion", "meetings" "meeting", and "jul" "Julie"),
``"quoted phrases"`` (these words, in this order, exactly), and ``-word`` or
``-"a phrase"`` to exclude. Case and accents never matter ("ecole" finds "École").
Everything else (``*``, ``^``, ``:``, ``NEAR(``, parentheses, SQL) is punctuation: only
letters and digits reach an engine, each inside quotes, so no input can be read as FTS5
or tsquery syntax. An unclosed quote closes at the end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ...errors import ValidationFailed
from ...text_keys import fold

#: Longest query accepted, in characters (a 400 beyond).
MAX_QUERY_LENGTH = 200
#: At most this many words, phrases and exclusions are used (the rest is ignored): more
#: would only slow the engine down.
MAX_TERMS = 16

#: A word, as both engines cut text: letters and digits (FTS5 ``unicode61`` and
#: PostgreSQL's parser both split on ``_`` and punctuation).
WORD = re.compile(r"[^\W_]+")
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def stem(word: str) -> str:
    """The prefix a (folded) French or English word is searched by: a light stemmer that
    drops plural ``-s``/``-x``, then ``-ing``/``-ed``, then a final ``-e``, never below
    three letters. Recall over precision: "meetings" → "meet", "réunions" → "reunion",
    "écoles" → "ecol", "bureaux" → "bureau"."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word[-1] in "sx":
        word = word[:-1]
    for ending in ("ing", "ed"):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


@dataclass
class ParsedQuery:
    """A query as lists of folded words: ``prefixes`` (stems, each matching a word it
    starts), ``phrases`` (exact word sequences), ``excluded`` (prefixes or phrases none
    of whose rows are wanted)."""

    text: str
    prefixes: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[list[str]] = field(default_factory=list)

    def fts5(self) -> str:
        """The FTS5 MATCH expression: every token quoted, so none is syntax."""
        positive = [f"{_quote(p)}*" for p in self.prefixes]
        positive += [_quote(" ".join(words)) for words in self.phrases]
        expression = " AND ".join(positive)
        for words in self.excluded:
            negated = _quote(" ".join(words)) + ("*" if len(words) == 1 else "")
            expression = f"({expression}) NOT {negated}"
        return expression

    def tsquery(self, spelled: Mapping[str, Sequence[str]] | None = None) -> str:
        """The ``to_tsquery`` text: every lexeme single-quoted, so none is syntax. A prefix
        with an entry in ``spelled`` is written as those words (``('bravo' | 'bravos')``),
        which must be every word it begins (``engines.spelled_prefixes``)."""
        spelled = spelled or {}
        positive = [
            "(" + " | ".join(_lexeme(w) for w in spelled[p]) + ")"
            if spelled.get(p)
            else f"{_lexeme(p)}:*"
            for p in self.prefixes
        ]
        positive += ["(" + " <-> ".join(_lexeme(w) for w in words) + ")" for words in self.phrases]
        negative = []
        for words in self.excluded:
            if len(words) == 1:
                negative.append(f"!{_lexeme(words[0])}:*")
            else:
                negative.append("!(" + " <-> ".join(_lexeme(w) for w in words) + ")")
        return " & ".join(positive + negative)

    def marks(self, folded_word: str) -> bool:
        """Whether a word of a result is one the query matched (for the snippet)."""
        return any(folded_word.startswith(p) for p in self.prefixes) or any(
            folded_word in words for words in self.phrases
        )


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"


def parse_query(raw: str | None) -> ParsedQuery:
    """Understand ``raw``. :raise ValidationFailed: empty, longer than
    :data:`MAX_QUERY_LENGTH`, or nothing to look for (only punctuation or exclusions)."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationFailed(_("Type something to search for."), fields={"q": "required"})
    if len(raw) > MAX_QUERY_LENGTH:
        raise ValidationFailed(
            _(
                "A search is at most %(max)s characters.",
                max=MAX_QUERY_LENGTH,
            ),
            fields={"q": "too_long"},
        )
    parsed = ParsedQuery(raw)
    for match in _PIECE.finditer(raw):
        negated = bool(match.group(1) or match.group(3))
        quoted = match.group(2) is not None
        words = WORD.findall(fold(match.group(2) if quoted else match.group(4)))
        _add(parsed, words, negated=negated, quoted=quoted)
    if not (parsed.prefixes or parsed.phrases):
        raise ValidationFailed(
            _("Search for at least one word or number (a leading '-' excludes a word)."),
            fields={"q": "no_terms"},
        )
    return parsed


def _add(parsed: ParsedQuery, words: list[str], *, negated: bool, quoted: bool) -> None:
    used = len(parsed.prefixes) + len(parsed.phrases) + len(parsed.excluded)
    if not words or used >= MAX_TERMS:
        return
    if negated:
        parsed.excluded.append([stem(words[0])] if len(words) == 1 else words)
    elif quoted:
        parsed.phrases.append(words)
    else:  # "l'équipe", "jean-pierre": each word must be there
        parsed.prefixes.extend(stem(w) for w in words if stem(w) not in parsed.prefixes)


#: Markdown punctuation left out of snippets (a snippet is plain text with marks).
_MARKDOWN = re.compile(r"[*_`>#~|\[\]]+")


def snippet(text: str, parsed: ParsedQuery, width: int = 160) -> str:
    """A short, HTML-safe extract of ``text`` around its first matched word, matched
    words inside ``<mark>``; everything else is escaped. Only the words up to the first
    match and those of the extract are looked at (a post can be long)."""
    text = " ".join(_MARKDOWN.sub(" ", text or "").split())
    first = next((m for m in WORD.finditer(text) if parsed.marks(fold(m.group()))), None)
    start = 0
    if first is not None and first.start() > width // 3:
        start = text.rfind(" ", 0, first.start() - width // 4) + 1
    end = len(text) if len(text) - start <= width else text.rfind(" ", start, start + width)
    end = end if end > start else min(len(text), start + width)
    pieces: list[str] = ["…" if start else ""]
    position = start
    for word in WORD.finditer(text, start) if first is not None else ():
        if word.end() > end:
            break
        if not parsed.marks(fold(word.group())):
            continue
        pieces += [escape(text[position : word.start()]), Markup("<mark>%s</mark>") % word.group()]
        position = word.end()
    pieces += [escape(text[position:end]), "…" if end < len(text) else ""]
    return str(Markup("").join(pieces))
