"""Watched words: what community managers watch for in what people write, and what happens.

Each word or pattern has an action — ``block`` (refused with a clear message),
``require_approval`` (held for a moderator), ``flag`` (published, and a case is
opened) or ``censor`` (stored with the match masked, so every read path, export
and event shows it masked). Matching ignores case and accents: "ecole" matches
"École". Plain words match whole words (``*`` stands for any letters); regular
expressions are checked when saved — nested or alternated repetition, the shape
of catastrophic backtracking such as ``(a+)+$``, is refused — and every match
runs with a timeout, so no pattern can hang the server.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import regex
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..models import WATCHED_WORD_ACTIONS, User, WatchedWord, WatchedWordAction
from ..serializers import iso
from ..text_keys import KEY_WIDTH_FACTOR, check_fits, fold_char, watched_word_key
from . import audit
from .unique import insert_unless_taken
from .validation import check_known_fields, check_text

log = logging.getLogger(__name__)

PATTERN_MAX_CHARS = 200
#: Wall-clock budget of one pattern on one text; a pattern that runs out is skipped.
MATCH_TIMEOUT_SECONDS = 0.05
MASK = "■"
#: Strongest first: the action a text gets when several words match.
SEVERITY = ("block", "require_approval", "flag", "censor")

_parser: Any = re._parser  # type: ignore[attr-defined]  # the stdlib's own regex parser
_REPEATS = {_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT}


# --- matching -------------------------------------------------------------------------


def normalize(text: str) -> tuple[str, list[int] | None]:
    """``text`` without accents and case (:func:`~socialnet.text_keys.fold_char`: invisible
    format characters fold to nothing, so "bad\u200dword" is "badword"), and for each of
    its characters the index of the character of ``text`` it came from (None when they are
    the same: ASCII text)."""
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        folded = fold_char(char)
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def strip_accents(pattern: str) -> str:
    """A regular expression as compiled: its non-ASCII characters folded."""
    return watched_word_key(pattern, is_regex=True)


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str, is_regex: bool) -> regex.Pattern:
    """The compiled matcher of a stored word (cached per process; words change rarely)."""
    if is_regex:
        return regex.compile(strip_accents(pattern), regex.IGNORECASE | regex.V0)
    parts = [regex.escape(p) for p in normalize(pattern.strip())[0].split("*")]
    return regex.compile(r"(?<!\w)" + r"\w*".join(parts) + r"(?!\w)")


def _spans(word: WatchedWord, folded: str) -> list[tuple[int, int]] | None:
    """Where ``word`` matches ``folded``; None when matching ran out of time."""
    try:
        matcher = compile_pattern(word.pattern, word.is_regex)
        return [
            m.span()
            for m in matcher.finditer(folded, timeout=MATCH_TIMEOUT_SECONDS)
            if m.end() > m.start()
        ]
    except TimeoutError:
        log.warning("watched word %s timed out on a %d-character text", word.id, len(folded))
        return None


def _mask(text: str, spans: list[tuple[int, int]], origin: list[int] | None) -> str:
    chars = list(text)
    for start, end in spans:
        first, last = (start, end - 1) if origin is None else (origin[start], origin[end - 1])
        for i in range(first, last + 1):
            if not chars[i].isspace():
                chars[i] = MASK
    return "".join(chars)


@dataclass
class Screening:
    """What the watched words say about a piece of writing.

    ``texts`` are the fields as they must be stored (censored words masked);
    ``hold`` lists the words that require approval, ``flags`` those that open a case.
    """

    texts: dict[str, str]
    hold: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        words = [*self.hold, *self.flags]
        return "Watched words: " + ", ".join(f"“{w}”" for w in words) if words else ""


def screen(fields: dict[str, str | None]) -> Screening:
    """Check every field of one piece of writing against the watched words.

    :raise ValidationFailed: a ``block`` word matched (the message names it and the field).
    """
    words = sorted(db.session.scalars(select(WatchedWord)), key=lambda w: SEVERITY.index(w.action))
    result = Screening(texts={k: v for k, v in fields.items() if v is not None})
    if not words:
        return result
    for name, text in list(result.texts.items()):
        folded, origin = normalize(text)
        censored: list[tuple[int, int]] = []
        for word in words:
            spans = _spans(word, folded)
            if spans is None:
                # Fail closed: a text that outran a pattern goes to a human — held if the
                # word would have blocked or held it, flagged otherwise.
                strong = word.action in ("block", "require_approval")
                (result.hold if strong else result.flags).append(f"{word.pattern} (timed out)")
                continue
            if not spans:
                continue
            if word.action == WatchedWordAction.BLOCK.value:
                raise ValidationFailed(
                    _(
                        "“%(pattern)s” is not allowed here: please rephrase your %(name)s.",
                        pattern=word.pattern,
                        name=name,
                    ),
                    fields={name: "watched_word"},
                )
            if word.action == WatchedWordAction.CENSOR.value:
                censored.extend(spans)
            elif word.action == WatchedWordAction.REQUIRE_APPROVAL.value:
                result.hold.append(word.pattern)
            else:
                result.flags.append(word.pattern)
        if censored:
            result.texts[name] = _mask(text, censored, origin)
    return result


# --- the list --------------------------------------------------------------------------


def check_pattern_is_safe(pattern: str) -> None:
    """Refuse a regular expression that does not compile or could backtrack for ever.

    :raise ValidationFailed: invalid, a back-reference, or repetition nested in
        repetition / alternation inside repetition (``(a+)+``, ``(a|aa)*``).
    """
    pattern = strip_accents(pattern)  # what compile_pattern compiles: "（a＋）＋" is "(a+)+"
    try:
        regex.compile(pattern)
        parsed = _parser.parse(pattern)
    except (regex.error, re.error, RecursionError, OverflowError) as exc:
        raise ValidationFailed(
            _("This is not a valid regular expression: %(exc)s.", exc=exc),
            fields={"pattern": "invalid"},
        ) from None
    problem = _dangerous(parsed, inside_repeat=False)
    if problem:
        raise ValidationFailed(
            _(
                "This pattern is refused: %(problem)s can make matching take "
                "exponential time. Simplify it (e.g. 'a+' instead of '(a+)+').",
                problem=problem,
            ),
            fields={"pattern": "catastrophic"},
        )


def _dangerous(parsed: Any, *, inside_repeat: bool) -> str | None:
    for op, av in parsed:
        if op in _REPEATS:
            _min, high, sub = av
            unbounded = high == _parser.MAXREPEAT or high > 50
            if unbounded and inside_repeat:
                return _("a repetition inside a repetition")
            found = _dangerous(sub, inside_repeat=inside_repeat or unbounded)
        elif op == _parser.SUBPATTERN:
            found = _dangerous(av[-1], inside_repeat=inside_repeat)
        elif op == _parser.BRANCH:
            if inside_repeat:
                return _("an alternation inside a repetition")
            found = next((f for b in av[1] if (f := _dangerous(b, inside_repeat=False))), None)
        elif op in (_parser.ASSERT, _parser.ASSERT_NOT):
            found = _dangerous(av[1], inside_repeat=inside_repeat)
        elif op in (_parser.GROUPREF, _parser.GROUPREF_EXISTS):
            return _("a back-reference")
        else:
            found = None
        if found:
            return found
    return None


def word_dict(word: WatchedWord) -> dict[str, Any]:
    return {
        "id": word.id,
        "pattern": word.pattern,
        "regex": word.is_regex,
        "action": word.action,
        "created_at": iso(word.created_at),
    }


def _check_can_manage(user: User) -> None:
    if not policy.is_moderator(user):
        raise Forbidden(_("Only community managers can manage watched words."))


def list_words(user: User) -> list[WatchedWord]:
    _check_can_manage(user)
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.id)))


def do_add_word(user: User, data: Any) -> WatchedWord:
    """Add ``{"pattern", "regex", "action"}``; audited.

    :raise Conflict: a watched word of the same kind has the same key
        (:func:`~socialnet.text_keys.watched_word_key`); nothing is written.
    """
    _check_can_manage(user)
    data = check_known_fields(data, {"pattern", "regex", "action"})
    pattern = check_text(data.get("pattern"), "pattern", max_len=PATTERN_MAX_CHARS)
    is_regex = data.get("regex", False)
    if not isinstance(is_regex, bool):
        raise ValidationFailed(_("regex must be true or false."), fields={"regex": "not_bool"})
    action = data.get("action")
    if action not in WATCHED_WORD_ACTIONS:
        raise ValidationFailed(
            _("action must be one of: %(values)s.", values=", ".join(WATCHED_WORD_ACTIONS)),
            fields={"action": "unknown"},
        )
    if is_regex:
        check_pattern_is_safe(pattern)
    elif not normalize(pattern.replace("*", ""))[0].strip():
        raise ValidationFailed(
            _("A word needs letters, not only '*'."), fields={"pattern": "empty"}
        )
    key = check_fits(
        watched_word_key(pattern, is_regex), "pattern", PATTERN_MAX_CHARS * KEY_WIDTH_FACTOR
    )
    row = {"pattern": pattern, "is_regex": is_regex, "action": action, "created_by_id": user.id}
    word = insert_unless_taken(WatchedWord, {**row, "word_key": key}, ["word_key", "is_regex"])
    if word is None:
        raise Conflict(
            _(
                "This word is already watched (words differing only by case or "
                "accents are the same word)."
            ),
            fields={"pattern": "duplicate"},
        )
    audit.record(user, "watched_word.added", "watched_word", word.id, after=word_dict(word))
    return word


def do_delete_word(user: User, word_id: int) -> None:
    _check_can_manage(user)
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        raise NotFound(_("No such watched word."))
    audit.record(user, "watched_word.removed", "watched_word", word.id, before=word_dict(word))
    db.session.delete(word)
    db.session.flush()
