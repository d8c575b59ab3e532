"""The editorial calendar's clock (issue #18): assignees reminded once within a day of
an item's due time; community managers told once a week, from Monday morning (company
time), how many items are late; each in their language; the per-site results view.
Dates are passed explicitly: nothing here depends on the wall clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from socialnet.extensions import db
from socialnet.models import EditorialItem, EditorialSummary, Notification, Post
from socialnet.models._time import utcnow
from socialnet.services.editorial import drafts, reminders
from tests.group_fixtures import API, notifications_of
from tests.helpers import assert_error, count_rows

ITEMS = f"{API}/editorial/items"
FR = {"Accept-Language": "fr"}
#: Monday 7 December 2026, 09:30 in Paris (08:30 UTC).
MONDAY = datetime(2026, 12, 7, 8, 30)


def item(creator, **fields) -> EditorialItem:
    """An item written straight to the database (due dates the API would call past)."""
    row = EditorialItem(title=fields.pop("title", "Safety week"), created_by_id=creator.id)
    for key, value in fields.items():
        setattr(row, key, value)
    db.session.add(row)
    db.session.commit()
    return row


def test_the_assignee_is_reminded_once_within_a_day(api, cm, employee, fred):
    soon = item(cm, assignee_id=employee.id, status="assigned", due_at=MONDAY + timedelta(hours=20))
    item(cm, assignee_id=fred.id, status="assigned", due_at=MONDAY + timedelta(days=3))
    item(cm, assignee_id=fred.id, status="dropped", due_at=MONDAY + timedelta(hours=3))
    assert reminders.do_send_item_reminders(MONDAY - timedelta(hours=5)) == 0  # too early
    assert reminders.do_send_item_reminders(MONDAY) == 1
    db.session.commit()
    assert reminders.do_send_item_reminders(MONDAY + timedelta(hours=1)) == 0  # once
    [note] = notifications_of(api(employee))
    assert note["type"] == "editorial_due"
    assert note["summary"] == "Reminder: “Safety week” is due within a day"
    assert note["url"] == "/editorial?date=2026-12-08"
    [french] = api(employee).get(f"{API}/notifications", headers=FR).get_json()["items"]
    assert french["summary"] == "Rappel : « Safety week » est à rendre d’ici un jour"
    assert notifications_of(api(fred)) == []
    assert db.session.get(EditorialItem, soon.id).reminded_at is not None


def test_the_weekly_summary_tells_community_managers_once_a_week(api, cm, admin, employee):
    item(cm, assignee_id=employee.id, status="assigned", due_at=MONDAY - timedelta(days=2))
    item(cm, status="idea", due_at=MONDAY - timedelta(days=1))
    item(cm, status="scheduled", due_at=MONDAY - timedelta(days=1))  # not late: scheduled
    assert reminders.do_send_weekly_summaries(MONDAY) == 2  # cm and admin
    db.session.commit()
    assert reminders.do_send_weekly_summaries(MONDAY + timedelta(days=2)) == 0  # same week
    assert count_rows(EditorialSummary) == 2
    [note] = notifications_of(api(cm))
    assert note["type"] == "editorial_late" and note["summary"] == "2 editorial items are late"
    [french] = api(cm).get(f"{API}/notifications", headers=FR).get_json()["items"]
    assert french["summary"] == "2 sujets éditoriaux sont en retard"
    assert notifications_of(api(employee)) == []
    early = MONDAY + timedelta(days=7, hours=-3)  # next Monday 06:30 in Paris: not yet
    assert reminders.do_send_weekly_summaries(early) == 0
    assert reminders.do_send_weekly_summaries(MONDAY + timedelta(days=7)) == 2


def test_no_summary_when_nothing_is_late(api, cm):
    item(cm, status="idea", due_at=MONDAY + timedelta(days=1))
    assert reminders.do_send_weekly_summaries(MONDAY) == 0
    db.session.commit()
    assert count_rows(EditorialSummary) == 1  # the week is done for them all the same
    assert db.session.query(Notification).count() == 0


def test_the_per_site_view_shows_what_was_published_and_how_it_did(api, admin, cm, employee, fred):
    api(admin).put(f"/api/v1/users/{employee.id}/correspondent", {"scope": "site", "value": "Lyon"})
    for site, body in (("Lyon", "Lyon news"), ("Paris", "Paris news")):
        created = (
            api(cm)
            .post(
                ITEMS,
                {
                    "title": body,
                    "assignee_id": employee.id,
                    "target": {"kind": "site", "value": site},
                },
            )
            .get_json()
        )
        api(employee).put(f"{ITEMS}/{created['id']}/draft", {"kind": "post", "body": body})
        publish_at = (utcnow() + timedelta(hours=1)).isoformat() + "Z"
        api(cm).patch(f"{ITEMS}/{created['id']}", {"status": "scheduled", "publish_at": publish_at})
    assert drafts.publish_due(utcnow() + timedelta(hours=2)) == 2
    db.session.commit()
    lyon_post = db.session.scalar(
        db.select(Post.id).where(Post.body == "Lyon news", Post.deleted_at.is_(None))
    )
    api(fred).put(f"{API}/posts/{lyon_post}/reactions/like")
    api(fred).post(f"{API}/posts/{lyon_post}/comments", {"body": "Bravo"})
    until = (utcnow() + timedelta(days=1)).date().isoformat()
    shown = api(employee).get(f"{API}/editorial/sites?until={until}")
    assert shown.status_code == 200, shown.get_json()
    sites = shown.get_json()["sites"]
    assert [(s["site"], s["published"], s["reactions"], s["comments"]) for s in sites] == [
        ("Lyon", 1, 1, 1),
        ("Paris", 1, 0, 0),
    ]
    assert_error(api(fred).get(f"{API}/editorial/sites"), 403)
    assert_error(api(cm).get(f"{API}/editorial/sites?since=2026-12-10&until=2026-12-01"), 400)
    assert_error(api(cm).get(f"{API}/editorial/sites?since=yesterday"), 400)
