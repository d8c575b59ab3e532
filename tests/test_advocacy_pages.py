"""Employee advocacy pages (issue #19), without JavaScript: the Share page, sharing by
form, the community manager's offer form, the figures page, and their languages."""

from __future__ import annotations

import pytest

from socialnet.extensions import db
from socialnet.models import Shareable, ShareOpen
from tests.helpers import count_rows
from tests.i18n_support import pseudo_locale
from tests.test_i18n_pages import leftovers
from tests.web import form, html_of

SITE = "https://www.lumen.example/news/plant"
#: What people typed in these tests (and brand names), not text to translate.
TYPED_TEXT = """glimmerwick fronds camille community proud of our new plant
fiers de notre nouvelle usine linkedin x facebook"""
TYPED = set(TYPED_TEXT.split())


@pytest.fixture(autouse=True)
def company_sites(app):
    app.config["ADVOCACY_SITES"] = ["lumen.example"]


def _offer_fields(**extra):
    return {
        "target_url": SITE,
        "text_linkedin_en": "Proud of our new plant",
        "text_linkedin_fr": "Fiers de notre nouvelle usine",
        **extra,
    }


@pytest.fixture
def offered(cm, make_post, signed_in):
    post = make_post(cm, "Glimmerwick fronds")
    page = signed_in(cm)
    response = form(page, f"/posts/{post.id}/shareable", _offer_fields())
    assert response.status_code == 302 and response.headers["Location"].endswith("/share")
    return post, db.session.query(Shareable).one()


def test_the_offer_form_saves_and_refuses_bad_targets_keeping_what_was_typed(
    cm, make_post, signed_in
):
    post = make_post(cm, "Glimmerwick fronds")
    page = signed_in(cm)
    assert "Share outside" in html_of(page.get(f"/posts/{post.id}"))
    assert 'name="target_url"' in html_of(page.get(f"/posts/{post.id}/shareable"))
    refused = form(page, f"/posts/{post.id}/shareable", _offer_fields(target_url="javascript:x"))
    assert refused.status_code == 302
    again = html_of(page.get(refused.headers["Location"]))
    assert "Only http and https addresses can be shared." in again
    assert "Proud of our new plant" in again  # the texts typed are kept
    assert count_rows(Shareable) == 0
    other = form(
        page, f"/posts/{post.id}/shareable", _offer_fields(target_url="https://evil.example")
    )
    assert other.status_code == 302 and count_rows(Shareable) == 0
    assert form(page, f"/posts/{post.id}/shareable", _offer_fields()).status_code == 302
    assert count_rows(Shareable) == 1


def test_an_employee_shares_without_javascript(offered, employee, signed_in):
    _post, shareable = offered
    page = signed_in(employee)
    share_page = html_of(page.get("/share"))
    assert "Glimmerwick fronds" in share_page and SITE in share_page
    assert f'action="/share/{shareable.id}"' in share_page
    answer = form(page, f"/share/{shareable.id}", network="linkedin", language="fr")
    assert answer.status_code == 200
    body = html_of(answer)
    assert "https://www.linkedin.com/feed/?shareActive=true" in body
    assert "Fiers de notre nouvelle usine" in body and "/s/" in body
    assert count_rows(ShareOpen) == 1
    no_token = page.post(f"/share/{shareable.id}", data={"network": "x"})
    assert no_token.status_code == 400 and count_rows(ShareOpen) == 1
    bad = form(page, f"/share/{shareable.id}", network="myspace")
    assert bad.status_code == 302 and count_rows(ShareOpen) == 1
    assert "must be one of" in html_of(page.get("/share"))


def test_leaderboard_choice_by_form(offered, employee, signed_in):
    page = signed_in(employee)
    assert form(page, "/share/leaderboard", leaderboard="on").status_code == 302
    assert "checked" in html_of(page.get("/share")).split('name="leaderboard"')[1][:20]
    assert form(page, "/share/leaderboard").status_code == 302
    assert "checked" not in html_of(page.get("/share")).split('name="leaderboard"')[1][:20]


def test_withdrawing_by_form_empties_the_share_page(offered, cm, employee, signed_in):
    post, _shareable = offered
    page = signed_in(cm)
    assert form(page, f"/posts/{post.id}/shareable/withdraw").status_code == 302
    assert "Glimmerwick" not in html_of(signed_in(employee).get("/share"))


def test_figures_page_for_community_managers_only(offered, cm, employee, signed_in, client):
    assert signed_in(cm).get("/analytics/advocacy").status_code == 200
    assert signed_in(cm).get("/analytics/advocacy?from=2020-01-01&to=2024-01-01").status_code == 400
    assert signed_in(employee).get("/analytics/advocacy").status_code == 403
    assert signed_in(employee).get(f"/posts/{offered[0].id}/shareable").status_code == 403
    assert client.get("/share").status_code == 302  # signed out: to the sign-in page


def test_the_advocacy_pages_are_translated(app, offered, cm, signed_in, tmp_path):
    post, shareable = offered
    page = signed_in(cm)
    form(page, f"/share/{shareable.id}", network="x")
    with pseudo_locale(app, tmp_path) as code:
        found = {}
        for path in ("/share", f"/posts/{post.id}/shareable", "/analytics/advocacy"):
            response = page.get(path, headers={"Accept-Language": code})
            assert response.status_code == 200, path
            left = leftovers(html_of(response), app.config["COMPANY_NAME"])
            allowed = TYPED | {"cc", "posts", "people", "csv", "https", "www", "news"}
            left = {word for word in left if word.lower() not in allowed}
            if left:
                found[path] = sorted(left)
        opened = page.post(
            f"/share/{shareable.id}",
            data={"csrf_token": page.csrf, "network": "x"},
            headers={"Accept-Language": code},
        )
        left = leftovers(html_of(opened), app.config["COMPANY_NAME"])
    assert found == {}, found
    assert not {w for w in left if w.lower() not in TYPED | {"cc"} and "lumen.example" not in w}
