"""The circle page, live, in a real browser: a colleague's topic and vote, a session the
facilitator plans elsewhere and a new member show on the open page without a reload."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_topics_sessions_and_members_arrive_live(signed_in, person, web_server):
    mia, sam = person("Mia Membre"), person("Sam Scribe")
    fanny = person("Fanny Animatrice")
    newcomer = person("Noé Nouveau")
    tokens = {p["email"]: web_server.token_for(p["email"], p["password"]) for p in (mia, fanny)}

    def call(user, method, path, body=None, status=200):
        answer = web_server.api(method, path, token=tokens[user["email"]], json=body)
        assert answer.status_code == status, answer.text
        return answer.json() if answer.status_code != 204 else None

    name = f"Cercle live {uuid.uuid4().hex[:6]}"
    circle = call(
        fanny,
        "POST",
        "/api/v1/circles",
        {"name": name, "cadence": "monthly", "member_ids": [mia["id"], sam["id"]]},
        status=201,
    )
    url = f"/api/v1/circles/{circle['id']}"
    page = signed_in(mia)
    page.goto(f"{web_server.url}/circles/{circle['id']}")
    expect(page.locator("body")).to_have_attribute("data-live", "on")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator("[data-field=topics-waiting]")).to_have_text("0")

    topic = call(fanny, "POST", f"{url}/topics", {"title": "Notre podcast"}, status=201)
    row = page.locator("#topics li", has_text="Notre podcast")
    expect(row).to_contain_text("0 votes")
    expect(page.locator("[data-field=topics-waiting]")).to_have_text("1")
    call(fanny, "PUT", f"{url}/topics/{topic['id']}/vote")
    expect(page.locator("#topics li", has_text="Notre podcast")).to_contain_text("1 vote")
    # Mia's own button is rendered for her: she has not voted.
    expect(
        page.locator("#topics li", has_text="Notre podcast").get_by_role("button", name="Vote")
    ).to_be_visible()

    body = {
        "topic_id": topic["id"],
        "starts_at": "2031-03-14T08:30:00Z",
        "presenter_id": mia["id"],
        "scribe_id": sam["id"],
    }
    call(fanny, "POST", f"{url}/sessions", body, status=201)
    session = page.locator("article.session", has_text="Notre podcast")
    expect(session).to_contain_text("Upcoming")
    expect(page.locator("[data-field=topics-waiting]")).to_have_text("0")

    call(fanny, "POST", f"/api/v1/groups/{circle['id']}/members", {"user_id": newcomer["id"]}, 201)
    expect(page.locator("[data-circle-part=head]")).to_contain_text("4 members")
    assert page.evaluate("window.__sameDocument") is True
    assert page.dialogs == []
