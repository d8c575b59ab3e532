"""Every string a person reads in ``static/js`` goes through ``_()`` / ``ngettext()``.

A small JavaScript lexer (strings, template literals, comments, regular expressions)
finds the places where script code hands text to a person ("sinks"):

* assignments to ``textContent``, ``innerText``, ``innerHTML``, ``title``,
  ``placeholder``, ``ariaLabel``, ``alt``;
* ``setAttribute("aria-label" | "title" | "placeholder" | "alt", …)``;
* calls of ``alert``, ``confirm``, ``prompt`` and of this project's ``toast``,
  ``announce``, ``showFormError`` and ``new ApiError`` (whose message is shown);
* ``label:`` in an object literal (chart legends).

Inside a sink, a string literal with words in it (two letters or more; for a template
literal, in its fixed parts, its ``${…}`` expressions being checked like any code) must be
an argument of ``_`` or ``ngettext``. Strings that
are compared (``state === "pending"``) are values, not text, and are not flagged; the
attribute name given to ``setAttribute`` is not text either. Event names, CSS classes,
selectors and API fields never reach a sink, so they need no allow-list; the few
legitimate exceptions would go in :data:`ALLOWED`.

The scan follows no variable: text put in a constant and shown later (search.js's
headings) is caught by review and the pseudo-locale, not here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from socialnet import i18n

JS_DIR = Path(__file__).resolve().parent.parent / "static" / "js"
#: Text a person reads that needs no translation (none today).
ALLOWED: frozenset[str] = frozenset()
TRANSLATORS = {"_", "ngettext"}
ASSIGNED = {"textContent", "innerText", "innerHTML", "title", "placeholder", "ariaLabel", "alt"}
CALLED = {"alert", "confirm", "prompt", "toast", "announce", "showFormError", "ApiError"}
ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}
COMPARISONS = {"===", "!==", "==", "!="}
WORDS = re.compile(r"[^\W\d_]{2,}")
IDENT = re.compile(r"[A-Za-z_$][\w$]*")
NUMBER = re.compile(r"\d[\w.]*")
OPERATORS = ("===", "!==", "...", "?.", "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "+=")
# After these, a "/" starts a regular expression, not a division.
REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {"return", "typeof", "case", "of", "in", None}


@dataclass
class Token:
    kind: str  # "ident", "num", "str", "tpl", "punct", "regex"
    value: str  # the text of a string (a template's fixed parts joined), else the source
    line: int


def _read_string(source: str, i: int) -> tuple[str, int]:
    quote, i, out = source[i], i + 1, []
    while source[i] != quote:
        if source[i] == "\\":
            out.append(source[i : i + 2])
            i += 2
            continue
        out.append(source[i])
        i += 1
    return "".join(out), i + 1


def _read_template(source: str, i: int) -> tuple[str, int, list[str]]:
    """A template literal from its backtick: (its fixed parts, the index after it, the
    source of its ``${…}`` expressions)."""
    i, out, expressions = i + 1, [], []
    while source[i] != "`":
        if source[i] == "\\":
            out.append(source[i : i + 2])
            i += 2
        elif source.startswith("${", i):
            i, depth, start = i + 2, 1, i + 2
            while depth:  # skip the expression, strings and nested templates included
                char = source[i]
                if char in "\"'":
                    i = _read_string(source, i)[1]
                    continue
                if char == "`":
                    i = _read_template(source, i)[1]
                    continue
                depth += {"{": 1, "}": -1}.get(char, 0)
                i += 1
            expressions.append(source[start : i - 1])
            out.append(" ")
        else:
            out.append(source[i])
            i += 1
    return "".join(out), i + 1, expressions


def _read_regex(source: str, i: int) -> int:
    i, in_class = i + 1, False
    while in_class or source[i] != "/":
        if source[i] == "\\":
            i += 1
        elif source[i] == "[":
            in_class = True
        elif source[i] == "]":
            in_class = False
        i += 1
    i += 1
    while i < len(source) and source[i].isalpha():
        i += 1
    return i


def _skip_blank(source: str, i: int) -> int:
    """The index after the whitespace and comments at ``i`` (``i`` if there are none)."""
    while i < len(source):
        if source[i].isspace():
            i += 1
        elif source.startswith("//", i):
            newline = source.find("\n", i)
            i = len(source) if newline < 0 else newline
        elif source.startswith("/*", i):
            i = source.index("*/", i + 2) + 2
        else:
            break
    return i


def _starts_regex(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    return tokens[-1].kind in ("punct", "ident") and tokens[-1].value in REGEX_AFTER


def _read_word(source: str, i: int) -> tuple[Token, int]:
    """An identifier, a number or an operator / punctuation mark at ``i``."""
    line = source.count("\n", 0, i) + 1
    if match := IDENT.match(source, i):
        return Token("ident", match.group(), line), match.end()
    if match := NUMBER.match(source, i):
        return Token("num", match.group(), line), match.end()
    operator = next((op for op in OPERATORS if source.startswith(op, i)), source[i])
    return Token("punct", operator, line), i + len(operator)


def tokenize(source: str) -> list[Token]:
    """Tokens of a script, comments dropped: enough to see strings and what surrounds them."""
    tokens: list[Token] = []
    i = _skip_blank(source, 0)
    while i < len(source):
        char = source[i]
        line = source.count("\n", 0, i) + 1
        if char in "\"'":
            text, i = _read_string(source, i)
            tokens.append(Token("str", text, line))
        elif char == "`":
            text, i, expressions = _read_template(source, i)
            tokens.append(Token("tpl", text, line))
            for expression in expressions:  # checked too, as if in parentheses
                tokens.append(Token("punct", "(", line))
                tokens.extend(Token(t.kind, t.value, line) for t in tokenize(expression))
                tokens.append(Token("punct", ")", line))
        elif char == "/" and _starts_regex(tokens):
            i = _read_regex(source, i)
            tokens.append(Token("regex", "", line))
        else:
            token, i = _read_word(source, i)
            tokens.append(token)
        i = _skip_blank(source, i)
    return tokens


def _region(tokens: list[Token], start: int, stop_at_comma: bool) -> range:
    """Indexes from ``start`` up to the end of the expression (``;``, or a closing bracket
    of an enclosing level, or a ``,`` at this level when ``stop_at_comma``)."""
    depth, i = 0, start
    while i < len(tokens):
        value = tokens[i].value if tokens[i].kind == "punct" else None
        if value in ("(", "[", "{"):
            depth += 1
        elif value in (")", "]", "}"):
            depth -= 1
            if depth < 0:
                break
        elif depth == 0 and (value == ";" or (stop_at_comma and value == ",")):
            break
        i += 1
    return range(start, i)


def _sinks(tokens: list[Token]) -> list[range]:
    found = []
    for i, token in enumerate(tokens):
        after = tokens[i + 1].value if i + 1 < len(tokens) else None
        before = tokens[i - 1].value if i else None
        if token.kind != "ident":
            continue
        if token.value in ASSIGNED and before in (".", "?.") and after == "=":
            found.append(_region(tokens, i + 2, stop_at_comma=True))
        elif token.value in CALLED and after == "(":
            found.append(_region(tokens, i + 2, stop_at_comma=False))
        elif (
            token.value == "setAttribute"
            and after == "("
            and i + 3 < len(tokens)
            and tokens[i + 2].kind == "str"
            and tokens[i + 2].value in ATTRIBUTES
            and tokens[i + 3].value == ","
        ):
            found.append(_region(tokens, i + 4, stop_at_comma=False))
        elif token.value == "label" and after == ":" and before in ("{", ","):
            found.append(_region(tokens, i + 2, stop_at_comma=True))
    return found


def unwrapped_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string with words that reaches a sink outside ``_``/``ngettext``."""
    tokens = tokenize(source)
    problems: dict[tuple[int, str], None] = {}
    for region in _sinks(tokens):
        calls: list[str | None] = []  # the function each open parenthesis belongs to
        for i in region:
            token = tokens[i]
            if token.kind == "punct" and token.value in ("(", "[", "{"):
                previous = tokens[i - 1]
                calls.append(previous.value if previous.kind == "ident" else None)
            elif token.kind == "punct" and token.value in (")", "]", "}") and calls:
                calls.pop()
            elif token.kind in ("str", "tpl") and WORDS.search(token.value):
                if calls and calls[-1] in TRANSLATORS:
                    continue
                near = {tokens[i - 1].value, tokens[i + 1].value if i + 1 < len(tokens) else ""}
                if near & COMPARISONS or token.value in ALLOWED:
                    continue
                problems[(token.line, token.value)] = None
    return list(problems)


def _dynamic_translations(source: str) -> list[int]:
    """Lines where ``_``/``ngettext`` is called on something extraction cannot read."""
    tokens = tokenize(source)
    lines = []
    for i, token in enumerate(tokens[:-2]):
        if token.kind == "ident" and token.value in TRANSLATORS and tokens[i + 1].value == "(":
            if i and tokens[i - 1].value in (".", "function"):
                continue
            if tokens[i + 2].kind != "str":
                lines.append(token.line)
    return lines


SCRIPTS = sorted(JS_DIR.glob("*.js"))


def test_the_scripts_are_found():
    assert {"app.js", "i18n.js", "search.js"} <= {p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_string_a_person_reads_is_translated(script):
    assert unwrapped_strings(script.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_translations_are_called_on_literals_that_make_messages_can_extract(script):
    assert _dynamic_translations(script.read_text(encoding="utf-8")) == []


def test_a_planted_unwrapped_string_in_app_js_is_caught():
    source = (JS_DIR / "app.js").read_text(encoding="utf-8")
    anchor = 'announce(_("Your post is live."));'
    assert anchor in source
    planted = source.replace(anchor, anchor + '\n      toast("Saved, thank you!");', 1)
    line = planted[: planted.index('toast("Saved')].count("\n") + 1
    assert unwrapped_strings(planted) == [(line, "Saved, thank you!")]


def test_the_scanner_flags_each_kind_of_sink():
    source = """
    el.textContent = "Hello there";
    el.title = `Edited ${when}`;
    input.placeholder = flag ? "Search people" : _("Search");
    link.setAttribute("aria-label", `Notifications, ${n} unread`);
    input.setAttribute("aria-label", `${isSlot ? "Slot" : _("Option")} ${i + 1}`);
    alert('Oops');
    if (!window.confirm("Delete this post?")) return;
    throw new ApiError("Network problem", 0);
    draw([{ label: "Posts", data: [] }]);
    box.innerHTML = "<b>Welcome</b>";
    """
    assert [text for _line, text in unwrapped_strings(source)] == [
        "Hello there",
        "Edited  ",
        "Search people",
        "Notifications,   unread",
        "Slot",
        "Oops",
        "Delete this post?",
        "Network problem",
        "Posts",
        "<b>Welcome</b>",
    ]


def test_the_scanner_leaves_code_strings_and_wrapped_text_alone():
    source = r"""
    // A comment's apostrophe and "quotes" are not strings.
    /* Neither are "these", it's fine. */
    el.classList.add("is-new");
    socket.on("catchup", (payload) => payload);
    link.setAttribute("aria-expanded", "false");
    el.setAttribute("aria-labelledby", `post-${id}-author`);
    document.dispatchEvent(new CustomEvent("socialnet:case-updated", { detail: data }));
    const re = /"[^"]*"/g, half = total / 2, other = "it's" ;
    badge.textContent = state === "pending" ? _("Pending approval") : _("Hidden by moderation");
    button.textContent = `${person.display_name} (@${person.handle})`;
    badge.textContent = value > 99 ? `${i18n.number(99)}+` : i18n.number(value);
    label.textContent = ngettext("comment", "comments", value);
    el.title = _("Edited %(when)s", { when: i18n.dateTime(at) });
    announce(_("New post from %(name)s", { name: post.author.display_name }));
    avatar.textContent = n.actor?.initials || "·";
    draw([{ label: _("Posts"), data: series(rows, "posts") }]);
    """
    assert unwrapped_strings(source) == []


def test_a_translation_of_a_variable_is_flagged():
    assert _dynamic_translations('toast(_(message));\nx = _("Fine");\ny = ngettext(a, b, n);') == [
        1,
        3,
    ]


def test_the_browser_catalogue_has_the_strings_of_every_script():
    """What ``socialnet.i18n.js_messages`` embeds in pages: i18n.js's own string included."""
    messages = dict(i18n.js_messages())
    assert "just now" in messages  # i18n.js
    assert messages["%(num)s new post ↑"] == "%(num)s new posts ↑"  # app.js
    assert "Active people" in messages  # analytics.js
    assert "✔ Answered" in messages  # questions.js
    assert messages["%(num)s post"] == "%(num)s posts"  # search.js


def _embedded_catalog(client, language: str) -> dict:
    page = client.get("/sign-in", headers={"Accept-Language": language}).get_data(as_text=True)
    match = re.search(r'<script id="i18n-catalog" type="application/json">(.*?)</script>', page)
    assert match, "every page embeds the browser's strings"
    return json.loads(match.group(1))["messages"]


def test_a_french_page_carries_the_french_of_the_scripts_strings(client):
    french = _embedded_catalog(client, "fr-FR,fr;q=0.9")
    english = _embedded_catalog(client, "en-GB,en;q=0.8")
    assert french["just now"] == "à l’instant"
    assert french["Your post is live."] == "Votre publication est en ligne."
    assert french["%(num)s new post ↑"] == [
        "%(num)s nouvelle publication ↑",
        "%(num)s nouvelles publications ↑",
    ]
    assert english["%(num)s new post ↑"] == ["%(num)s new post ↑", "%(num)s new posts ↑"]
    assert english["just now"] == "just now"
    for singular, plural in i18n.js_messages():
        if plural is None:
            assert french[singular], singular
        else:
            assert all(french[singular]) and len(french[singular]) == 2, singular
