"""The composer takes files by button, drop and paste (static/js/files.js), shows each
upload's progress, lets the author remove one before posting, and posts the rest with the
post; a colleague's open feed shows them live, without a reload."""

from __future__ import annotations

import base64
import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

_DROP_OR_PASTE = """([kind, name, type, b64]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], name, { type }));
  const form = document.getElementById("composer");
  const event = kind === "drop"
    ? new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true })
    : new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true });
  form.querySelector("textarea").dispatchEvent(event);
}"""


def _png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 120, 200)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def test_composer_attaches_by_button_drop_and_paste_and_removes_one(signed_in, person):
    marker = f"rota{uuid.uuid4().hex[:8]}"
    colleague = signed_in(person("Gil Watcher"))
    colleague.evaluate("window.__sameDocument = true")
    page = signed_in(person("Fanny Files"))
    page.locator("#composer-file-input").set_input_files(
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"draft notes"}
    )
    page.evaluate(_DROP_OR_PASTE, ["drop", "team.png", "image/png", _png()])
    text = base64.b64encode(f"Holiday {marker} for December".encode()).decode()
    page.evaluate(_DROP_OR_PASTE, ["paste", "rota.txt", "text/plain", text])

    files = page.locator("#composer-files li")
    expect(files).to_have_count(3)
    expect(page.locator("#composer-files progress")).to_have_count(0)  # all uploaded
    page.get_by_role("button", name="Remove notes.txt").click()
    expect(files).to_have_count(2)

    page.get_by_label("Share with your colleagues").fill(f"Our {marker} plan")
    page.get_by_role("button", name="Post", exact=True).click()
    post = page.locator(".post", has_text=f"Our {marker} plan").first
    expect(post).to_be_visible()
    expect(post.locator("a.attachment-image")).to_have_count(1)
    expect(post).to_contain_text("rota.txt")
    expect(post).not_to_contain_text("notes.txt")
    expect(files).to_have_count(0)  # the composer is empty again

    live = colleague.locator(".post", has_text=f"Our {marker} plan").first
    expect(live.locator("a.attachment-image img")).to_have_attribute("alt", "team.png")
    expect(live.locator("a.attachment-file")).to_have_text("rota.txt")
    assert colleague.evaluate("window.__sameDocument") is True  # no reload happened


def test_an_edited_comment_changes_live_on_an_open_permalink(signed_in, person, web_server):
    """Its author edits it on its page; a colleague's open permalink shows the new text
    and the "edited" mark without a reload."""
    author, reader = person("Hana Editor"), person("Ivo Reader")
    token = web_server.token_for(author["email"], author["password"])
    post = web_server.api("POST", "/api/v1/posts", token=token, json={"body": "Lunch?"}).json()
    comment = web_server.api(
        "POST", f"/api/v1/posts/{post['id']}/comments", token=token, json={"body": "Noon"}
    ).json()
    watcher = signed_in(reader)
    watcher.goto(web_server.url + post["url"])
    expect(watcher.locator("body")).to_have_attribute("data-live", "on")
    watcher.evaluate("window.__sameDocument = true")

    page = signed_in(author)
    page.goto(web_server.url + post["url"])
    page.locator(f"#comment-{comment['id']}").get_by_role("link", name="Edit your comment").click()
    page.get_by_label("Text").fill("Half past **noon**")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(f"#comment-{comment['id']} strong")).to_have_text("noon")

    seen = watcher.locator(f"#comment-{comment['id']}")
    expect(seen.locator("strong")).to_have_text("noon")
    expect(seen.locator("[data-field='edited']")).to_be_visible()
    assert watcher.evaluate("window.__sameDocument") is True
