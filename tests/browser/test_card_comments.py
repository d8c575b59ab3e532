"""A feed card's latest comments in a real browser: "View all N comments" loads the rest in
place, the inline reply box comments without leaving the feed, and a colleague's card shows
the new comment live (issue #14)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_view_all_and_an_inline_reply_that_arrives_live(signed_in, person, web_server):
    ana_user = person("Ana Cards")
    token = web_server.token_for(ana_user["email"], ana_user["password"])
    marker = f"Lunch vote {uuid.uuid4().hex[:8]}"
    post = web_server.api("POST", "/api/v1/posts", token=token, json={"body": marker}).json()
    for word in ("first", "second", "third"):
        sent = web_server.api(
            "POST", f"/api/v1/posts/{post['id']}/comments", token=token, json={"body": word}
        )
        assert sent.status_code == 201, sent.text

    ana = signed_in(ana_user)
    ben = signed_in(person("Ben Replies"), viewport={"width": 390, "height": 844})
    ben.evaluate("window.__sameDocument = true")
    card = ben.locator("article.post", has_text=marker)
    comments = card.locator(".card-comment-list > li")
    expect(comments).to_have_count(2)
    expect(comments.first).to_contain_text("second")
    view_all = card.get_by_role("link", name="View all 3 comments")
    expect(view_all).to_be_visible()

    view_all.click()
    expect(comments).to_have_count(3)
    expect(comments.first).to_contain_text("first")
    expect(view_all).to_be_hidden()

    reply = card.get_by_label("Write a comment")
    reply.fill("Count me in")
    card.get_by_role("button", name="Reply").click()
    expect(reply).to_have_value("")
    expect(comments).to_have_count(4)
    expect(comments.last).to_contain_text("Count me in")
    expect(card.locator('[data-field="comment-count"]')).to_have_text("4")
    assert ben.evaluate("window.__sameDocument") is True  # no reload happened
    assert ben.evaluate("document.documentElement.scrollWidth") <= 390

    ana_card = ana.locator("article.post", has_text=marker)
    expect(ana_card.locator(".card-comment-list > li").last).to_contain_text("Count me in")
    expect(ana_card.get_by_role("link", name="View all 4 comments")).to_be_visible()
    expect(ana_card.locator('[data-field="comment-count"]')).to_have_text("4")


def test_view_all_and_live_comments_show_files_and_the_best_answer(signed_in, person, web_server):
    """Comments drawn by the script ("View all", live) look like the server's: their files,
    linked by /files/{id}/{name}, and the best-answer badge on the chosen answer only."""
    asker = person("Quinn Asks")
    token = web_server.token_for(asker["email"], asker["password"])
    title = f"Where is the VPN guide {uuid.uuid4().hex[:6]}?"
    question = web_server.api(
        "POST", "/api/v1/posts", token=token, json={"kind": "question", "title": title}
    ).json()
    qid = question["id"]
    upload = web_server.api(
        "POST", "/api/v1/files", token=token, files={"file": ("guide.txt", b"the guide")}
    ).json()
    ids = []
    for body, files in (("On the wiki", [upload["id"]]), ("Ask IT", []), ("No idea", [])):
        sent = web_server.api(
            "POST",
            f"/api/v1/posts/{qid}/comments",
            token=token,
            json={"body": body, "file_ids": files},
        )
        assert sent.status_code == 201, sent.text
        ids.append(sent.json()["id"])
    chosen = web_server.api(
        "PUT", f"/api/v1/posts/{qid}/best-answer", token=token, json={"comment_id": ids[0]}
    )
    assert chosen.status_code == 200, chosen.text

    page = signed_in(person("Rita Reads"))
    page.reload()
    card = page.locator(f"#post-{qid}")
    comments = card.locator(".card-comment-list > li")
    expect(comments).to_have_count(2)
    card.get_by_role("link", name="View all 3 comments").click()
    expect(comments).to_have_count(3)
    first = comments.first
    expect(first).to_contain_text("On the wiki")
    expect(first.locator('[data-field="best-answer-badge"]')).to_be_visible()
    link = first.locator("a.attachment-file")
    expect(link).to_have_attribute("href", f"/files/{upload['id']}/guide.txt")
    for other in (comments.nth(1), comments.nth(2)):
        expect(other.locator('[data-field="best-answer-badge"]')).to_be_hidden()
        expect(other.locator("a.attachment-file")).to_have_count(0)

    more = web_server.api(
        "POST", "/api/v1/files", token=token, files={"file": ("vpn.txt", b"vpn")}
    ).json()
    web_server.api(
        "POST",
        f"/api/v1/posts/{qid}/comments",
        token=token,
        json={"body": "Found it", "file_ids": [more["id"]]},
    )
    live = comments.last
    expect(live).to_contain_text("Found it")
    expect(live.locator("a.attachment-file")).to_have_attribute(
        "href", f"/files/{more['id']}/vpn.txt"
    )
    expect(live.locator('[data-field="best-answer-badge"]')).to_be_hidden()
