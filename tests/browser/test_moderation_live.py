"""Moderation in real browsers, live over Socket.IO: a hidden post leaves an open feed,
and a new report appears in a moderator's open review queue — without a reload."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _call(web_server, user, method, path, **body):
    if "token" not in user:
        user["token"] = web_server.token_for(user["email"], user["password"])
    response = web_server.api(method, path, token=user["token"], json=body or None)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _card(page, text):
    return page.locator("article.post", has_text=text)


def test_hiding_a_reported_post_removes_it_from_an_open_feed(signed_in, person, web_server):
    author, reporter = person("Paul Poster"), person("Rita Reporter")
    text = f"Buy cheap watches {uuid.uuid4().hex[:8]}"
    kept = f"Team lunch at noon {uuid.uuid4().hex[:8]}"
    post = _call(web_server, author, "POST", "/api/v1/posts", body=text)
    _call(web_server, author, "POST", "/api/v1/posts", body=kept)
    emma = signed_in(person("Emma Employee"))  # the home feed, open
    emma.evaluate("window.__sameDocument = true")
    expect(_card(emma, text)).to_have_count(1)
    paul = signed_in(author)  # the author, on the same feed
    expect(_card(paul, text)).to_have_count(1)

    report = _call(
        web_server,
        reporter,
        "POST",
        "/api/v1/reports",
        target_type="post",
        target_id=post["id"],
        reason="spam",
    )
    cm = signed_in(person("Camille Community", role="community_manager"))
    cm.goto(f"{web_server.url}/moderation/cases/{report['case_id']}")
    expect(cm.locator(".target-body")).to_contain_text(text)
    cm.locator("#fold-hide > summary").click()
    cm.locator("#action-hide").get_by_role("button", name="Hide").click()
    expect(cm.locator(".flash-success")).to_contain_text("Hide: done.")
    expect(cm.locator(".mod-label")).to_have_text(
        "Hidden by moderation — only moderators see it here."
    )

    expect(_card(emma, text)).to_have_count(0)
    expect(_card(emma, kept)).to_have_count(1)
    assert emma.evaluate("window.__sameDocument") is True  # no reload happened
    mine = _card(paul, text)  # the author keeps it, marked
    expect(mine.locator("[data-field='mod-state']")).to_have_text("Hidden by moderation")
    emma.reload()
    expect(_card(emma, text)).to_have_count(0)


def test_a_new_report_appears_in_the_open_queue(signed_in, person, web_server):
    author, reporter = person("Olga Offtopic"), person("Sam Spotter")
    text = f"Anyone selling a bike? {uuid.uuid4().hex[:8]}"
    post = _call(web_server, author, "POST", "/api/v1/posts", body=text)
    cm = signed_in(person("Chris Community", role="community_manager"))
    cm.goto(f"{web_server.url}/moderation")
    expect(cm.locator("body")).to_have_attribute("data-live", "on")
    cm.evaluate("window.__sameDocument = true")

    report = _call(
        web_server,
        reporter,
        "POST",
        "/api/v1/reports",
        target_type="post",
        target_id=post["id"],
        reason="harassment",
        text="<b>not ok</b>",
    )

    row = cm.locator(f"#case-{report['case_id']}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(text)
    expect(row).to_contain_text("Harassment")
    expect(row.locator(".case-count")).to_have_text("1")
    expect(cm.locator("#no-cases")).to_be_hidden()

    _call(
        web_server,
        person("Tom Second"),
        "POST",
        "/api/v1/reports",
        target_type="post",
        target_id=post["id"],
        reason="spam",
    )
    expect(row.locator(".case-count")).to_have_text("2")
    expect(cm.locator(f"#case-{report['case_id']}")).to_have_count(1)
    assert cm.evaluate("window.__sameDocument") is True
    assert cm.dialogs == []


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})],
)
def test_moderation_pages_fit_the_screen(signed_in, person, web_server, shots_dir, name, viewport):
    author, reporter = person("Lena Layout"), person("Ravi Reports")
    post = _call(web_server, author, "POST", "/api/v1/posts", body="A long enough post " * 8)
    report = _call(
        web_server,
        reporter,
        "POST",
        "/api/v1/reports",
        target_type="post",
        target_id=post["id"],
        reason="other",
        text="Please look at this one",
    )
    cm = signed_in(person("Cora Layout", role="community_manager"), viewport=viewport)
    pin_me = f"Pin me {uuid.uuid4().hex[:8]}"
    _call(web_server, reporter, "POST", "/api/v1/posts", body=pin_me)
    pages = {
        "mod-queue": "/moderation",
        "mod-case": f"/moderation/cases/{report['case_id']}",
        "mod-words": "/moderation/watched-words",
        "mod-audit": "/moderation/audit",
        "mod-mine": "/moderation/mine",
        "mod-feed": "/",
    }
    for shot, path in pages.items():
        cm.goto(web_server.url + path)
        cm.screenshot(path=str(shots_dir / f"{shot}-{name}.png"), full_page=True)
        overflow = cm.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"horizontal scroll of {overflow}px on {shot} ({name})"
    card = _card(cm, pin_me)
    card.locator("summary", has_text="Report").click()
    expect(card.get_by_label("Spam")).to_be_visible()
    overflow = cm.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"horizontal scroll of {overflow}px with a report form open ({name})"
    cm.screenshot(path=str(shots_dir / f"mod-report-open-{name}.png"), full_page=True)
