"""Moderation, analytics, announcement, account pages and emails speak French and English
(issue #14).

Pages are rendered in the pseudo-locale (``tests/i18n_support.py``), where every
translated string comes back as ``⟦text⟧``. What the people of these tests typed is made
of invented words (:data:`USER_WORDS`); so what is left of a page's visible text (its
``<title>``, flashes and ``<main>``: the page header is ``base.html``'s, checked by the
employee-side test) once the wrapped parts, people's words, codes and digits are taken
away is a string somebody forgot to wrap.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta

import pytest

from socialnet.extensions import db
from socialnet.models._time import utcnow
from socialnet.services import announcements, case_actions, password_reset
from socialnet.services.celebrations import company_tz
from socialnet.services.editorial import items as editorial_items
from socialnet.services.newsletters import composing
from socialnet.services.reports import do_report
from tests.i18n_support import VisibleText, date_words, pseudo_locale, unwrapped
from tests.web import html_of

FR = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}
PUBLIC_URL = "https://social.lumen.example"

#: What the people of these tests typed, and the fixtures' names, titles, sites…
USER_TEXT = """
Zorbo Quilfax Vintra Plosk Gribble Fenwax Xanthe Morrow Quabble Snorpel Wozzle flarp
Camille Community Emma Employee Fred Interloper Ada Admin Marc Manager Head of Production
Operator Engineering Communication Sales IT Lyon Paris lumen example Europe UTC
AA CC EE FI MM
"""
#: Names of the analytics CSV downloads (``daily.csv``…): file names, not prose.
FILE_NAMES = {
    "daily", "weekly", "monthly", "groups", "contributors", "kudos", "questions",
    "announcements", "newsletters", "polls", "moderation", "onboarding", "csv",
}  # fmt: skip
USER_WORDS = {word.lower() for word in USER_TEXT.split()}
#: Text stored once in English by the services as content ("Reported: spam" as a case's
#: summary: another item of the issue, "system text rendered when read"), and the reason
#: labels of the queue rows (services/moderation_pages.REASON_LABELS: helper srv-b).
STORED = {"reported", "spam"}
#: Messages of the services shown on these pages that are not translated: none any more
#: (a 404's, a bad link's and a refused Host's come back as ``⟦…⟧``); keep it empty.
SERVICE_MESSAGES: tuple[str, ...] = ()
INNERMOST = re.compile(r"⟦[^⟦⟧]*⟧")


def _scope(page: str) -> str:
    """The part of a page its own template writes: title, flashes and ``<main>``
    (the whole body for a page without ``base.html``)."""
    if '<main id="main"' not in page:
        return page
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    flashes = re.search(r'<div class="flashes".*?</div>', page, re.S)
    main = re.search(r'<main id="main".*?</main>', page, re.S)
    assert main, page[:500]
    parts = [title.group(1).split(" · ")[0] if title else "", main.group(0)]
    return "\n".join([*parts, flashes.group(0) if flashes else ""])


def leftovers(page: str) -> set[str]:
    """Words of ``page`` that are neither translated, nor typed by someone, nor a date."""
    parser = VisibleText()
    parser.feed(_scope(page))
    text = "\n".join(parser.parts)
    for message in SERVICE_MESSAGES:
        text = text.replace(message, " ")
    while True:  # a translation may hold another (a link's text): inner ones go first
        flatter = INNERMOST.sub(" ", text)
        if flatter == text:
            break
        text = flatter
    allowed = USER_WORDS | FILE_NAMES | STORED | date_words() | {"lumen", "co", "l"}
    return {w for w in unwrapped(text).split() if w.lower() not in allowed}


@pytest.fixture
def world(make_user, make_post, cm, employee, fred, admin):
    """A reported post (an open case), a decided case with its notice, a watched word and
    an announcement: every moderation page has something to show."""
    post = make_post(fred, "Zorbo Quilfax Vintra")
    _report, case = do_report(
        employee, {"target_type": "post", "target_id": post.id, "reason": "spam", "text": "Plosk"}
    )
    other = make_post(fred, "Gribble Fenwax")
    _report, decided = do_report(
        employee, {"target_type": "post", "target_id": other.id, "reason": "spam", "text": ""}
    )
    db.session.commit()
    case_actions.do_case_action(cm, decided.id, {"action": "hide", "message": "Xanthe Morrow"})
    announcement = announcements.do_create_announcement(
        cm,
        {
            "title": "Quabble Snorpel",
            "body": "Wozzle flarp",
            "audience": {"kind": "company"},
            "expires_in_days": 7,
        },
    )
    db.session.commit()
    shown = make_post(fred, "Vintra Plosk")
    newsletter = composing.do_create_newsletter(
        cm,
        {
            "title": "Quabble Snorpel",
            "intro": "Wozzle flarp",
            "sections": [{"heading": "Gribble Fenwax", "post_ids": [shown.id]}],
            "audience": {"kind": "company"},
        },
    )
    item = editorial_items.do_create_item(
        cm,
        {
            "title": "Quabble Snorpel",
            "publish_at": (utcnow() + timedelta(hours=1)).isoformat(),
            "assignee_id": employee.id,
        },
    )
    db.session.commit()
    return {
        "case": case,
        "decided": decided,
        "announcement": announcement,
        "newsletter": newsletter,
        "item_day": item.publish_at.replace(tzinfo=UTC).astimezone(company_tz()).date().isoformat(),
    }


def _pages(world) -> list[tuple[str, str]]:
    """(who, path) of every GET page of this scope."""
    token = password_reset.make_signup_token("nina.new@lumen.example", "Zorbo Quilfax")
    return [
        ("cm", "/moderation"),
        ("cm", "/moderation?closed=1"),
        ("cm", f"/moderation/cases/{world['case'].id}"),
        ("cm", f"/moderation/cases/{world['decided'].id}"),
        ("cm", f"/moderation/cases/{world['case'].id}/row"),
        ("cm", "/moderation/watched-words"),
        ("cm", "/moderation/audit"),
        ("fred", "/moderation/mine"),
        ("employee", "/moderation/mine"),
        ("cm", "/analytics"),
        ("cm", "/announcements/new"),
        ("employee", "/announcements/new"),
        ("cm", f"/announcements/{world['announcement'].id}/reach"),
        ("cm", "/newsletters"),
        ("cm", "/newsletters/new"),
        ("cm", f"/newsletters/{world['newsletter'].id}"),
        ("cm", f"/newsletters/{world['newsletter'].id}/edit"),
        # the preview page with no reader chosen: a chosen reader's email speaks their
        # language, not the viewer's (tests/test_newsletters.py reads one in French)
        ("cm", f"/newsletters/{world['newsletter'].id}/preview?as=nobody"),
        ("cm", f"/newsletters/{world['newsletter'].id}/reach"),
        ("employee", "/newsletters"),
        ("cm", "/editorial"),
        ("cm", f"/editorial?view=week&date={world['item_day']}"),
        ("employee", "/editorial?view=week"),
        ("employee", "/settings/preferences"),
        ("admin", "/settings/preferences"),
        ("employee", "/settings/password"),
        ("employee", "/settings/account/delete"),
        ("admin", "/admin/settings"),
        ("employee", "/no/such/page"),
        (None, "/sign-in"),
        (None, "/password-reset"),
        (None, "/password-reset/confirm?token=nonsense"),
        (None, f"/sign-up/confirm?token={token}"),
        (None, "/sign-up/confirm?token=nonsense"),
    ]


def test_every_page_of_the_scope_wraps_its_text(
    app, client, signed_in, world, cm, employee, fred, admin, tmp_path
):
    people = {"cm": cm, "employee": employee, "fred": fred, "admin": admin}
    clients = {name: signed_in(person) for name, person in people.items()}
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    with pseudo_locale(app, tmp_path) as code:
        for person in people.values():
            person.language = None  # the pseudo-locale comes from the browser
        db.session.commit()
        headers = {"Accept-Language": code}
        found = {}
        for who, path in _pages(world):
            response = (clients[who] if who else client).get(path, headers=headers)
            assert response.status_code in (200, 400, 404), (path, response.status_code)
            page = html_of(response)
            assert "⟦" in page, path
            if left := leftovers(page):
                found[path] = sorted(left)
        refused = client.get("/sign-in", headers={**headers, "Host": "attacker.example"})
        assert refused.status_code == 400
        if left := leftovers(html_of(refused)):
            found["host refused"] = sorted(left)
        # a flash after a form: the bulk action's plural and the case action's label
        done = clients["cm"].post(
            "/moderation/bulk",
            data={
                "action": "dismiss",
                "case_ids": world["case"].id,
                "csrf_token": clients["cm"].csrf,
            },
            headers=headers,  # the flash is written in the language of the request that acts
        )
        assert done.status_code == 302
        page = html_of(clients["cm"].get("/moderation", headers=headers))
        assert "⟦Done: 1 case updated.⟧" in page
        if left := leftovers(page):
            found["flash"] = sorted(left)
    assert found == {}, found


def test_the_check_finds_an_unwrapped_string(app, signed_in, cm, tmp_path, monkeypatch):
    """The check above can fail: a page with one English sentence left is caught."""
    client = signed_in(cm)
    with pseudo_locale(app, tmp_path) as code:
        page = html_of(client.get("/moderation/watched-words", headers={"Accept-Language": code}))
    assert leftovers(page) == set()
    broken = page.replace("⟦Watch a word or pattern⟧", "Watch a word or pattern")
    assert leftovers(broken) == {"Watch", "a", "word", "or", "pattern"}


def test_the_pages_speak_french_when_asked(signed_in, cm, world):
    client = signed_in(cm)
    queue = html_of(client.get("/moderation", headers=FR))
    assert "File de modération" in queue and "Review queue" not in queue
    assert "Élevée" in queue or "Moyenne" in queue or "Faible" in queue
    case = html_of(client.get(f"/moderation/cases/{world['case'].id}", headers=FR))
    assert f"Dossier nº {world['case'].id}" in case and "Signalement" in case
    analytics = html_of(client.get("/analytics", headers=FR))
    assert "Statistiques d’engagement" in analytics
    english = html_of(client.get("/moderation", headers=EN))
    assert "Review queue" in english


# --- emails, in the recipient's language ------------------------------------------------


@pytest.fixture
def outbox(app, monkeypatch) -> list:
    """The messages handed to the mailer after commit (nothing leaves the machine)."""
    app.config["PUBLIC_URL"] = PUBLIC_URL
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    sent: list = []
    monkeypatch.setattr(password_reset, "send_in_background", lambda _app, msg: sent.append(msg))
    return sent


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_reset_email_is_in_the_language_of_its_recipient(
    api, client, employee, outbox, language
):
    employee.language = language
    db.session.commit()
    other = "en" if language == "fr" else "fr"
    answer = client.post(
        "/api/v1/auth/password-reset",
        json={"email": employee.email},
        headers={"Accept-Language": other},  # who asks does not decide; the recipient does
    )
    assert answer.status_code in (200, 202, 204), answer.get_data(as_text=True)
    (message,) = outbox
    if language == "fr":
        assert message.subject == "Réinitialisez votre mot de passe Lumen & Co"
        assert message.body.startswith("Bonjour Emma Employee,")
        assert "Choisir un nouveau mot de passe vous déconnecte partout" in message.body
        assert "Hello" not in message.body and "your password" not in message.body
    else:
        assert message.subject == "Reset your Lumen & Co password"
        assert message.body.startswith("Hello Emma Employee,")
        assert "Bonjour" not in message.body
    assert f"{PUBLIC_URL}/password-reset/confirm?token=" in message.body


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_signup_emails_are_in_the_right_language(client, employee, outbox, language):
    employee.language = language
    db.session.commit()
    asker = {"Accept-Language": "fr-FR" if language == "fr" else "en-GB"}
    new = client.post(
        "/api/v1/auth/signup",
        json={"email": "nina.new@lumen.example", "display_name": "Nina New"},
        headers=asker,
    )
    exists = client.post(
        "/api/v1/auth/signup",
        json={"email": employee.email, "display_name": "Someone Else"},
        headers={"Accept-Language": "de"},  # the account's preference decides
    )
    assert new.status_code < 300 and exists.status_code < 300
    signup, existing = outbox
    if language == "fr":
        assert signup.subject == "Terminez votre inscription à Lumen & Co"
        assert signup.body.startswith("Bonjour Nina New,")
        assert "ouvrez ce lien dans les" in signup.body and "Hello" not in signup.body
        assert existing.subject == "Vous avez déjà un compte Lumen & Co"
        assert existing.body.startswith("Bonjour Emma Employee,")
        assert "Pour vous connecter : https://" in existing.body
    else:
        assert signup.subject == "Finish signing up to Lumen & Co"
        assert signup.body.startswith("Hello Nina New,")
        assert "Bonjour" not in signup.body
        assert existing.subject == "You already have a Lumen & Co account"
        assert "To sign in: https://" in existing.body and "Bonjour" not in existing.body
