"""The editorial pages (issue #18): the assignee writes a draft from the calendar; the
team sees the draft and, once published, the post and its engagement; the per-site
results; administrators name and withdraw correspondents; what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialnet.extensions import db
from socialnet.models import Correspondent, EditorialItem, Post
from socialnet.models._time import utcnow
from socialnet.services.editorial import drafts
from tests.helpers import count_rows
from tests.web import csrf_from, html_of

ITEMS = "/api/v1/editorial/items"

#: The calendar shows days in the company's zone: from noon there, "in three hours" falls
#: on the same day in Paris and in UTC, whatever the wall clock (late on a Sunday, the
#: week of "now + 3 h" in UTC was already next week in Paris).
pytestmark = pytest.mark.usefixtures("midday")


def at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


def test_the_assignee_writes_the_draft_from_the_calendar(auth, api, cm, employee):
    item = (
        api(cm)
        .post(
            ITEMS,
            {"title": "Plant portrait", "assignee_id": employee.id, "publish_at": at(hours=3)},
        )
        .get_json()
    )
    day = (utcnow() + timedelta(hours=3)).date().isoformat()
    emma = auth.login(employee)
    page = emma.get(f"/editorial?view=week&date={day}")
    assert page.status_code == 200 and "Save the draft" in html_of(page)
    token = csrf_from(page)
    empty = emma.post(
        f"/editorial/items/{item['id']}/draft", data={"csrf_token": token, "body": ""}
    )
    assert empty.status_code == 400 and count_rows(Post) == 0
    saved = emma.post(
        f"/editorial/items/{item['id']}/draft",
        data={"csrf_token": token, "body": "Meet **Lina**", "date": day},
    )
    assert saved.status_code == 302
    # the team reads the draft on the calendar; not the interloper's business
    team = html_of(auth.login(cm).get(f"/editorial?view=week&date={day}"))
    assert "<strong>Lina</strong>" in team and "Save the draft" not in team
    api(cm).patch(f"{ITEMS}/{item['id']}", {"status": "scheduled"})
    db.session.rollback()
    row = db.session.get(EditorialItem, item["id"])
    row.publish_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert drafts.publish_due() == 1
    db.session.commit()
    published = html_of(auth.login(cm).get(f"/editorial?view=week&date={day}"))
    assert "Published post" in published and "0 reactions, 0 comments" in published


def test_the_assignee_drafts_an_event_from_the_calendar(auth, api, cm, employee):
    from zoneinfo import ZoneInfo

    from socialnet.models import EventDetails

    body = {"title": "Open day", "assignee_id": employee.id, "publish_at": at(hours=3)}
    item = api(cm).post(ITEMS, body).get_json()
    shown = (utcnow() + timedelta(hours=3)).date().isoformat()
    emma = auth.login(employee)
    page = emma.get(f"/editorial?view=week&date={shown}")
    assert "Or draft an event" in html_of(page)
    token = csrf_from(page)
    day = (utcnow() + timedelta(days=10)).date().isoformat()
    form = {
        "csrf_token": token,
        "kind": "event",
        "title": "Open day at the plant",
        "starts_at": f"{day}T10:00",
        "ends_at": f"{day}T09:00",
        "location": "Lyon",
    }
    refused = emma.post(f"/editorial/items/{item['id']}/draft", data=form)
    assert refused.status_code == 400 and count_rows(Post) == 0
    saved = emma.post(
        f"/editorial/items/{item['id']}/draft", data={**form, "ends_at": f"{day}T12:00"}
    )
    assert saved.status_code == 302
    post = db.session.scalars(db.select(Post)).one()
    assert (post.kind, post.moderation_state, post.title) == (
        "event",
        "draft",
        "Open day at the plant",
    )
    paris = ZoneInfo("Europe/Paris")
    starts = db.session.get(EventDetails, post.id).starts_at.replace(tzinfo=ZoneInfo("UTC"))
    assert starts.astimezone(paris).strftime("%Y-%m-%dT%H:%M") == f"{day}T10:00"
    team = html_of(auth.login(cm).get(f"/editorial?view=week&date={shown}"))
    assert "Open day at the plant" in team


def test_a_stranger_cannot_write_someone_elses_draft(auth, api, cm, employee, fred):
    item = api(cm).post(ITEMS, {"title": "Not yours", "assignee_id": employee.id}).get_json()
    fred_client = auth.login(fred)
    token = csrf_from(fred_client.get("/editorial"))
    refused = fred_client.post(
        f"/editorial/items/{item['id']}/draft", data={"csrf_token": token, "body": "Mine now"}
    )
    assert refused.status_code == 404 and count_rows(Post) == 0


def test_admins_name_and_withdraw_correspondents_on_a_page(auth, admin, cm, employee, fred):
    ada = auth.login(admin)
    page = ada.get("/editorial/correspondents")
    assert page.status_code == 200 and "Name a correspondent" in html_of(page)
    token = csrf_from(page)
    fields = {"csrf_token": token, "person": employee.handle, "scope": "site", "site": "Lyon"}
    unknown = ada.post("/editorial/correspondents", data={**fields, "person": "nobody"})
    assert unknown.status_code == 400 and "No such colleague" in html_of(unknown)
    nowhere = ada.post("/editorial/correspondents", data={**fields, "site": "Atlantis"})
    assert nowhere.status_code == 400 and count_rows(Correspondent) == 0
    assert ada.post("/editorial/correspondents", data=fields).status_code == 302
    listed = html_of(ada.get("/editorial/correspondents"))
    assert "Emma Employee" in listed and "for the site Lyon" in listed
    # the correspondent finds the calendar from the newsletters page; others do not
    assert 'href="/editorial"' in html_of(auth.login(employee).get("/newsletters"))
    assert 'href="/editorial"' not in html_of(auth.login(fred).get("/newsletters"))
    camille = auth.login(cm)
    assert camille.get("/editorial/correspondents").status_code == 200
    assert "Name a correspondent" not in html_of(camille.get("/editorial/correspondents"))
    theirs = csrf_from(camille.get("/editorial/correspondents"))
    refused = camille.post(
        "/editorial/correspondents", data={**fields, "csrf_token": theirs, "person": fred.handle}
    )
    assert refused.status_code == 403
    assert auth.login(fred).get("/editorial/correspondents").status_code == 403
    ada.post(f"/editorial/correspondents/{employee.id}/revoke", data={"csrf_token": token})
    assert count_rows(Correspondent) == 0


def test_the_results_by_site_page(auth, cm, fred):
    page = auth.login(cm).get("/editorial/sites")
    assert page.status_code == 200 and "Results by site" in html_of(page)
    assert auth.login(fred).get("/editorial/sites").status_code == 403
    assert auth.login(cm).get("/editorial/sites?since=nope").status_code == 400
