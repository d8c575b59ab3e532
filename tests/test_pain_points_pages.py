"""The register page (issue #17): in the nav, the totals, raising, voting and triage
without JavaScript, a pain point inside its post card, bad input, in French too."""

from __future__ import annotations

from socialnet.extensions import db
from socialnet.models import PainPoint, PainPointVote, Post
from tests.i18n_support import PSEUDO, pseudo_locale
from tests.test_i18n_pages import leftovers
from tests.web import form, html_of

API = "/api/v1"


def test_raise_vote_and_triage_from_the_page(api, signed_in, employee, cm, fred, make_group):
    team = make_group("Hidden team", "secret", members=(employee,))
    api(employee).post(f"{API}/pain-points", {"title": "Hidden trouble", "group_id": team.id})
    page = signed_in(employee)
    raised = form(
        page,
        "/pain-points",
        title="Zorbo printer jams",
        description="Every **morning**",
        hours_per_week="1,5",
        site="",
        department="",
        group_id="",
    )
    assert raised.status_code == 302
    item = db.session.query(Post).filter_by(kind="pain_point", title="Zorbo printer jams").one()
    assert db.session.get(PainPoint, item.id).minutes_per_week == 90

    other = signed_in(fred)
    html = html_of(other.get("/pain-points"))
    assert 'href="/pain-points"' in html and 'aria-current="page"' in html
    assert "Zorbo printer jams" in html and "Hidden trouble" not in html
    assert "1.5 h a week at stake" in html
    assert (
        form(other, f"/pain-points/{item.id}/vote", active="1", next="/pain-points").status_code
        == 302
    )
    assert db.session.query(PainPointVote).filter_by(post_id=item.id).count() == 2
    assert "3.0 h a week at stake" in html_of(other.get("/pain-points"))
    card = html_of(other.get(f"/posts/{item.id}"))
    assert f'data-pain-point-id="{item.id}"' in card and "Me too" in card
    assert "Triage" not in card  # an employee does not triage

    boss = signed_in(cm)
    refused = form(boss, f"/pain-points/{item.id}/triage", status="solved", resolution_note="")
    assert refused.status_code == 302
    assert db.session.get(PainPoint, item.id).status == "new"
    done = form(boss, f"/pain-points/{item.id}/triage", status="solved", resolution_note="Fixed")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(PainPoint, item.id).status == "solved"
    solved = html_of(other.get("/pain-points?status=solved"))
    assert "3.0 h a week given back" in solved and "Fixed" in solved


def test_bad_input_on_the_page_keeps_what_was_typed(signed_in, employee):
    page = signed_in(employee)
    before = db.session.query(Post).count()
    refused = form(page, "/pain-points", title="Zorbo loud fans", hours_per_week="lots")
    assert refused.status_code == 400
    html = html_of(refused)
    assert "hours_per_week" in html and 'value="Zorbo loud fans"' in html
    assert db.session.query(Post).count() == before
    assert page.get("/pain-points?sort=loudest").status_code == 400
    assert form(page, "/pain-points/4242/vote", active="1").status_code == 302


def test_the_register_page_is_translated(app, api, signed_in, make_user, tmp_path):
    # words of tests/test_i18n_pages.py's people
    employee = make_user("Zorbo Quilfax", site="Glimmerwick", department="Frobnitz")
    cm = make_user("Snorpel Wozzle", role="community_manager", site="Glimmerwick")
    item = (
        api(employee)
        .post(f"{API}/pain-points", {"title": "Gribble Fenwax", "hours_per_week": 2})
        .get_json()
    )
    api(cm).patch(f"{API}/pain-points/{item['id']}", {"owner_id": cm.id, "status": "in_progress"})
    page = signed_in(employee)
    with pseudo_locale(app, tmp_path) as code:
        for path in ("/pain-points", f"/posts/{item['id']}", "/pain-points?status=solved"):
            response = page.get(path, headers={"Accept-Language": code})
            assert response.status_code == 200
            html = html_of(response)
            assert f'<html lang="{PSEUDO}">' in html
            assert leftovers(html, app.config["COMPANY_NAME"]) == set(), path
    french = html_of(page.get("/pain-points", headers={"Accept-Language": "fr"}))
    assert "Irritants" in french and "En cours" in french


def test_merge_and_take_ownership_from_the_page(api, signed_in, employee, cm, fred):
    first = api(employee).post(f"{API}/pain-points", {"title": "Zorbo badge reader"}).get_json()
    second = api(fred).post(f"{API}/pain-points", {"title": "Zorbo gate B"}).get_json()
    boss = signed_in(cm)
    html = html_of(boss.get("/pain-points"))
    assert "Duplicate of pain point number" in html and f"#{first['id']}" in html
    owned = form(
        boss, f"/pain-points/{first['id']}/triage", status="acknowledged", take_ownership="1"
    )
    assert owned.status_code == 302
    assert db.session.get(PainPoint, first["id"]).owner_id == cm.id
    refused = form(boss, f"/pain-points/{second['id']}/merge", into_id=str(second["id"]))
    assert refused.status_code == 302
    assert db.session.get(PainPoint, second["id"]).merged_into_id is None
    merged = form(boss, f"/pain-points/{second['id']}/merge", into_id=f"#{first['id']}")
    assert merged.status_code == 302
    db.session.expire_all()
    assert db.session.get(PainPoint, second["id"]).merged_into_id == first["id"]
    assert db.session.query(PainPointVote).filter_by(post_id=first["id"]).count() == 2
    assert "Duplicate of" not in html_of(signed_in(employee).get("/pain-points"))
