"""The events pages (issue #17): the calendar (month grid and list) in the nav, an event
inside its post card, answering from the page without JavaScript, in French too."""

from __future__ import annotations

from datetime import datetime

from socialnet.extensions import db
from socialnet.models import EventRsvp
from socialnet.services.celebrations import company_tz
from tests.i18n_support import PSEUDO, pseudo_locale
from tests.test_events import PREFIX, event_body
from tests.test_i18n_pages import leftovers
from tests.web import form, html_of


def _this_month_event(api, user, **overrides):
    now = datetime.now(company_tz())
    body = event_body(
        title="Zorbo Quilfax", description="Gribble Fenwax", location="Vintra Plosk", **overrides
    )
    answer = api(user).post(PREFIX + "/events", body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json(), now


def test_the_calendar_lists_my_events_and_answers_without_javascript(
    api, signed_in, employee, make_user, make_group, fred
):
    item, now = _this_month_event(api, employee, capacity=1)
    group = make_group("Secret team", "secret", members=(employee,))
    api(employee).post(PREFIX + "/events", event_body(title="Hidden plan", group_id=group.id))
    starts = datetime.fromisoformat(item["event"]["starts_at"].replace("Z", "+00:00"))
    month = starts.astimezone(company_tz()).strftime("%Y-%m")

    page = signed_in(fred)
    html = html_of(page.get(f"/events?month={month}"))
    assert 'href="/events"' in html and 'aria-current="page"' in html  # the nav link
    assert "Zorbo Quilfax" in html and "Hidden plan" not in html
    assert '<table class="month-grid"' in html and 'scope="col"' in html
    assert page.get("/events?month=garbage").status_code == 200

    assert (
        form(page, f"/events/{item['id']}/rsvp", status="going", next="/events").status_code == 302
    )
    rsvp = db.session.query(EventRsvp).filter_by(user_id=fred.id).one()
    assert rsvp.status == "going"
    html = html_of(page.get(f"/events?month={month}"))
    assert "You are going." in html
    other = signed_in(make_user("Late Comer"))
    assert form(other, f"/events/{item['id']}/rsvp", status="going").status_code == 302
    assert "waiting list, number 1" in html_of(other.get(f"/posts/{item['id']}"))
    # bad answers: flashed, nothing written
    assert form(other, f"/events/{item['id']}/rsvp", status="perhaps").status_code == 302
    assert db.session.query(EventRsvp).count() == 2
    assert form(page, "/events/4242/rsvp", status="going").status_code == 302


def test_the_events_pages_are_translated(app, api, signed_in, make_user, tmp_path):
    employee = make_user("Zorbo Quilfax")  # words of tests/test_i18n_pages.py's people
    item, _now = _this_month_event(api, employee, online_url=None)
    starts = datetime.fromisoformat(item["event"]["starts_at"].replace("Z", "+00:00"))
    month = starts.astimezone(company_tz()).strftime("%Y-%m")
    page = signed_in(employee)
    with pseudo_locale(app, tmp_path) as code:
        for path in (f"/events?month={month}", f"/posts/{item['id']}", "/events?month=2001-01"):
            response = page.get(path, headers={"Accept-Language": code})
            assert response.status_code == 200
            html = html_of(response)
            assert f'<html lang="{PSEUDO}">' in html
            assert leftovers(html, app.config["COMPANY_NAME"]) == set(), path
    french = html_of(page.get(f"/events?month={month}", headers={"Accept-Language": "fr"}))
    assert "Événements" in french and "Mois suivant" in french
