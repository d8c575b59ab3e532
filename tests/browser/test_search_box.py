"""The top bar's search box in a real browser: type-ahead by keyboard, then the results page."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_type_ahead_finds_a_colleague_by_keyboard(signed_in, person):
    first = f"Zélie{uuid.uuid4().hex[:4]}"
    colleague = person(f"{first} Martin", job_title="Quality engineer")
    page = signed_in(person("Ana Reader"))
    box = page.get_by_role("combobox", name="Search socialnet")

    box.fill(first[:6].lower().replace("é", "e"))  # "zelie…": no capital, no accent
    options = page.get_by_role("option")
    expect(options.first).to_contain_text(f"{first} Martin")
    expect(box).to_have_attribute("aria-expanded", "true")

    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press("ArrowDown")  # closed: nothing to move to
    box.fill(first[:6])
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/people/{colleague['id']}$"))


def test_enter_without_a_choice_opens_the_results_with_marked_words(signed_in, person, web_server):
    author = person("Bruno Writer")
    word = f"réunion{uuid.uuid4().hex[:6]}"
    token = web_server.token_for(author["email"], author["password"])
    body = {"body": f"Compte rendu de la {word} de lundi"}
    assert web_server.api("POST", "/api/v1/posts", token=token, json=body).status_code == 201

    page = signed_in(person("Chloé Reader"))
    box = page.get_by_role("combobox", name="Search socialnet")
    box.fill(word.replace("é", "e"))
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q="))
    result = page.locator(".search-result[data-type='post']")
    expect(result).to_have_count(1)
    expect(result.locator("mark")).to_have_text(word)
    expect(page.get_by_role("link", name="Posts")).to_be_visible()
    assert page.dialogs == []
