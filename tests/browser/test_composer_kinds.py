"""One composer with kinds, on a phone (issue #14): the tabs show one form at a time, the
keyboard moves between them, and a date poll made from the composer at 390 px wide is
answered without anything off-screen."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_one_composer_with_kinds_and_a_date_poll_at_390px(signed_in, person):
    ana = signed_in(person("Ana Phone"), viewport=PHONE)
    tabs = ana.get_by_role("tablist", name="What would you like to share?")
    expect(tabs).to_be_visible()
    post_tab = tabs.get_by_role("tab", name="Post")
    expect(post_tab).to_have_attribute("aria-selected", "true")
    expect(ana.locator("#composer")).to_be_visible()
    for hidden in ("#question-composer", "#poll-composer", "#kudos-composer"):
        expect(ana.locator(hidden)).to_be_hidden()
    expect(ana.get_by_text("Create a poll")).to_be_hidden()  # no second card's summary

    post_tab.focus()
    ana.keyboard.press("ArrowRight")
    question_tab = tabs.get_by_role("tab", name="Question")
    expect(question_tab).to_be_focused()
    expect(question_tab).to_have_attribute("aria-selected", "true")
    expect(ana.locator("#question-composer")).to_be_visible()
    expect(ana.locator("#composer")).to_be_hidden()
    ana.keyboard.press("End")
    expect(tabs.get_by_role("tab").last).to_be_focused()
    ana.keyboard.press("Home")
    expect(post_tab).to_be_focused()

    tabs.get_by_role("tab", name="Poll").click()
    poll = ana.locator("#poll-composer")
    expect(poll).to_be_visible()
    expect(ana.locator("#composer")).to_be_hidden()
    assert _fits(ana)
    question = f"Kick-off {uuid.uuid4().hex[:8]}?"
    poll.get_by_label("Question", exact=True).fill(question)
    poll.get_by_label("Date poll (pick a meeting slot)").check()
    day = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%d")
    poll.get_by_role("button", name="Add slot").click()
    for i, hour in enumerate(("09:00", "14:00", "17:30")):
        poll.get_by_label(f"Slot {i + 1}", exact=True).fill(f"{day}T{hour}")
    assert _fits(ana)
    poll.get_by_role("button", name="Publish poll").click()

    card = ana.locator("article.post", has_text=question)
    rows = card.locator("table.poll-grid tbody tr")
    expect(rows).to_have_count(3)
    card.scroll_into_view_if_needed()
    for i in range(3):
        for answer in ("yes", "maybe", "no"):
            box = rows.nth(i).locator(f'input[value="{answer}"]').bounding_box()
            assert box is not None and box["x"] + box["width"] <= PHONE["width"], (i, answer, box)
    rows.nth(1).locator('input[value="yes"]').check()
    card.get_by_role("button", name="Save my answers").click()
    expect(rows.nth(1)).to_contain_text("✓ 1")
    assert _fits(ana)


def test_the_event_kind_takes_seats_an_online_link_and_an_answer_deadline(
    signed_in, person, web_server
):
    """As POST /api/v1/events does: the composer's event form sends capacity, online_url and
    rsvp_closes_at (times in the browser's zone), and the card shows them."""
    organiser = person("Eve Organiser")
    eve = signed_in(organiser)
    tabs = eve.get_by_role("tablist", name="What would you like to share?")
    tabs.get_by_role("tab", name="Event").click()
    form = eve.locator("#event-composer")
    expect(form).to_be_visible()
    title = f"Webinar {uuid.uuid4().hex[:6]}"
    day = (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%d")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Starts at").fill(f"{day}T10:00")
    form.get_by_label("Ends at").fill(f"{day}T11:00")
    form.get_by_label("Online link (optional)").fill("https://meet.example.com/webinar")
    form.get_by_label("Seats (empty: no limit)").fill("25")
    form.get_by_label("Answers close (optional)").fill(f"{day}T08:00")
    form.get_by_role("button", name="Publish event").click()

    card = eve.locator("article.post", has_text=title)
    expect(card).to_be_visible()
    expect(card.get_by_role("link", name="https://meet.example.com/webinar")).to_be_visible()
    expect(card).to_contain_text("25 seats left")
    post_id = int(card.get_attribute("id").removeprefix("post-"))
    token = web_server.token_for(organiser["email"], organiser["password"])
    event = web_server.api("GET", f"/api/v1/events/{post_id}", token=token).json()
    starts = datetime.fromisoformat(event["starts_at"].replace("Z", "+00:00"))
    closes = datetime.fromisoformat(event["rsvp_closes_at"].replace("Z", "+00:00"))
    assert event["capacity"] == 25 and starts - closes == timedelta(hours=2)
