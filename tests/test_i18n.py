"""French and English: how a request's language is chosen, and what it changes.

Order (socialnet/i18n.py): the person's preference, else (signed out) the switch's
cookie, else Accept-Language, else DEFAULT_LANGUAGE.
"""

from __future__ import annotations

import json
import re

import pytest

from socialnet.extensions import db
from tests.helpers import assert_error
from tests.i18n_support import PSEUDO, pseudo_locale, unwrapped
from tests.web import csrf_from

FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:300]
    return match.group(1)


def catalog_of(response) -> dict:
    page = response.get_data(as_text=True)
    match = re.search(r'<script id="i18n-catalog" type="application/json">(.*?)</script>', page)
    assert match, "every page embeds the browser's strings"
    return json.loads(match.group(1))


def test_the_browser_language_decides_before_the_person_chooses(client):
    assert html_lang(client.get("/sign-in", headers=FR)) == "fr"
    assert html_lang(client.get("/sign-in", headers=EN)) == "en"
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "de"})) == "en"


def test_the_company_default_applies_when_the_browser_names_none_we_offer(app, client):
    app.config["DEFAULT_LANGUAGE"] = "fr"
    try:
        assert html_lang(client.get("/sign-in", headers={"Accept-Language": "de"})) == "fr"
        assert html_lang(client.get("/sign-in")) == "fr"
    finally:
        app.config["DEFAULT_LANGUAGE"] = "en"


def test_a_preference_wins_over_the_browser_and_null_gives_it_back(api, employee):
    me = api(employee)
    assert me.get("/api/v1/me/preferences").get_json()["language"] is None
    answer = me.patch("/api/v1/me/preferences", {"language": "fr"}, headers=EN)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "leaderboard_opt_out": False,
        "celebrate_birthday": False,
        "language": "fr",
        "digest": "weekly",
    }
    refused = me.patch("/api/v1/me/preferences", {"language": "xx"}, headers=EN)
    body = assert_error(refused, 400, "invalid")
    # The message follows the preference (French), the codes stay English.
    assert body["fields"] == {"language": "not_a_language"}
    assert body["message"] == "language doit valoir en, fr, ou null."
    assert me.patch("/api/v1/me/preferences", {"language": None}).get_json()["language"] is None
    refused = me.patch("/api/v1/me/preferences", {"language": "xx"}, headers=EN)
    assert assert_error(refused, 400)["message"] == "language must be one of en, fr, or null."


@pytest.mark.parametrize("bad", [1, True, "FR", "", ["fr"], "fr-FR"])
def test_a_language_we_do_not_offer_is_refused_and_changes_nothing(api, employee, bad):
    me = api(employee)
    me.patch("/api/v1/me/preferences", {"language": "en", "celebrate_birthday": False})
    refused = me.patch("/api/v1/me/preferences", {"language": bad, "celebrate_birthday": True})
    assert_error(refused, 400, "invalid")
    db.session.expire_all()
    assert employee.language == "en"
    assert employee.celebrate_birthday is False


def test_the_header_switch_sets_the_preference_of_a_signed_in_person(signed_in, employee):
    client = signed_in(employee)
    page = client.get("/", headers=EN)
    assert html_lang(page) == "en"
    assert 'name="language" value="fr"' in page.get_data(as_text=True)
    answer = client.post(
        "/settings/language", data={"language": "fr", "next": "/groups", "csrf_token": client.csrf}
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/groups")
    db.session.expire_all()
    assert employee.language == "fr"
    assert html_lang(client.get("/", headers=EN)) == "fr"


def test_the_header_switch_remembers_a_signed_out_choice_in_a_cookie(client):
    token = csrf_from(client.get("/sign-in", headers=EN))
    answer = client.post(
        "/settings/language",
        data={"language": "fr", "next": "https://evil.example/", "csrf_token": token},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"  # never an open redirect
    assert html_lang(client.get("/sign-in", headers=EN)) == "fr"


def test_the_switch_refuses_a_language_we_do_not_offer_and_a_missing_csrf(client):
    token = csrf_from(client.get("/sign-in"))
    assert (
        client.post("/settings/language", data={"language": "de", "csrf_token": token}).status_code
        == 400
    )
    assert client.post("/settings/language", data={"language": "fr"}).status_code == 400
    assert html_lang(client.get("/sign-in", headers=EN)) == "en"


def test_every_page_embeds_the_browser_strings_in_its_language(client):
    english = catalog_of(client.get("/sign-in", headers=EN))
    french = catalog_of(client.get("/sign-in", headers=FR))
    assert english["language"] == "en" and french["language"] == "fr"
    assert french["timezone"] == "Europe/Paris"
    assert set(english["messages"]) == set(french["messages"])


def test_the_pseudo_locale_wraps_what_is_translated(app, client, tmp_path):
    """The tool the page tests rely on: a translated string comes back between markers."""
    with pseudo_locale(app, tmp_path) as code:
        page = client.get("/sign-in", headers={"Accept-Language": code})
        assert html_lang(page) == PSEUDO
        messages = catalog_of(page)["messages"]
        assert all(
            (isinstance(text, str) and text.startswith("⟦")) or isinstance(text, list)
            for text in messages.values()
        )
    assert unwrapped("⟦Save⟧ 12, ⟦now⟧!") == ""
    assert unwrapped("⟦Save⟧ Cancel") == "Cancel"
