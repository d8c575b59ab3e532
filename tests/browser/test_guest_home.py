"""A guest's own home in a real browser (issue #19): their group's posts arrive live, and
"Guest · Company" shows next to a guest's name, on cards rendered by the server and on
cards built live by app.js."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _make_guest(web_server, user: dict, company: str) -> None:
    """Turn a fresh account into a guest (as signing up through an invitation would)."""
    path = web_server.env["DATABASE_URL"].removeprefix("sqlite:///")
    until = (date.today() + timedelta(days=30)).isoformat()
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE users SET guest_company = ?, guest_expires_on = ? WHERE id = ?",
            (company, until, user["id"]),
        )


def test_a_guest_and_a_colleague_see_each_other_live_with_the_guest_label(
    signed_in, person, web_server
):
    colleague = person("Clara Colleague")
    guest = person("Gus Guest")
    group = web_server.api(
        "POST", "/api/v1/groups", json={"name": f"Atlas {uuid.uuid4().hex[:6]}", "type": "private"}
    ).json()
    for member in (colleague, guest):
        added = web_server.api(
            "POST", f"/api/v1/groups/{group['id']}/members", json={"user_id": member["id"]}
        )
        assert added.status_code == 201, added.text
    _make_guest(web_server, guest, "Agency")

    guest_page = signed_in(guest)
    expect(guest_page.locator("#guest-note")).to_contain_text("Guest · Agency")
    expect(guest_page.locator("#guest-groups")).to_contain_text(group["name"])
    expect(guest_page.get_by_role("link", name="People")).to_have_count(0)
    colleague_page = signed_in(colleague)

    marker = f"From the agency {uuid.uuid4().hex[:8]}"
    guest_page.get_by_label("Share with your groups").fill(marker)
    guest_page.get_by_role("button", name="Post", exact=True).click()
    card = colleague_page.locator("article.post", has_text=marker)
    expect(card).to_have_count(1)  # live, built by app.js
    expect(card.locator(".guest-badge")).to_have_text("Guest · Agency")

    token = web_server.token_for(colleague["email"], colleague["password"])
    reply = f"Welcome aboard {uuid.uuid4().hex[:8]}"
    posted = web_server.api(
        "POST", "/api/v1/posts", token=token, json={"body": reply, "group_id": group["id"]}
    )
    assert posted.status_code == 201, posted.text
    live = guest_page.locator("article.post", has_text=reply)
    expect(live).to_have_count(1)
    expect(live.locator(".guest-badge")).to_have_count(0)
    colleague_page.reload()
    expect(
        colleague_page.locator("article.post", has_text=marker).locator(".guest-badge")
    ).to_have_text("Guest · Agency")
