"""Browser fixtures: Debian's chromium driven by Playwright against the real eventlet server.

The browser tests FAIL (never skip) when chromium is missing: a green run must
mean the page was really exercised in a browser.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.live_server import LiveServer, start_live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "granite lantern 42"
SHOTS = Path("/tmp/shots")

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def web_server(tmp_path_factory) -> Iterator[LiveServer]:
    server = start_live_server(tmp_path_factory.mktemp("browser"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_ids = itertools.count(1)


@pytest.fixture
def person(web_server) -> Callable[..., dict]:
    """``person("Ana Martin", job_title=…)`` → the created user (a fresh email each time)."""

    def make(name: str, **fields) -> dict:
        email = f"user{next(_ids)}.{id(make)}@lumen.example"
        user = web_server.create_user(email, name, PASSWORD, **fields)
        user["password"] = PASSWORD
        return user

    return make


@pytest.fixture
def signed_in(browser, web_server) -> Iterator[Callable[..., Page]]:
    """``signed_in(user, viewport=…)`` → a page of a new browser context, signed in via the form.

    Every page records the dialogs it sees in ``page.dialogs`` (and dismisses them),
    so a test can assert that no injected script ever ran ``alert``.
    """
    contexts: list[BrowserContext] = []

    def make(user: dict, viewport: dict | None = None) -> Page:
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []

        def on_dialog(dialog):
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(web_server.url + "/sign-in")
        page.get_by_label("Work email").fill(user["email"])
        page.get_by_label("Password").fill(user["password"])
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(web_server.url + "/")
        expect(page.locator("body")).to_have_attribute("data-live", "on")
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
