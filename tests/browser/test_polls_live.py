"""Polls in a real browser: a vote in one browser moves the bars in another."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _poll_as(web_server, user, question, options):
    token = web_server.token_for(user["email"], user["password"])
    response = web_server.api(
        "POST", "/api/v1/polls", token=token, json={"question": question, "options": options}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_vote_moves_the_bars_in_another_browser(signed_in, person, web_server, shots_dir):
    ana_user = person("Ana Polls")
    question = f"Team lunch {uuid.uuid4().hex[:8]}?"
    _poll_as(web_server, ana_user, question, ["Pizza", "Sushi <b>fresh</b>", "Salad"])
    ana = signed_in(ana_user)
    ben = signed_in(person("Ben Votes"))
    ben.evaluate("window.__sameDocument = true")

    ana_poll = ana.locator("article.post", has_text=question).locator("section.poll")
    ben_poll = ben.locator("article.post", has_text=question).locator("section.poll")
    sushi = ana_poll.locator(".poll-option", has_text="Sushi")
    expect(sushi.locator('[data-field="count"]')).to_have_text("0 votes")
    expect(sushi.locator('[data-field="bar"]')).to_have_attribute("width", "0")
    expect(ben_poll.locator(".poll-option", has_text="Sushi")).to_contain_text("<b>fresh</b>")

    ben_poll.get_by_label("Sushi <b>fresh</b>").check()
    ben_poll.get_by_role("button", name="Vote").click()

    expect(ben_poll.locator(".poll-option.is-mine")).to_contain_text("Your vote")
    expect(sushi.locator('[data-field="count"]')).to_have_text("1 vote")
    expect(sushi.locator('[data-field="bar"]')).to_have_attribute("width", "100")
    expect(ana_poll.locator('[data-field="voters"]')).to_have_text("1")
    assert ben.evaluate("window.__sameDocument") is True

    ana.screenshot(path=str(shots_dir / "poll-desktop.png"), full_page=False)
    phone = signed_in(person("Phil Phone"), viewport={"width": 390, "height": 844})
    phone.locator("article.post", has_text=question).scroll_into_view_if_needed()
    phone.screenshot(path=str(shots_dir / "poll-phone.png"), full_page=False)
    assert ana.dialogs == [] and ben.dialogs == []


def test_the_poll_composer_publishes_a_poll(signed_in, person):
    ana = signed_in(person("Ana Composer"))
    question = f"Offsite {uuid.uuid4().hex[:8]}?"
    ana.get_by_role("tab", name="Poll").click()
    ana.get_by_label("Question", exact=True).fill(question)
    ana.get_by_label("Option 1", exact=True).fill("Lyon")
    ana.get_by_label("Option 2", exact=True).fill("Paris")
    ana.get_by_role("button", name="Add option").click()
    ana.get_by_label("Option 4", exact=True).fill("Nantes")
    ana.screenshot(path="/tmp/shots/poll-composer.png")
    ana.get_by_role("button", name="Publish poll").click()
    card = ana.locator("article.post", has_text=question)
    expect(card.locator(".poll-option")).to_have_count(3)
    expect(card).to_contain_text("Nantes")


def test_a_date_poll_grid_shows_the_best_slot_live(signed_in, person, web_server, shots_dir):
    from datetime import UTC, datetime, timedelta

    ana_user = person("Ana Doodle")
    token = web_server.token_for(ana_user["email"], ana_user["password"])
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    question = f"Kick-off {uuid.uuid4().hex[:8]}?"
    slots = [(soon + timedelta(hours=h)).isoformat() for h in (0, 2, 4)]
    response = web_server.api(
        "POST",
        "/api/v1/polls",
        token=token,
        json={"question": question, "kind": "date", "slots": slots},
    )
    assert response.status_code == 201, response.text
    ana = signed_in(ana_user)
    ben = signed_in(person("Ben Doodle"))
    grid = ben.locator("article.post", has_text=question).locator("table.poll-grid")
    rows = grid.locator("tbody tr")
    rows.nth(0).locator('input[value="no"]').check()
    rows.nth(1).locator('input[value="yes"]').check()
    rows.nth(2).locator('input[value="maybe"]').check()
    ben.locator("article.post", has_text=question).get_by_role(
        "button", name="Save my answers"
    ).click()

    ana_rows = ana.locator("article.post", has_text=question).locator("table.poll-grid tbody tr")
    expect(ana_rows.nth(1)).to_have_class("poll-slot is-best")
    expect(ana_rows.nth(1)).to_contain_text("✓ 1")
    expect(ana.locator("article.post", has_text=question)).to_contain_text("Pick this slot")
    ana.locator("article.post", has_text=question).scroll_into_view_if_needed()
    ana.screenshot(path=str(shots_dir / "date-poll.png"))
