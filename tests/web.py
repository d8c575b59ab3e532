"""Helpers for tests of the HTML pages: CSRF tokens, no-JS form posts, page text."""

from __future__ import annotations

import re

TOKEN_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
CONFIG_RE = re.compile(r'<script id="live-config" type="application/json">(.*?)</script>')
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
XSS_ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def csrf_from(response) -> str:
    """The CSRF token a page carries in its ``<meta name="csrf-token">``."""
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, "the page has no csrf-token meta"
    return match.group(1)


def form(client, path, data=None, **fields):
    """POST a form as a browser without JavaScript would, with the client's CSRF token."""
    return client.post(path, data={"csrf_token": client.csrf, **(data or {}), **fields})


def html_of(response) -> str:
    return response.get_data(as_text=True)
