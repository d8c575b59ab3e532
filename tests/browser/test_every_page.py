"""Every page, as each role, in a real browser: no script error, no failed request.

One server seeded with the demo company (Lumen & Co); for each role, a crawl from the
feed follows the site's own links (one URL per kind of page: ``/posts/12`` stands for
every post, ``?tab=members`` is a page of its own) and fails on any console error,
uncaught exception, failed request or answer of 400 and above, and on any link that
does not open.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.live_server import LiveServer, start_live_server

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo password"
MAX_PAGES = 90
# Links that change something, download a file, or leave the HTML pages.
SKIP = re.compile(r"^/(api|static|socket\.io|files)/|/export$|/download|^/sign-out|/language")
KEPT_QUERY = ("tab",)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[LiveServer]:
    server = start_live_server(tmp_path_factory.mktemp("every-page"), demo_posts=30)
    yield server
    server.stop()


def _db(server: LiveServer) -> sqlite3.Connection:
    return sqlite3.connect(server.env["DATABASE_URL"].removeprefix("sqlite:///"))


def _group_admin(server: LiveServer) -> tuple[str, int]:
    """An employee who runs a group (not one of the four demo personas): email, group id."""
    with _db(server) as db:
        row = db.execute(
            "SELECT u.email, m.group_id FROM group_memberships m JOIN users u ON u.id = m.user_id "
            "WHERE m.role = 'admin' AND u.role = 'employee' ORDER BY m.group_id LIMIT 1"
        ).fetchone()
    assert row, "the demo company has a group run by an employee"
    return row[0], row[1]


def _kind_of_page(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+", "/N", parts.path)
    path = re.sub(r"^/topics/[^/]+", "/topics/T", path)
    query = sorted((k, v) for k, v in parse_qsl(parts.query) if k in KEPT_QUERY)
    return path + ("?" + urlencode(query) if query else "")


class Watcher:
    """Collects what went wrong on a page while it is open."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _failed(self, request) -> None:
        # leaving a page cuts the socket's pending long-poll: that is not a failure
        if "/socket.io/" in request.url and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"failed: {request.method} {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )

    def take(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems


def _sign_in(browser: Browser, server: LiveServer, email: str) -> tuple[Page, Watcher]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    watcher = Watcher(page)
    page.goto(server.url + "/sign-in")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url + "/")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    assert watcher.take() == []
    return page, watcher


def _crawl(page: Page, watcher: Watcher, server: LiveServer, start: list[str]) -> dict[str, str]:
    """Visit one URL of each kind reachable from ``start``; → kind of page → URL visited."""
    queue = [(server.url + path, "start") for path in start]
    seen: dict[str, str] = {}
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url, found_on = queue.pop(0)
        kind = _kind_of_page(url)
        if kind in seen:
            continue
        seen[kind] = url
        response = page.goto(url, wait_until="load")
        status = response.status if response else 0
        if status >= 400:
            problems.append(f"{url} (linked from {found_on}): HTTP {status}")
        expect(page.locator("body")).to_have_attribute("data-live", "on")
        problems += [f"{url}: {p}" for p in watcher.take()]
        hrefs = page.eval_on_selector_all(
            "a[href]",
            "links => links.filter(a => a.checkVisibility()).map(a => a.href)"
            ".filter(h => h.startsWith(location.origin))",
        )
        for href in hrefs:
            href = href.split("#", 1)[0]
            path = href.removeprefix(server.url)
            if path and not SKIP.search(urlsplit(path).path) and _kind_of_page(href) not in seen:
                queue.append((href, url))
    assert not problems, "\n".join(problems)
    return seen


ROLES = {
    "employee": "julie.moreau@lumen.example",
    "manager": "marc.lefevre@lumen.example",
    "community manager": "zoe.lefort@lumen.example",
    "admin": "alex.kowalski@lumen.example",
}


@pytest.mark.parametrize("role", [*ROLES, "group admin"])
def test_every_page_opens_cleanly(role, browser, demo_server):
    start = ["/", "/search?q=lumen", "/notifications/settings", "/settings/preferences"]
    if role == "group admin":
        email, group_id = _group_admin(demo_server)
        start += [f"/groups/{group_id}?tab=members", f"/groups/{group_id}/edit"]
    else:
        email = ROLES[role]
    page, watcher = _sign_in(browser, demo_server, email)
    try:
        seen = _crawl(page, watcher, demo_server, start)
    finally:
        page.context.close()
    kinds = set(seen)
    assert {"/", "/people", "/groups", "/groups/N", "/posts/N", "/people/N"} <= kinds, kinds
    if role in ("community manager", "admin"):
        assert {"/moderation", "/analytics"} <= kinds, kinds
    if role == "group admin":
        assert "/groups/N?tab=members" in kinds and "/groups/N/edit" in kinds, kinds


def test_the_bell_still_opens_on_the_members_tab_of_a_group_one_runs(browser, demo_server):
    email, group_id = _group_admin(demo_server)
    page, watcher = _sign_in(browser, demo_server, email)
    try:
        page.goto(f"{demo_server.url}/groups/{group_id}?tab=members")
        expect(page.locator("body")).to_have_attribute("data-live", "on")
        page.locator("#bell").click()
        expect(page.locator("#bell-panel")).to_be_visible()
        assert watcher.take() == []
    finally:
        page.context.close()


PHONE = {"width": 390, "height": 844}
# What sticks out of a 390 px screen: elements past either edge that no scrolling (or
# clipping) box on the screen contains. Screen-reader-only text is off-screen on purpose.
OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const past = (r) => r.right > width + 1 || r.left < -1;
  for (const el of document.querySelectorAll("body *")) {
    if (!el.checkVisibility() || el.closest(".sr-only, .skip-link, [hidden]")) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !past(box)) continue;
    let up = el.parentElement, held = false;
    while (up && up !== document.body) {
      const style = getComputedStyle(up);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) {
        if (!past(up.getBoundingClientRect())) { held = true; break; }
      }
      up = up.parentElement;
    }
    if (held || (el.parentElement && out.some((o) => o.el.contains(el)))) continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className.trim()
        ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    out.push({ el, text: `${name} [${Math.round(box.left)}, ${Math.round(box.right)}]` });
  }
  const scrolled = document.documentElement.scrollWidth;
  const wide = scrolled > width + 1 ? [`page ${scrolled} px wide`] : [];
  return wide.concat(out.map((o) => o.text));
}"""


def test_nothing_is_off_screen_on_a_phone(browser, demo_server):
    page, watcher = _sign_in(browser, demo_server, ROLES["admin"])
    try:
        seen = _crawl(page, watcher, demo_server, ["/", "/search?q=lumen", "/analytics"])
        page.set_viewport_size(PHONE)
        problems = []
        for url in seen.values():
            page.goto(url, wait_until="load")
            expect(page.locator("body")).to_have_attribute("data-live", "on")
            problems += [f"{url}: {p}" for p in page.evaluate(OFF_SCREEN)]
        assert not problems, "\n".join(problems)

        # the header's links fold into a menu
        page.goto(demo_server.url + "/")
        menu = page.get_by_role("button", name="Menu")
        groups = page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(groups).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        groups.click()
        expect(page).to_have_url(demo_server.url + "/groups")
        assert page.evaluate(OFF_SCREEN) == []
        assert watcher.take() == []
    finally:
        page.context.close()
