"""New posts come into view: one's own right after posting, others' through "N new posts".

The feed sits below pinned announcements and the composers; on a laptop screen its top
is under the fold, so both must scroll the post itself into view, not the page's top.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SMALL_SCREEN = {"width": 1280, "height": 640}


def _announce_to(web_server, department: str, title: str) -> None:
    body = {
        "title": title,
        "body": "Please read this before Monday.\n\n" + "More details below.\n\n" * 6,
        "audience": {"kind": "department", "value": department},
        "expires_in_days": 1,
    }
    response = web_server.api("POST", "/api/v1/announcements", json=body)
    assert response.status_code == 201, response.text


def test_ones_own_post_and_the_new_posts_button_bring_posts_into_view(
    signed_in, person, web_server
):
    department = f"Logistique {uuid.uuid4().hex[:6]}"
    ana_user = person("Ana Poster", department=department)
    _announce_to(web_server, department, "Inventaire annuel")
    ben = person("Ben Other")
    token = web_server.token_for(ben["email"], ben["password"])
    for n in range(8):  # a feed long enough to scroll down
        body = {"body": f"Point d'étape {n}\n\n" + "Une ligne de plus.\n\n" * 4}
        assert web_server.api("POST", "/api/v1/posts", token=token, json=body).status_code == 201
    ana = signed_in(ana_user, viewport=SMALL_SCREEN)
    expect(ana.locator("#pinned")).to_contain_text("Inventaire annuel")

    text = f"Mon message du jour {uuid.uuid4().hex[:8]}"
    ana.get_by_label("Share with your colleagues").fill(text)
    ana.get_by_role("button", name="Post", exact=True).click()
    mine = ana.locator("article.post", has_text=text)
    expect(mine).to_be_in_viewport()

    # scrolled down the feed, a colleague's post waits behind the button
    ana.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    ana.wait_for_function("() => document.getElementById('feed').getBoundingClientRect().top < 0")
    other = f"Nouvelle du service {uuid.uuid4().hex[:8]}"
    response = web_server.api("POST", "/api/v1/posts", token=token, json={"body": other})
    assert response.status_code == 201, response.text
    button = ana.get_by_role("button", name="1 new post ↑")
    expect(button).to_be_visible()
    button.click()
    card = ana.locator("article.post", has_text=other)
    expect(card).to_be_in_viewport()
    expect(card).to_be_focused()
    expect(button).to_be_hidden()
