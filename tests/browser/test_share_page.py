"""The Share page (static/js/share.js): a share button opens the network's share page in a
new tab, filled with the suggested text and the person's tracked link, without leaving
the page; the count of shares opened goes up."""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_share_opens_the_network_in_a_new_tab_with_the_tracked_link(signed_in, person, web_server):
    marker = uuid.uuid4().hex[:8]
    post = web_server.api("POST", "/api/v1/posts", json={"body": f"New plant {marker}"})
    assert post.status_code == 201, post.text
    offer = web_server.api(
        "PUT",
        f"/api/v1/posts/{post.json()['id']}/shareable",
        json={
            "target_url": "https://www.lumen.example/plant",
            "texts": {"x": {"en": f"Our new plant {marker}"}},
        },
    )
    assert offer.status_code == 201, offer.text

    page = signed_in(person("Sasha Sharer"))
    # the network is not reached from the test machine: the tab's request is answered here
    page.context.route(
        "https://x.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>X</p>"),
    )
    page.get_by_role("link", name="Share", exact=True).click()
    # share.js must have run before the click, or the form posts itself and no tab opens
    page.wait_for_url(web_server.url + "/share")
    page.wait_for_load_state("load")
    card = page.locator(f"#shareable-{offer.json()['id']}")
    expect(card).to_contain_text(marker)
    expect(page.locator('[data-field="my-opens"]')).to_have_text("0")

    with page.expect_popup() as opened:
        card.get_by_role("button", name="Share on X").click()
    tab = opened.value
    tab.wait_for_url("https://x.com/**")
    sent = urlsplit(tab.url)
    query = parse_qs(sent.query)
    assert sent.path == "/intent/post"
    assert query["text"] == [f"Our new plant {marker}"]
    assert query["url"][0].startswith(web_server.url + "/s/")
    assert tab.evaluate("() => window.opener") is None
    expect(page).to_have_url(web_server.url + "/share")  # the Share page stays
    expect(page.locator('[data-field="my-opens"]')).to_have_text("1")

    follow = web_server.api("GET", urlsplit(query["url"][0]).path, allow_redirects=False)
    assert follow.status_code == 302
    assert follow.headers["Location"].startswith("https://www.lumen.example/plant?utm_source=x")
    assert page.dialogs == []
