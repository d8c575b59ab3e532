"""Correspondents (issue #18): administrators name them for a site or department; they
share the editorial calendar with the community managers; their space is a group whose
members follow the role; the role shows on the profile; what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialnet.extensions import db
from socialnet.models import AuditLogEntry, Correspondent, GroupMembership
from socialnet.models._time import utcnow
from tests.helpers import assert_error, count_rows
from tests.web import html_of

ITEMS = "/api/v1/editorial/items"


def at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


def grant(client, person, scope="site", value="Lyon"):
    return client.put(f"/api/v1/users/{person.id}/correspondent", {"scope": scope, "value": value})


def space_members() -> set[int]:
    from socialnet.services.editorial.correspondents import space_group

    db.session.rollback()
    group = space_group()
    if group is None:
        return set()
    return set(
        db.session.scalars(
            db.select(GroupMembership.user_id).where(GroupMembership.group_id == group.id)
        )
    )


def test_an_admin_names_a_correspondent_who_then_shares_the_calendar(api, admin, cm, employee):
    before = api(employee).post(ITEMS, {"title": "Lyon news", "due_at": at(days=2)})
    assert_error(before, 403)
    named = grant(api(admin), employee)
    assert named.status_code == 200, named.get_json()
    assert named.get_json()["scope"] == "site" and named.get_json()["value"] == "Lyon"
    assert named.get_json()["user"]["id"] == employee.id
    # the correspondent plans, and sees the community manager's items too
    mine = api(employee).post(ITEMS, {"title": "Lyon news", "due_at": at(days=2)})
    assert mine.status_code == 201, mine.get_json()
    theirs = api(cm).post(ITEMS, {"title": "Company news", "due_at": at(days=2)}).get_json()
    assert api(employee).get(f"{ITEMS}/{theirs['id']}").status_code == 200
    assert api(employee).patch(f"{ITEMS}/{theirs['id']}", {"brief": "Angle"}).status_code == 200
    listed = api(cm).get("/api/v1/correspondents").get_json()["items"]
    assert [(c["user"]["id"], c["value"]) for c in listed] == [(employee.id, "Lyon")]
    # the profile says so, in the API and on the page
    assert api(cm).get(f"/api/v1/users/{employee.id}").get_json()["correspondent"] == {
        "scope": "site",
        "value": "Lyon",
    }
    assert api(cm).get(f"/api/v1/users/{cm.id}").get_json()["correspondent"] is None
    actions = [e.action for e in db.session.scalars(db.select(AuditLogEntry))]
    assert "correspondent.granted" in actions


def test_the_space_follows_the_role(api, admin, employee, fred, auth):
    assert space_members() == set()
    grant(api(admin), employee)
    assert space_members() == {admin.id, employee.id}  # created on the first grant
    grant(api(admin), fred, scope="department", value="Sales")
    assert space_members() == {admin.id, employee.id, fred.id}
    moved = grant(api(admin), fred, scope="site", value="Paris").get_json()
    assert moved["scope"] == "site" and count_rows(Correspondent) == 2
    assert api(admin).delete(f"/api/v1/users/{fred.id}/correspondent").status_code == 204
    assert space_members() == {admin.id, employee.id}
    assert_error(api(fred).post(ITEMS, {"title": "Mine", "due_at": at(days=1)}), 403)
    assert_error(api(fred).get("/api/v1/correspondents"), 403)
    page = html_of(auth.login(admin).get(f"/people/{employee.id}"))
    assert "Communication correspondent" in page and "for the site Lyon" in page


@pytest.mark.parametrize(
    "body, field, code",
    [
        ({"scope": "planet", "value": "Lyon"}, "scope", "invalid"),
        ({"scope": "site", "value": "Atlantis"}, "value", "unknown_site"),
        ({"scope": "department", "value": "Alchemy"}, "value", "unknown_department"),
        ({"scope": "site", "value": ""}, "value", "empty"),
        ({"scope": "site", "value": "Lyon", "extra": 1}, "extra", "not_allowed"),
    ],
)
def test_bad_grants_are_refused_and_nothing_is_written(api, admin, employee, body, field, code):
    refused = assert_error(api(admin).put(f"/api/v1/users/{employee.id}/correspondent", body), 400)
    assert refused["fields"][field] == code, refused
    assert count_rows(Correspondent) == 0 and space_members() == set()


def test_only_admins_name_correspondents_and_only_employees_become_one(
    api, admin, cm, employee, fred
):
    assert_error(grant(api(cm), employee), 403)
    assert_error(grant(api(fred), fred), 403)
    assert_error(
        api(admin).put("/api/v1/users/987654/correspondent", {"scope": "site", "value": "Lyon"}),
        404,
    )
    assert_error(api(admin).delete(f"/api/v1/users/{employee.id}/correspondent"), 404)
    grant(api(admin), employee)
    assert_error(api(cm).delete(f"/api/v1/users/{employee.id}/correspondent"), 403)
    employee.active = False
    db.session.commit()
    assert_error(grant(api(admin), employee, value="Paris"), 403)
    assert count_rows(Correspondent) == 1


def test_a_correspondent_does_not_see_items_of_a_secret_group_they_are_not_in(
    api, admin, cm, employee, make_group
):
    secret = make_group("Board", visibility="secret", members=(cm,))
    item = (
        api(cm)
        .post(
            ITEMS,
            {
                "title": "Board",
                "due_at": at(days=1),
                "target": {"kind": "group", "value": secret.id},
            },
        )
        .get_json()
    )
    grant(api(admin), employee)
    assert_error(api(employee).get(f"{ITEMS}/{item['id']}"), 404)
