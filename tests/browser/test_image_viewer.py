"""The feed's image grid opens a viewer (static/js/viewer.js): a modal dialog that keeps
focus, walks the images with the arrow keys, closes with Esc and gives focus back."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(out, "PNG")
    return out.getvalue()


def test_viewer_opens_walks_with_arrows_and_closes_with_escape(signed_in, person, web_server):
    author = person("Iris Photographer")
    token = web_server.token_for(author["email"], author["password"])
    ids = []
    for name, color in (("red.png", (200, 0, 0)), ("green.png", (0, 200, 0))):
        sent = web_server.api(
            "POST", "/api/v1/files", token=token, files={"file": (name, _png(color))}
        )
        assert sent.status_code == 201, sent.text
        ids.append(sent.json()["id"])
    body = {"body": f"Team day {uuid.uuid4().hex[:6]}", "file_ids": ids}
    post = web_server.api("POST", "/api/v1/posts", token=token, json=body)
    assert post.status_code == 201, post.text

    page = signed_in(person("Hugo Viewer"))
    page.reload()
    thumbs = page.locator(f"#post-{post.json()['id']} a.attachment-image")
    expect(thumbs).to_have_count(2)
    thumbs.first.click()

    viewer = page.get_by_role("dialog", name="Image viewer")
    expect(viewer).to_be_visible()
    image = viewer.locator("img.viewer-image")
    expect(image).to_have_attribute("alt", "red.png")
    expect(viewer.get_by_role("button", name="Close the viewer")).to_be_focused()
    expect(viewer).to_contain_text("red.png (1 of 2)")

    page.keyboard.press("ArrowRight")
    expect(image).to_have_attribute("alt", "green.png")
    page.keyboard.press("ArrowRight")  # wraps round
    expect(image).to_have_attribute("alt", "red.png")
    page.keyboard.press("ArrowLeft")
    expect(image).to_have_attribute("alt", "green.png")
    # The full-size image loads after its alt text changes: wait for it, then check its width.
    page.wait_for_function("() => document.querySelector('.viewer-image').complete")
    assert page.evaluate("() => document.querySelector('.viewer-image').naturalWidth") == 80

    for _ in range(6):  # Tab never leaves the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('#image-viewer')")

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(thumbs.first).to_be_focused()
    assert page.dialogs == []
