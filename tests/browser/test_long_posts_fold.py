"""Long posts fold after about ten lines in the feed, with "See more"; short ones do not."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_long_post_folds_and_unfolds_in_place_and_a_live_one_folds_too(
    signed_in, person, web_server
):
    author = person("Lina Longue")
    token = web_server.token_for(author["email"], author["password"])
    marker = uuid.uuid4().hex[:8]
    lines = "\n\n".join(f"Ligne {n} du compte rendu {marker}" for n in range(1, 31))
    for body in (lines, f"Court {marker}"):
        response = web_server.api("POST", "/api/v1/posts", token=token, json={"body": body})
        assert response.status_code == 201, response.text

    page = signed_in(person("Rita Lectrice"))
    long_card = page.locator("article.post", has_text=f"Ligne 1 du compte rendu {marker}")
    short_card = page.locator("article.post", has_text=f"Court {marker}")
    expect(short_card).to_be_visible()
    expect(short_card.get_by_role("button", name="See more")).to_have_count(0)

    more = long_card.get_by_role("button", name="See more")
    expect(more).to_have_attribute("aria-expanded", "false")
    last = long_card.get_by_text(f"Ligne 30 du compte rendu {marker}")
    expect(last).not_to_be_in_viewport()
    height = long_card.locator(".post-body").evaluate("el => el.getBoundingClientRect().height")
    assert height < 400, height
    more.click()
    less = long_card.get_by_role("button", name="See less")
    expect(less).to_have_attribute("aria-expanded", "true")
    unfolded = long_card.locator(".post-body").evaluate("el => el.getBoundingClientRect().height")
    assert unfolded > height * 2, (height, unfolded)

    page.evaluate("window.scrollTo(0, 0)")  # at the top, a live post is inserted at once
    live = f"Direct {marker}\n\n" + "\n\n".join(f"Point {n}" for n in range(1, 25))
    response = web_server.api("POST", "/api/v1/posts", token=token, json={"body": live})
    assert response.status_code == 201, response.text
    live_card = page.locator("article.post", has_text=f"Direct {marker}")
    expect(live_card.get_by_role("button", name="See more")).to_be_visible()
