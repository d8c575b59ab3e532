"""Mentions and topics as you type, by keyboard, in the composer and the comment box."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_at_offers_people_hash_offers_topics_and_an_unknown_handle_is_named(
    signed_in, person, web_server
):
    first = f"Maëlys{uuid.uuid4().hex[:4]}"
    colleague = person(f"{first} Garnier")
    author = person("Paul Auteur")
    tag = f"qualite{uuid.uuid4().hex[:5]}"
    token = web_server.token_for(author["email"], author["password"])
    seeded = web_server.api("POST", "/api/v1/posts", token=token, json={"body": f"Audit #{tag}"})
    assert seeded.status_code == 201, seeded.text

    page = signed_in(author)
    box = page.get_by_role("combobox", name="Share with your colleagues")
    box.press_sequentially(f"Merci @{first[:5].lower().replace('ë', 'e')}")
    option = page.get_by_role("option", name=re.compile(f"{first} Garnier"))
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value(f"Merci @{colleague['handle']} ")
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press_sequentially(f"pour l'audit #{tag[:9]}")
    topic = page.get_by_role("option", name=re.compile(f"#{tag}"))
    expect(topic).to_be_visible()
    box.press("ArrowDown")
    box.press("Tab")
    expect(box).to_have_value(f"Merci @{colleague['handle']} pour l'audit #{tag} ")

    box.press("Escape")
    box.press_sequentially("et @personne.inconnue")
    warning = page.get_by_role("status").filter(has_text="Nobody has the handle")
    expect(warning).to_contain_text("@personne.inconnue")
    expect(warning).to_contain_text("it will stay plain text")
    box.press_sequentially(" ")
    box.fill(box.input_value().replace("et @personne.inconnue ", ""))
    expect(warning).to_be_hidden()

    page.get_by_role("button", name="Post", exact=True).click()
    card = page.locator("article.post", has_text="pour l'audit")
    expect(card.locator("a.mention")).to_have_attribute("href", f"/people/{colleague['id']}")
    expect(card.locator("a.hashtag")).to_contain_text(f"#{tag}")

    # the comment box on the post's page offers people too
    post_id = seeded.json()["id"]
    page.goto(f"{web_server.url}/posts/{post_id}")
    comment = page.get_by_role("combobox", name=re.compile("comment", re.I))
    comment.press_sequentially(f"@{first[:5].lower().replace('ë', 'e')}")
    expect(page.get_by_role("option", name=re.compile(f"{first} Garnier"))).to_be_visible()
    comment.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
