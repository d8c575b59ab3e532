"""The feed's script speaks French to a French person (issue #14): text made by app.js.

The page is French because the person chose French (PATCH /api/v1/me/preferences);
everything asserted here is written by static/js (app.js through i18n.js and the
catalogue embedded in the page), not by the server's templates. Locators use ids and
data-fields, so the test holds whether or not the templates are translated yet.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _speaks_french(web_server, user) -> str:
    token = web_server.token_for(user["email"], user["password"])
    response = web_server.api(
        "PATCH", "/api/v1/me/preferences", token=token, json={"language": "fr"}
    )
    assert response.status_code == 200, response.text
    return token


def test_a_french_person_posts_and_reads_the_script_s_text_in_french(signed_in, person, web_server):
    amelie_user = person("Amélie Fournier")
    _speaks_french(web_server, amelie_user)
    colleague = person("Bruno Martin")
    page = signed_in(amelie_user)
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    marker = f"Bonjour l’équipe {uuid.uuid4().hex[:8]}"
    page.locator("#composer-body").fill(marker)
    page.locator('#composer button[type="submit"]').click()

    card = page.locator("article.post", has_text=marker)
    expect(card).to_have_count(1)
    expect(page.locator("#composer-body")).to_have_value("")
    # Built by app.js from the <template>: the time, the comment count's word, the announcement.
    expect(card.locator('time[data-field="created"]')).to_have_text("à l’instant")
    expect(card.locator('[data-field="comment-label"]')).to_have_text("commentaire")  # 0 in French
    expect(page.locator(".sr-only[aria-live='polite']")).to_have_text(
        "Votre publication est en ligne."
    )

    # A colleague mentions her: the bell's label is made by app.js, in French, with a plural.
    token = web_server.token_for(colleague["email"], colleague["password"])
    body = f"Merci @{amelie_user['handle']} !"
    created = web_server.api("POST", "/api/v1/posts", token=token, json={"body": body})
    assert created.status_code == 201, created.text
    expect(page.locator("#bell-count")).to_have_text("1")
    expect(page.locator("#bell")).to_have_attribute("aria-label", "Notifications, 1 non lue")
    page.locator("#bell").click()
    expect(page.locator("#bell-list li.notif time")).to_have_text("à l’instant")

    # Intl in the page's language: relative times and dates from i18n.js.
    assert page.evaluate("i18n.relative(new Date(Date.now() - 3 * 3600 * 1000))") == (
        "il y a 3 heures"
    )
    assert page.evaluate("i18n.date('2026-12-05T10:00:00Z')") == "5 décembre 2026"
    assert page.evaluate("ngettext('%(num)s new post ↑', '%(num)s new posts ↑', 2)") == (
        "2 nouvelles publications ↑"
    )
    assert page.dialogs == []
