"""User text → safe HTML: Markdown with @mentions and #hashtags, then sanitized.

Raw HTML in the source is never honoured (markdown-it runs with ``html=False``)
and the output is cleaned again by nh3 (Ammonia) with a small allow-list and
only http, https and mailto links, so no script or ``javascript:`` URL can reach
a page or a socket payload whatever markdown-it does.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import SimpleNamespace

import nh3
from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.linkify import linkify as _upstream_linkify_rule

from .text_keys import fold

MENTION_RE = re.compile(r"@([A-Za-z0-9][A-Za-z0-9._-]{0,62}[A-Za-z0-9]|[A-Za-z0-9])")
HASHTAG_RE = re.compile(r"#(\w[\w-]{0,62})", re.UNICODE)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "data-user-id", "data-group-id"},
    "th": {"align"},
    "td": {"align"},
}


@dataclass
class Rendered:
    html: str
    mentioned_ids: list[int] = field(default_factory=list)
    #: The groups whose ``@handle`` became a link, in order of first mention.
    mentioned_group_ids: list[int] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)


#: The width of the ``post_hashtags.tag`` column.
TAG_MAX = 64


def _word_boundary_before(state: StateInline) -> bool:
    return state.pos == 0 or not (
        state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] in "_@#/&"
    )


def _mention_rule(state: StateInline, silent: bool) -> bool:
    # Not inside a link's label: a nested <a> would be split apart by the sanitizer.
    if state.src[state.pos] != "@" or state.linkLevel > 0 or not _word_boundary_before(state):
        return False
    match = MENTION_RE.match(state.src, state.pos)
    if not match:
        return False
    handles: Mapping[str, tuple[int, str]] = state.env.get("handles", {})
    key = fold(match.group(1))
    user = handles.get(key)
    group_id = None if user is not None else state.env.get("group_handles", {}).get(key)
    if user is None and group_id is None:
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        if user is not None:
            user_id, _name = user
            token.attrs = {
                "href": f"/people/{user_id}",
                "class": "mention",
                "data-user-id": user_id,
            }
            state.env.setdefault("mentioned", []).append(user_id)
        else:
            token.attrs = {
                "href": f"/groups/{group_id}",
                "class": "mention mention-group",
                "data-group-id": group_id,
            }
            state.env.setdefault("mentioned_groups", []).append(group_id)
        text = state.push("text", "", 0)
        text.content = match.group(0)
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


def _hashtag_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "#" or state.linkLevel > 0 or not _word_boundary_before(state):
        return False
    match = HASHTAG_RE.match(state.src, state.pos)
    if not match or match.group(1).isdigit():
        return False
    tag = fold(match.group(1))  # the tag's key: #Équipe and #equipe are one tag
    if not tag or len(tag) > TAG_MAX:  # folding can lengthen a word ("ß" becomes "ss")
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": f"/?tag={tag}", "class": "hashtag"}
        text = state.push("text", "", 0)
        text.content = match.group(0)
        state.push("link_close", "a", -1)
        state.env.setdefault("hashtags", []).append(tag)
    state.pos = match.end()
    return True


#: How many steps every link label of one text may take together. Finding where a ``[``
#: label ends walks the rest of the paragraph token by token, so each ``[`` can cost a walk
#: to the end: ``"[" + "*" * 1000`` ten times over took 50 ms, ``"*["`` five thousand times
#: 90 ms, and more on slower machines. A text's ordinary links take a few steps per
#: character of their labels (150 links of 20 characters: about 3,000 steps); once the
#: budget is spent, the remaining ``[`` are shown as typed instead of being tried as links.
LABEL_STEPS_MAX = 6_000


def _bounded_link_label(state: StateInline, start: int, disable_nested: bool = False) -> int:
    """markdown-it's ``parseLinkLabel`` with a per-text step budget (``LABEL_STEPS_MAX``).

    The same walk as the original (markdown_it/helpers/parse_link_label.py), counting its
    steps in ``state.env``: nested calls share the budget, and an exhausted budget answers
    "no label" (-1), as for an unclosed ``[``.
    """
    old_pos = state.pos
    state.pos = start + 1
    level = 1
    label_end = -1
    while state.pos < state.posMax:
        steps = state.env["label_steps"] = state.env.get("label_steps", 0) + 1
        if steps > LABEL_STEPS_MAX:
            break
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                label_end = state.pos
                break
        prev_pos = state.pos
        state.md.inline.skipToken(state)
        if marker == "[":
            if prev_pos == state.pos - 1:
                level += 1  # a ``[`` of plain text, not the start of some other token
            elif disable_nested:
                break
    state.pos = old_pos
    return label_end


#: Bare links (``https://…``, ``www.…``, ``name@host.tld``, ``host.tld``) one text may turn
#: into links: each costs ~25 µs to normalise and render, and "a.co " fits 2,000 times in a
#: post. Later ones stay text, as hashtags past the twentieth are not collected.
AUTOLINKS_MAX = 200
_autolinks_left: ContextVar[int] = ContextVar("autolinks_left", default=AUTOLINKS_MAX)


class _BoundedLinkify:
    """linkify-it finding at most :data:`AUTOLINKS_MAX` links per :func:`render` call
    (the count lives in a context variable that :func:`render` resets)."""

    def __init__(self, linkify) -> None:
        self._linkify = linkify

    def __getattr__(self, name: str):
        return getattr(self._linkify, name)

    def _take(self, links: list) -> list:
        left = _autolinks_left.get()
        _autolinks_left.set(max(0, left - len(links)))
        return links[:left]

    def test(self, text: str) -> bool:
        return _autolinks_left.get() > 0 and self._linkify.test(text)

    def match(self, text: str):
        return self._take(self._linkify.match(text) or [])

    def match_at_start(self, text: str):
        if _autolinks_left.get() <= 0:
            return None
        link = self._linkify.match_at_start(text)
        return self._take([link])[0] if link else None


#: Longer than any URL scheme linkify-it knows (``https``, ``mailto``…).
_SCHEME_WINDOW = 64


def _linkify_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it's inline linkify rule (at ``://``), shown only the end of the pending text.

    Upstream looks for the scheme with a ``…$`` regex over all the text pending since the
    last token: at every ``://`` that is not a link the text grows, so "a:// " repeated
    cost 100 ms and more (quadratic). A scheme is a short word just before the colon, so
    the last :data:`_SCHEME_WINDOW` characters decide the same.
    """
    pending = state.pending
    if state.src[state.pos] != ":" or len(pending) <= _SCHEME_WINDOW:
        return _upstream_linkify_rule(state, silent)
    state.pending = pending[-_SCHEME_WINDOW:]
    try:
        return _upstream_linkify_rule(state, silent)
    finally:
        state.pending = pending[:-_SCHEME_WINDOW] + state.pending


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "strikethrough", "table"])
    md.disable("image")
    md.helpers = SimpleNamespace(
        parseLinkLabel=_bounded_link_label,
        parseLinkDestination=parseLinkDestination,
        parseLinkTitle=parseLinkTitle,
    )
    md.linkify = _BoundedLinkify(md.linkify)
    md.inline.ruler.at("linkify", _linkify_rule)
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.inline.ruler.before("emphasis", "hashtag", _hashtag_rule)
    return md


_MD = _build_markdown()


def candidate_handles(source: str) -> set[str]:
    """Every ``@word`` in ``source``, as handle keys: the handles worth looking up."""
    return {fold(m.group(1)) for m in MENTION_RE.finditer(source)}


_GROUP_LINK_RE = re.compile(r'data-group-id="(\d+)"')


def linked_group_ids(html: str) -> list[int]:
    """The groups a rendered text links (``data-group-id``, which only :func:`render` writes:
    nh3 keeps it on links, and users cannot write raw HTML), in order: what an edit had
    already mentioned."""
    return list(dict.fromkeys(int(i) for i in _GROUP_LINK_RE.findall(html or "")))


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


#: What markdown-it-py spends, at most, per line and per markup character (microseconds,
#: measured on the densest inputs: a 2,500-item list, 3,300 mentions…), and
#: what one text may cost. A text estimated above the budget is shown as typed (escaped,
#: with its line breaks) instead of being parsed: real posts stay well below it (a list of
#: 200 links is about half of it), and the worst input then costs a few milliseconds.
#: Nesting depth is bounded by markdown-it's own ``maxNesting`` (20, commonmark preset).
COST_US = {"\n": 20} | dict.fromkeys("[]*_~`<>&@#|!\\:", 10)
RENDER_BUDGET_US = 25_000


def estimated_cost_us(source: str) -> int:
    """An upper bound of what parsing ``source`` costs, from its lines and markup characters
    (a colon may start a URL for linkify)."""
    return sum(cost * source.count(char) for char, cost in COST_US.items())


def _as_typed(source: str) -> str:
    """``source`` escaped, paragraphs at blank lines and ``<br>`` at line breaks."""
    paragraphs = re.split(r"\n(?:[ \t]*\n)+", source.strip())
    return "\n".join(
        "<p>" + html_lib.escape(p, quote=False).replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
        if p.strip()
    )


def render(
    source: str,
    resolve_handles: Callable[[set[str]], Mapping[str, tuple[int, str]]],
    resolve_groups: Callable[[set[str]], Mapping[str, int]] | None = None,
) -> Rendered:
    """Render Markdown ``source`` to sanitized HTML.

    ``resolve_handles`` maps candidate handles to ``(user_id, display_name)`` for
    those that exist; ``resolve_groups`` (optional) maps the handles no person has to
    the ids of the groups the text may name. Unknown ``@words`` stay plain text.
    Mentions and hashtags inside code spans and blocks are not links and are not
    collected.

    The cost is bounded whatever the input: a text too dense in markup for
    ``RENDER_BUDGET_US`` is shown as typed (no formatting, mentions or hashtags), the
    link labels of one text share a step budget (``LABEL_STEPS_MAX``), and at most
    ``AUTOLINKS_MAX`` bare links become links.
    """
    if estimated_cost_us(source) > RENDER_BUDGET_US:
        return Rendered(html=sanitize_html(_as_typed(source)))
    handles: Mapping[str, tuple[int, str]] = {}
    group_handles: Mapping[str, int] = {}
    if "@" in source:
        candidates = candidate_handles(source)
        handles = resolve_handles(candidates)
        left = candidates - handles.keys()
        if resolve_groups is not None and left:
            group_handles = resolve_groups(left)
    env: dict = {"handles": handles, "group_handles": group_handles}
    budget = _autolinks_left.set(AUTOLINKS_MAX)
    try:
        html = _MD.render(source, env)
    finally:
        _autolinks_left.reset(budget)
    return Rendered(
        html=sanitize_html(html),
        mentioned_ids=list(dict.fromkeys(env.get("mentioned", []))),
        mentioned_group_ids=list(dict.fromkeys(env.get("mentioned_groups", []))),
        hashtags=list(dict.fromkeys(env.get("hashtags", [])))[:20],
    )


def plain_text(source: str, limit: int = 140) -> str:
    """A one-line excerpt of ``source`` for titles and previews (escape when displaying)."""
    text = " ".join(source.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
