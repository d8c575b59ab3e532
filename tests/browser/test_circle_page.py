"""A circle in a real browser: start one from the nav, propose and vote for a topic, plan
the session from the form (a wall-clock time in the company's zone), at a phone's width
without anything past the screen's edge."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_start_a_circle_propose_vote_and_plan_a_session(signed_in, person, web_server):
    page = signed_in(person("Fanny Animatrice"), viewport={"width": 390, "height": 844})
    name = f"Cercle Lyon {uuid.uuid4().hex[:6]}"
    page.goto(web_server.url + "/circles")
    page.get_by_label("Name").fill(name)
    page.get_by_label("How often it meets").select_option("fortnightly")
    page.get_by_role("button", name="Start the circle").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator("body")).to_contain_text("Every two weeks")

    page.get_by_label("Propose a topic").fill("How we run our podcast")
    page.get_by_role("button", name="Propose", exact=True).click()
    topic = page.locator("#topics li", has_text="How we run our podcast")
    expect(topic).to_contain_text("0 votes")
    topic.get_by_role("button", name="Vote").click()
    expect(page.locator("#topics li", has_text="How we run our podcast")).to_contain_text("1 vote")
    expect(page.locator("[data-field=topics-waiting]")).to_have_text("1")

    page.get_by_label("Topic", exact=True).select_option(label="How we run our podcast")
    page.get_by_label("Starts at").fill("2031-03-14T09:30")
    page.get_by_role("button", name="Plan the session").click()
    session = page.locator("article.session", has_text="How we run our podcast")
    expect(session).to_contain_text("Upcoming")
    # 09:30 on the company's wall clock (Paris, UTC+1 in March) is 08:30 UTC
    expect(session.locator("time")).to_have_attribute("datetime", "2031-03-14T08:30:00Z")
    expect(page.locator("[data-field=topics-waiting]")).to_have_text("0")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the circle page is {width} px wide at 390"
