"""User text → HTML: nothing executable survives, mentions and hashtags are exact."""

from __future__ import annotations

import gc
import re
import time

import pytest

from socialnet.markup import render

HANDLES = {"ana.martin": (7, "Ana Martin"), "bob": (9, "Bob")}


def resolve(handles: set[str]):
    return {h: HANDLES[h] for h in handles if h in HANDLES}


def html_of(source: str) -> str:
    return render(source, resolve).html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        "<style>body{display:none}</style>",
        "```\n</code><script>alert(1)</script>\n```",
        "`<img src=x onerror=alert(1)>`",
        "> <script>alert(1)</script>",
        "**<b onmouseover=alert(1)>bold</b>**",
    ],
)
def test_raw_html_never_becomes_markup(source):
    html = html_of(source)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<svg" not in lowered
    assert "<iframe" not in lowered
    assert "<style" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered), html


def test_raw_html_is_shown_as_text():
    html = html_of("<b>not bold</b>")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "<b>" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JAVASCRIPT:alert(1))",
        "[click]( javascript:alert(1) )",
        "[click](java\tscript:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](javascript&colon;alert(1))",
        "<javascript:alert(1)>",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<data:text/html,<script>alert(1)</script>>",
        "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![img](javascript:alert(1))",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "[click](file:///etc/passwd)",
    ],
)
def test_dangerous_urls_are_dropped(source):
    html = html_of(source).lower()
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', html)
    for url in hrefs:
        assert url.startswith(("http://", "https://", "mailto:", "/")), html
    assert "javascript:" not in "".join(hrefs)
    assert "<img" not in html


def test_safe_links_get_rel_noopener():
    html = html_of("[docs](https://docs.example/x) and https://auto.example/y")
    links = re.findall(r"<a [^>]*>", html)
    assert len(links) == 2, html
    for link in links:
        assert 'rel="noopener noreferrer nofollow"' in link
    assert 'href="https://docs.example/x"' in html
    assert 'href="https://auto.example/y"' in html


def test_markdown_basics_survive():
    html = html_of("# Title\n\n**bold** _it_ ~~gone~~ `code`\n\n- one\n- two\n\n> quote")
    for fragment in ("<h1>", "<strong>bold</strong>", "<em>it</em>", "<code>code</code>", "<li>"):
        assert fragment in html
    assert "<blockquote>" in html


def test_existing_mention_is_linked_and_collected():
    rendered = render("Thanks @ana.martin and @Bob!", resolve)
    assert rendered.mentioned_ids == [7, 9]
    assert 'href="/people/7"' in rendered.html
    assert 'data-user-id="7"' in rendered.html
    assert 'class="mention"' in rendered.html
    assert ">@ana.martin</a>" in rendered.html


def test_unknown_mention_stays_text():
    rendered = render("Hello @nobody.here", resolve)
    assert rendered.mentioned_ids == []
    assert "<a" not in rendered.html
    assert "@nobody.here" in rendered.html


def test_mentions_in_code_emails_and_urls_are_not_links():
    rendered = render(
        "`@ana.martin` and\n\n```\n@bob\n```\n\nmail ana@bob.example https://x.example/@bob",
        resolve,
    )
    assert rendered.mentioned_ids == []
    assert 'class="mention"' not in rendered.html


def test_mention_inside_a_link_label_does_not_nest_links():
    rendered = render("[hi @bob #tag](https://x.example)", resolve)
    assert rendered.html.count("<a ") == 1, rendered.html
    assert rendered.mentioned_ids == []
    assert rendered.hashtags == []


def test_repeated_mention_is_collected_once():
    assert render("@bob @bob @BOB", resolve).mentioned_ids == [9]


def test_hashtags():
    rendered = render("Ship it #Release-2 #release-2 #42 #café issue#3 `#code` #_x", resolve)
    assert rendered.hashtags == ["release-2", "cafe", "_x"]  # stored as keys (text_keys.fold)
    assert 'href="/?tag=release-2"' in rendered.html and 'href="/?tag=cafe"' in rendered.html
    assert 'class="hashtag"' in rendered.html
    assert "#42" in rendered.html and 'href="/?tag=42"' not in rendered.html


def test_heading_is_not_a_hashtag():
    rendered = render("# Heading\n\n#tag", resolve)
    assert "<h1>Heading</h1>" in rendered.html
    assert rendered.hashtags == ["tag"]


def test_url_fragments_are_not_hashtags():
    rendered = render("see https://x.example/page#section and https://x.example/#top", resolve)
    assert rendered.hashtags == []


def test_hashtags_fit_the_database_column():
    # Folding can lengthen a tag ("ß" is "ss"): the stored tag must still fit String(64).
    rendered = render("#" + "ß" * 60 + " #" + "a" * 63 + " #" + "a" * 80, resolve)
    assert all(len(tag) <= 64 for tag in rendered.hashtags)


def test_at_most_twenty_hashtags():
    rendered = render(" ".join(f"#t{i}" for i in range(40)), resolve)
    assert rendered.hashtags == [f"t{i}" for i in range(20)]


# --- bounded cost --------------------------------------------------------------------------
# Each input is a unit repeated to the largest body allowed. The ones marked (was slow) cost
# 50-100 ms or more of CPU before link labels got a scanning budget; the others are the
# densest inputs found for each rule (emphasis, mentions, hashtags, linkify, entities…).
WORST_INPUT_UNITS = [
    "[",  # (was slow) link openers
    "![",  # (was slow)
    "[\n",  # (was slow)
    "*[",  # (was slow)
    "[<",  # (was slow)
    "[!",  # (was slow)
    "[](",  # (was slow)
    "[a](",
    "[`",
    "[*" + "*" * 20,  # (was slow) a few openers, each scanning the rest of the text
    "[" + "*" * 1000,  # (was slow)
    "[" + "_" * 200,  # (was slow)
    "[" + "&" * 50,  # (was slow)
    "[" + "<" * 200,  # (was slow)
    "*",
    "_",
    "`",
    "<",
    ">",
    "- ",
    "1. ",
    "~",
    "\\",
    "&#",
    "&#1;",
    "&",
    "@",
    "@a ",
    "@a.",
    "#",
    "#a ",
    "www.",
    "a.",
    "www.a",
    "http://",
    "a@b.",
    "*a",
    "_a",
    "**a",
    "*_",
    "~~a",
    "`a",
    "|a|\n",
    "a  \n",
    "a\n=\n",
    "```\n",
    "a\n",
    "a\n\n",
    "- a\n",
    "1. a\n",
    "@a\n",
    "> a\n",
    "# a\n",
    "https://",
    "http://a\n",
    "http://a.b ",
    "a:// " + "b" * 8,  # (was slow) quadratic scheme search in the text before each "://"
    "a:// ",
    "http:// ",
    "a.co ",  # (was slow) bare links, each normalised and rendered
    "ab.com/x ",
    "a@b.co ",
    "www.ab.cd/e ",
]


def _filled(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _every_handle(handles: set[str]):
    """Every ``@word`` names someone: the most links a text can make."""
    return {handle: (1, "Someone") for handle in handles}


def _cpu_ms(source: str) -> float:
    """Best of five, in CPU time of this thread, with the collector paused: other work on a
    loaded machine and a collection landing mid-render do not count."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            started = time.thread_time()
            render(source, _every_handle)
            best = min(best, time.thread_time() - started)
    finally:
        gc.enable()
    return best * 1000


# Growth, not speed: a suite is no place for a time budget (the figures belong to `make bench`),
# but the shape of the cost is a property of the code. Rendering a body four times larger must
# cost about four times more (linear); a quadratic rule would cost sixteen times more. The floor
# keeps tiny timings, all noise, from making a ratio; the ceiling catches catastrophic
# backtracking whatever the ratio says, with ten times the headroom of a quiet machine.
GROWTH_LIMIT = 8.0
NOISE_FLOOR_MS = 2.0
CATASTROPHIC_MS = 500.0


@pytest.mark.parametrize("unit", WORST_INPUT_UNITS)
def test_the_worst_inputs_cost_grows_linearly_with_their_size(unit):
    small = _cpu_ms(_filled(unit, 2_500))
    large = _cpu_ms(_filled(unit, 10_000))  # POST_MAX_CHARS
    assert large < CATASTROPHIC_MS
    assert large / max(small, NOISE_FLOOR_MS) < GROWTH_LIMIT, (small, large)


def test_many_ordinary_links_all_render():
    source = "\n".join(
        f"See [link number {i}](https://x.example/{i}) and [ref {i}]." for i in range(150)
    )
    html = html_of(source)
    assert html.count('href="https://x.example/') == 150
    assert html.count("[ref ") == 150


def test_a_long_list_of_links_is_still_markdown():
    source = "\n".join(
        f"- [Minutes of meeting {i}](https://x.example/m/{i}) #notes" for i in range(180)
    )
    rendered = render(source, resolve)
    assert rendered.html.count("<li>") == 180
    assert rendered.html.count('href="https://x.example/m/') == 180
    assert rendered.hashtags == ["notes"]


def test_bare_links_after_the_first_two_hundred_stay_text():
    rendered = render(" ".join(f"site{i}.com" for i in range(250)), resolve)
    assert rendered.html.count("<a ") == 200
    assert 'href="http://site199.com"' in rendered.html and "site249.com" in rendered.html
    assert render("site0.com", resolve).html.count("<a ") == 1  # the budget is per text


def test_a_link_after_a_long_text_is_still_found():
    html = html_of(
        "word " * 500 + "see https://x.example/page and " + "more " * 50 + "http://y.ex/"
    )
    assert 'href="https://x.example/page"' in html
    assert 'href="http://y.ex/"' in html


def test_a_text_too_dense_in_markup_is_shown_as_typed():
    source = "- <b>@bob</b>\n" * 700 + "\n\n#tag *end*"
    rendered = render(source, resolve)
    assert "<li>" not in rendered.html and "<b>" not in rendered.html
    assert rendered.html.count("&lt;b&gt;@bob&lt;/b&gt;") == 700
    assert rendered.html.endswith("<p>#tag *end*</p>")
    assert rendered.mentioned_ids == [] and rendered.hashtags == []
