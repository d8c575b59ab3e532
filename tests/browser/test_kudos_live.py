"""Kudos in a real browser: the composer's people picker, a live kudos card, the pages."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_kudos_from_the_composer_appear_live_with_their_badge(
    signed_in, person, web_server, shots_dir
):
    value = f"Entraide {uuid.uuid4().hex[:6]}"
    response = web_server.api("POST", "/api/v1/values", json={"name": value, "emoji": "🤝"})
    assert response.status_code == 201, response.text
    surname = uuid.uuid4().hex[:6]
    ben_user = person(f"Ben Kudo{surname}")
    ana = signed_in(person("Ana Thanks"))
    ben = signed_in(ben_user)
    ben.evaluate("window.__sameDocument = true")
    message = f"Merci pour l'aide {uuid.uuid4().hex[:8]}"

    ana.get_by_role("tab", name="Kudos").click()
    ana.get_by_label("Who do you want to thank?").press_sequentially(f"kudo{surname}")
    ana.get_by_role("button", name=f"Ben Kudo{surname} (@").click()
    expect(ana.get_by_label("Who do you want to thank?")).to_have_value(f"@{ben_user['handle']} ")
    ana.locator(".value-badge", has_text=value).click()
    ana.get_by_label("Message").fill(message)
    ana.screenshot(path=str(shots_dir / "kudos-composer.png"))
    ana.get_by_role("button", name="Send kudos").click()

    card = ben.locator("article.post", has_text=message)
    expect(card.locator(".kudos-card")).to_contain_text(value)
    expect(card.locator(".kudos-people")).to_contain_text(f"Ben Kudo{surname}")
    assert ben.evaluate("window.__sameDocument") is True
    ben.goto(web_server.url + f"/people/{ben_user['id']}")
    expect(ben.locator("#kudos-received")).to_contain_text(value)
    ben.screenshot(path=str(shots_dir / "profile-kudos.png"))
    phone = signed_in(person("Pia Phone"), viewport={"width": 390, "height": 844})
    phone.goto(web_server.url + f"/people/{ben_user['id']}")
    phone.screenshot(path=str(shots_dir / "profile-kudos-phone.png"), full_page=True)


def test_leaderboard_page_for_a_community_manager(signed_in, person, web_server, shots_dir):
    cm = person("Camille Manager", role="community_manager")
    page = signed_in(cm)
    page.get_by_role("link", name="Kudos leaderboard").click()
    expect(page.get_by_role("heading", name="Kudos leaderboard")).to_be_visible()
    page.screenshot(path=str(shots_dir / "leaderboard.png"), full_page=True)
