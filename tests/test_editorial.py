"""The editorial calendar (issue #18): items with statuses, assignees and targets; month
and week views filtered by person and site; the .ics export; what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from socialnet.models import EditorialItem
from socialnet.models._time import utcnow
from tests.helpers import assert_error, count_rows
from tests.web import html_of

API = "/api/v1/editorial/items"


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
    day = item["publish_at"][:10]
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
    day = mine["due_at"][:10]
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
    day = item["due_at"][:10]
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
        f"/api/v1/editorial/calendar.ics?view=month&date={item['publish_at'][:10]}"
    )
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = [c for c in calendar.walk("VEVENT")]
    assert str(event["summary"]) == "[scheduled] Safety week"
    assert str(event["uid"]).startswith(f"editorial-{item['id']}@")


def test_the_calendar_page(auth, api, cm):
    item = api(cm).post(API, {"title": "Town hall recap", "due_at": at(days=1)}).get_json()
    page = auth.login(cm).get(f"/editorial?view=week&date={item['due_at'][:10]}")
    assert page.status_code == 200
    html = html_of(page)
    assert "Town hall recap" in html and "calendar.ics" in html
    assert auth.login(cm).get("/editorial?view=year").status_code == 400
