"""One's own data in a real browser: download the archive, then delete the account."""

from __future__ import annotations

import json
import uuid
import zipfile

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_download_your_data_then_delete_your_account(signed_in, person, web_server, tmp_path):
    ana_user = person(f"Ana Départ{uuid.uuid4().hex[:4]}")
    ana = signed_in(ana_user)
    ben = signed_in(person("Ben Reste"))
    text = f"Mes notes de passation {uuid.uuid4().hex[:8]}"
    ana.get_by_label("Share with your colleagues").fill(text)
    ana.get_by_role("button", name="Post", exact=True).click()
    expect(ben.locator("article.post", has_text=text)).to_contain_text(ana_user["display_name"])

    ana.goto(web_server.url + "/settings/preferences")
    with ana.expect_download() as download_info:
        ana.get_by_role("link", name="Download your data").click()
    archive = tmp_path / "export.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        data = json.loads(opened.read("data.json"))
    assert data["profile"]["email"] == ana_user["email"]
    assert text in [p["body"] for p in data["posts"]]

    ana.get_by_role("link", name="Delete your account").click()
    expect(ana.get_by_role("heading", name="Delete your account")).to_be_visible()
    ana.get_by_label("Your password").fill(ana_user["password"])
    ana.get_by_label("I understand that my account will be deleted for good.").check()
    ana.get_by_role("button", name="Delete my account").click()
    expect(ana).to_have_url(web_server.url + "/sign-in")
    expect(ana.locator("body")).to_contain_text("Your account is deleted.")

    ben.reload()  # anonymise is the default: the post stays, under "Former colleague"
    card = ben.locator("article.post", has_text=text)
    expect(card).to_contain_text("Former colleague")
    expect(card).not_to_contain_text(ana_user["display_name"])
    ana.goto(web_server.url + "/")
    expect(ana).to_have_url(web_server.url + "/sign-in?next=%2F")
