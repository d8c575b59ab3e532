"""Onboarding pages (issue #19): the home checklist, ticking without JavaScript, the
journey seen by the manager (404 for others), HR's templates, analytics, in French."""

from __future__ import annotations

from datetime import date

from socialnet.extensions import db
from socialnet.models import OnboardingStep
from tests.i18n_support import PSEUDO, pseudo_locale
from tests.onboarding_support import API, make_template, steps
from tests.test_i18n_pages import leftovers
from tests.web import form, html_of


def _journey(api, cm, person, buddy):
    make_template(
        api(cm), name="Zorbo welcome", steps=steps(person_id=buddy.id), feedback_question=""
    )
    person.hire_date = date(2026, 1, 5)
    db.session.commit()
    answer = api(cm).post(
        f"{API}/onboarding/journeys", {"user_id": person.id, "buddy_id": buddy.id}
    )
    return answer.get_json()


def test_home_checklist_and_ticking_from_the_page(api, signed_in, cm, employee, make_user):
    buddy = make_user("Vintra Plosk")
    journey = _journey(api, cm, employee, buddy)
    page = signed_in(employee)
    home = html_of(page.get("/"))
    assert 'id="onboarding-checklist"' in home and "0 of 3 steps done" in home
    first = journey["steps"][0]["id"]
    assert form(page, f"/onboarding/journeys/{journey['id']}/steps/{first}").status_code == 302
    assert db.session.get(OnboardingStep, first).completed_at is not None
    twice = form(page, f"/onboarding/journeys/{journey['id']}/steps/{first}")
    assert twice.status_code == 302  # refused, said in a flash
    mine = html_of(page.get("/onboarding"))
    assert "1 of 3 steps done" in mine and "Mark as not done" in mine
    undo = form(page, f"/onboarding/journeys/{journey['id']}/steps/{first}", done="0")
    assert undo.status_code == 302
    db.session.expire_all()
    assert db.session.get(OnboardingStep, first).completed_at is None


def test_manager_sees_the_journey_page_others_get_404(api, signed_in, cm, employee, manager, fred):
    journey = _journey(api, cm, employee, manager)
    url = f"/onboarding/journeys/{journey['id']}"
    seen = html_of(signed_in(manager).get(url))
    assert "Onboarding of Emma Employee" in seen and "Mark as done" not in seen
    assert signed_in(fred).get(url).status_code == 404
    assert signed_in(fred).get("/onboarding/templates").status_code == 404
    templates = html_of(signed_in(cm).get("/onboarding/templates"))
    assert "Zorbo welcome" in templates
    step = journey["steps"][0]["id"]
    refused = form(signed_in(fred), f"{url}/steps/{step}")
    assert refused.status_code == 302
    assert db.session.get(OnboardingStep, step).completed_at is None


def test_pages_speak_french_and_forget_no_string(
    app, tmp_path, api, signed_in, cm, employee, make_user
):
    buddy = make_user("Vintra Plosk")
    journey = _journey(api, cm, employee, buddy)
    with pseudo_locale(app, tmp_path) as code:
        for viewer, path in (
            (employee, "/onboarding"),
            (cm, f"/onboarding/journeys/{journey['id']}"),
            (cm, "/onboarding/templates"),
        ):
            response = signed_in(viewer).get(path, headers={"Accept-Language": code})
            assert response.status_code == 200
            html = html_of(response)
            assert f'<html lang="{PSEUDO}">' in html
            assert leftovers(html, app.config["COMPANY_NAME"]) - {
                "Read", "the", "handbook", "Your", "first", "impressions", "Meet", "your",
                "buddy", "What", "surprised", "you?", "Zorbo", "welcome", "EE", "CC",  # initials
            } == set(), path  # fmt: skip
    french = html_of(signed_in(employee).get("/onboarding", headers={"Accept-Language": "fr"}))
    assert "Intégration" in french and "Marquer comme fait" in french
    analytics = html_of(signed_in(cm).get("/analytics", headers={"Accept-Language": "fr"}))
    assert "Parcours d’intégration" in analytics and "Taux de complétion" in analytics


def test_hr_writes_a_template_and_the_manager_chooses_the_buddy_from_the_pages(
    api, signed_in, cm, employee, manager, fred, make_group, make_user
):
    from sqlalchemy import select

    from socialnet.models import OnboardingJourney, OnboardingTemplate

    make_group("Formation")
    boss = signed_in(cm)
    refused = form(
        boss, "/onboarding/templates", name="Zorbo", steps="-1 | Too early", is_default="1"
    )
    assert refused.status_code == 422
    assert "before the hire date" in html_of(refused) and "Too early" in html_of(refused)
    saved = form(
        boss,
        "/onboarding/templates",
        name="Zorbo",
        steps="0 | Meet | person emma.employee\n7 | Join | group Formation\n"
        "30 | Impressions | question What surprised you?\n1 | Read | https://intranet.example/a",
        is_default="1",
        anonymous_feedback="1",
        feedback_question="What helped?",
    )
    assert saved.status_code == 302
    template = db.session.scalar(select(OnboardingTemplate))
    assert [s["action"] for s in template.steps] == ["person", "link", "group", "question"]
    assert template.anonymous_feedback and template.is_default
    assert (
        form(signed_in(fred), "/onboarding/templates", name="x", steps="1 | x").status_code == 404
    )
    nina = make_user("Nina New", manager_id=manager.id, hire_date=date(2026, 1, 5))
    journey = api(manager).post(f"{API}/onboarding/journeys", {"user_id": nina.id}).get_json()
    page = signed_in(manager)
    url = f"/onboarding/journeys/{journey['id']}"
    assert "Change the buddy" in html_of(page.get(url))
    assert form(page, f"{url}/buddy", buddy="@fred.interloper").status_code == 302
    assert db.session.get(OnboardingJourney, journey["id"]).buddy_id == fred.id
    assert form(page, f"{url}/buddy", buddy="nobody.here").status_code == 302
    assert db.session.get(OnboardingJourney, journey["id"]).buddy_id == fred.id
    assert form(signed_in(fred), f"{url}/buddy", buddy="").status_code == 302  # refused
    assert db.session.get(OnboardingJourney, journey["id"]).buddy_id == fred.id
