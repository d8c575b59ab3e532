"""The pain-point register in a real browser: raising one from the page, then a
colleague's voice and a status change show live, without a reload."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_raise_then_voices_and_status_move_live(signed_in, person, web_server):
    ana = person("Ana Register")
    ben = person("Ben Voice")
    camille = person("Camille Triage", role="community_manager")
    title = f"Slow VPN {uuid.uuid4().hex[:8]}"
    page = signed_in(ana)
    page.goto(f"{web_server.url}/pain-points")
    page.get_by_text("Raise a pain point").click()
    page.get_by_label("What gets in the way?").fill(title)
    page.get_by_label("Time it costs each person, hours a week (optional)").fill("1.5")
    page.get_by_role("button", name="Raise it").click()
    card = page.locator("article", has_text=title)
    expect(card.locator('[data-field="pp-votes"]')).to_have_text("1 person affected · 1 this week")
    pain_point_id = int(card.locator("[data-pain-point-id]").get_attribute("data-pain-point-id"))
    page.evaluate("window.__sameDocument = true")

    def call(user, method, path, body=None):
        token = web_server.token_for(user["email"], user["password"])
        answer = web_server.api(method, path, token=token, json=body)
        assert answer.status_code == 200, answer.text

    call(ben, "PUT", f"/api/v1/pain-points/{pain_point_id}/vote")
    expect(card.locator('[data-field="pp-votes"]')).to_have_text("2 people affected · 2 this week")
    expect(card.locator('[data-field="pp-hours"]')).to_contain_text("3 h a week at stake")
    call(camille, "PATCH", f"/api/v1/pain-points/{pain_point_id}", {"status": "in_progress"})
    expect(card.locator('[data-field="pp-status"]')).to_have_text("In progress")
    assert page.evaluate("window.__sameDocument") is True
    assert page.dialogs == []
