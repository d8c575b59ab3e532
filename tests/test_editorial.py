"""The editorial calendar (issue #18): items with statuses, assignees and targets; month
and week views filtered by person and site; the .ics export; what is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from socialnet.extensions import db
from socialnet.models import EditorialItem
from socialnet.models._time import utcnow
from socialnet.services.celebrations import company_tz
from tests.helpers import assert_error, count_rows
from tests.web import csrf_from, html_of

API = "/api/v1/editorial/items"


def local_day(moment: str) -> str:
    """The company day of an ISO instant (the views are by company day)."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return parsed.astimezone(company_tz()).date().isoformat()


def at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


def test_plan_an_item_see_it_in_the_month_and_week_and_change_it(api, cm, employee):
    camille = api(cm)
    created = camille.post(
        API,
        {
            "title": "Interview of the Lyon plant manager",
            "brief": "Two questions on safety",
            "due_at": at(days=1),
            "publish_at": at(days=2),
            "assignee_id": employee.id,
            "target": {"kind": "site", "value": "Lyon"},
        },
    )
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert item["status"] == "assigned" and item["assignee"]["id"] == employee.id
    assert item["target"] == {"kind": "site", "value": "Lyon"} and item["late"] is False
    day = local_day(item["publish_at"])
    for view in ("month", "week"):
        shown = camille.get(f"{API}?view={view}&date={day}").get_json()
        assert shown["view"] == view
        found = [i["id"] for d in shown["days"] for i in d["items"]]
        assert found == [item["id"]]
        assert len(shown["days"]) == 7 or view == "month"
    scheduled = camille.patch(f"{API}/{item['id']}", {"status": "scheduled"})
    assert scheduled.status_code == 200 and scheduled.get_json()["status"] == "scheduled"
    assert api(employee).get(f"{API}/{item['id']}").status_code == 200  # their assignment
    assert_error(api(employee).patch(f"{API}/{item['id']}", {"status": "dropped"}), 403)


def test_filters_by_person_and_site(api, cm, employee, fred):
    camille = api(cm)
    mine = camille.post(
        API, {"title": "Emma writes", "due_at": at(days=1), "assignee_id": employee.id}
    ).get_json()
    paris = camille.post(
        API,
        {"title": "For Paris", "due_at": at(days=1), "target": {"kind": "site", "value": "Paris"}},
    ).get_json()
    day = local_day(mine["due_at"])
    by_person = camille.get(f"{API}?view=week&date={day}&assignee_id={employee.id}").get_json()
    assert [i["id"] for d in by_person["days"] for i in d["items"]] == [mine["id"]]
    by_site = camille.get(f"{API}?view=week&date={day}&site=Paris").get_json()
    assert [i["id"] for d in by_site["days"] for i in d["items"]] == [paris["id"]]
    # an employee sees only their own assignments
    theirs = api(employee).get(f"{API}?view=week&date={day}").get_json()
    assert [i["id"] for d in theirs["days"] for i in d["items"]] == [mine["id"]]
    assert [
        i
        for d in api(fred).get(f"{API}?view=week&date={day}").get_json()["days"]
        for i in d["items"]
    ] == []
    assert_error(api(fred).get(f"{API}/{paris['id']}"), 404)


@pytest.mark.parametrize(
    "data, field, code",
    [
        ({"title": "Late", "publish_at": "2020-03-01T09:00:00Z"}, "publish_at", "past"),
        ({"title": "Late", "due_at": "2020-03-01T09:00:00Z"}, "due_at", "past"),
        ({"title": "Who?", "status": "assigned"}, "assignee_id", "required"),
        ({"title": "When?", "status": "scheduled"}, "publish_at", "required"),
        ({"title": "Odd", "status": "maybe"}, "status", "invalid"),
        ({"title": "Nobody", "assignee_id": 987654}, "assignee_id", "unknown"),
        (
            {"title": "Where", "target": {"kind": "site", "value": "Atlantis"}},
            "target",
            "unknown_site",
        ),
        ({"title": "", "due_at": None}, "title", "empty"),
    ],
)
def test_bad_items_are_refused_and_nothing_is_written(api, cm, data, field, code):
    refused = assert_error(api(cm).post(API, data), 400)
    assert refused["fields"][field] == code, refused
    assert count_rows(EditorialItem) == 0


def test_only_community_managers_and_admins_plan(api, employee, manager):
    for person in (employee, manager):
        assert_error(api(person).post(API, {"title": "Mine"}), 403)
    assert count_rows(EditorialItem) == 0


def test_a_secret_group_item_is_hidden_from_those_outside(api, cm, admin, fred, make_group):
    board = make_group("Board", "secret", members=(cm,))
    item = (
        api(cm)
        .post(
            API,
            {
                "title": "Board memo",
                "due_at": at(days=1),
                "target": {"kind": "group", "value": board.id},
            },
        )
        .get_json()
    )
    assert_error(api(admin).get(f"{API}/{item['id']}"), 404)
    assert_error(api(fred).get(f"{API}/{item['id']}"), 404)
    day = local_day(item["due_at"])
    assert [
        i for d in api(admin).get(f"{API}?date={day}").get_json()["days"] for i in d["items"]
    ] == []


def test_a_bad_view_or_date_is_refused(api, cm):
    assert assert_error(api(cm).get(f"{API}?view=year"), 400)["fields"] == {"view": "invalid"}
    assert assert_error(api(cm).get(f"{API}?date=tomorrow"), 400)["fields"] == {"date": "not_date"}
    assert assert_error(api(cm).get(f"{API}?assignee_id=x"), 400)["fields"] == {
        "assignee_id": "not_id"
    }


def test_the_ics_export_holds_the_span(api, cm, employee):
    camille = api(cm)
    item = camille.post(
        API, {"title": "Safety week", "publish_at": at(days=3), "status": "scheduled"}
    ).get_json()
    response = camille.get(
        f"/api/v1/editorial/calendar.ics?view=month&date={local_day(item['publish_at'])}"
    )
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = [c for c in calendar.walk("VEVENT")]
    assert str(event["summary"]) == "[scheduled] Safety week"
    assert str(event["uid"]).startswith(f"editorial-{item['id']}@")


def test_the_calendar_page(auth, api, cm):
    item = api(cm).post(API, {"title": "Town hall recap", "due_at": at(days=1)}).get_json()
    page = auth.login(cm).get(f"/editorial?view=week&date={local_day(item['due_at'])}")
    assert page.status_code == 200
    html = html_of(page)
    assert "Town hall recap" in html and "calendar.ics" in html
    assert auth.login(cm).get("/editorial?view=year").status_code == 400


def test_the_page_form_plans_an_item_and_shows_what_is_wrong(auth, cm, employee):
    camille = auth.login(cm)
    page = camille.get("/editorial")
    token = csrf_from(page)
    fields = {
        "csrf_token": token,
        "title": "Portrait of a new joiner",
        "brief": "",
        "due_at": "2020-01-01T10:00",
        "publish_at": "",
        "assignee": employee.handle,
        "site": "",
        "status": "",
    }
    refused = camille.post("/editorial", data=fields)
    assert refused.status_code == 400 and "in the past" in html_of(refused)
    assert count_rows(EditorialItem) == 0
    later = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    unknown = camille.post("/editorial", data={**fields, "due_at": later, "assignee": "nobody"})
    assert unknown.status_code == 400 and "No such colleague" in html_of(unknown)
    done = camille.post("/editorial", data={**fields, "due_at": later})
    assert done.status_code == 302
    [item] = db.session.scalars(select(EditorialItem)).all()
    assert item.assignee_id == employee.id and item.status == "assigned"
    assert auth.login(employee).post("/editorial", data=fields).status_code in (400, 403)
