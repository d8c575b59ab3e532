"""User text → safe HTML: Markdown with @mentions and #hashtags, then sanitized.

Raw HTML in the source is never honoured (markdown-it runs with ``html=False``)
and the output is cleaned again by nh3 (Ammonia) with a small allow-list and
only http, https and mailto links, so no script or ``javascript:`` URL can reach
a page or a socket payload whatever markdown-it does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .text_keys import fold

MENTION_RE = re.compile(r"@([A-Za-z0-9][A-Za-z0-9._-]{0,62}[A-Za-z0-9]|[A-Za-z0-9])")
HASHTAG_RE = re.compile(r"#(\w[\w-]{0,62})", re.UNICODE)

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "data-user-id"}, "th": {"align"}, "td": {"align"}}


@dataclass
class Rendered:
    html: str
    mentioned_ids: list[int] = field(default_factory=list)
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
    user = handles.get(fold(match.group(1)))
    if user is None:
        return False
    if not silent:
        user_id, _name = user
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": f"/people/{user_id}", "class": "mention", "data-user-id": user_id}
        text = state.push("text", "", 0)
        text.content = match.group(0)
        state.push("link_close", "a", -1)
        state.env.setdefault("mentioned", []).append(user_id)
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


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable(["linkify", "strikethrough", "table"])
    md.disable("image")
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.inline.ruler.before("emphasis", "hashtag", _hashtag_rule)
    return md


_MD = _build_markdown()


def candidate_handles(source: str) -> set[str]:
    """Every ``@word`` in ``source``, as handle keys: the handles worth looking up."""
    return {fold(m.group(1)) for m in MENTION_RE.finditer(source)}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render(
    source: str, resolve_handles: Callable[[set[str]], Mapping[str, tuple[int, str]]]
) -> Rendered:
    """Render Markdown ``source`` to sanitized HTML.

    ``resolve_handles`` maps candidate handles to ``(user_id, display_name)`` for
    those that exist; unknown ``@words`` stay plain text. Mentions and hashtags
    inside code spans and blocks are not links and are not collected.
    """
    handles = resolve_handles(candidate_handles(source)) if "@" in source else {}
    env: dict = {"handles": handles}
    html = _MD.render(source, env)
    return Rendered(
        html=sanitize_html(html),
        mentioned_ids=list(dict.fromkeys(env.get("mentioned", []))),
        hashtags=list(dict.fromkeys(env.get("hashtags", [])))[:20],
    )


def plain_text(source: str, limit: int = 140) -> str:
    """A one-line excerpt of ``source`` for titles and previews (escape when displaying)."""
    text = " ".join(source.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
