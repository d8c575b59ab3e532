"""Editorial drafts of events and kudos (issue #18): written through the ordinary
services at draft time, invisible on every read path (events lists, calendar feeds,
reminders, kudos leaderboard and profile), published once at ``publish_at`` as new rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from socialnet.extensions import db
from socialnet.jobs import run_due_jobs
from socialnet.models import (
    CompanyValue,
    EventDetails,
    EventRsvp,
    Kudos,
    KudosRecipient,
    Notification,
    Post,
)
from socialnet.models._time import utcnow
from tests.group_fixtures import API, ids, notifications_of
from tests.helpers import assert_error, table_counts
from tests.test_editorial_drafts import ITEMS, at, make_due, plan, write
from tests.test_events import event_body

#: A day far from any midnight or month end, for the leaderboard (no wall clock).
BOARD_DAY = datetime(2026, 3, 10, 12, 0)


def _schedule(api, cm, item_id: int) -> None:
    scheduled = api(cm).patch(
        f"{ITEMS}/{item_id}", {"status": "scheduled", "publish_at": at(hours=1)}
    )
    assert scheduled.status_code == 200, scheduled.get_json()


def _event_draft(**overrides) -> dict:
    body = {"kind": "event", **event_body(**overrides)}
    return body


def _feed_path(client) -> str:
    url = client.post(f"{API}/me/calendar-feed").get_json()["url"]
    return url[url.index("/calendar/") :]


def test_an_event_draft_is_invisible_then_published_once(
    api, client, cm, employee, fred, capture_events
):
    camille, emma = api(cm), api(employee)
    item = plan(camille, employee)
    written = write(emma, item, _event_draft(title="Safety breakfast"))
    assert written["status"] == "draft"
    assert written["post"]["kind"] == "event" and written["post"]["state"] == "draft"
    assert written["post"]["title"] == "Safety breakfast"
    assert api(fred).get(f"{ITEMS}/{item['id']}").status_code == 404
    draft_id = written["post"]["id"]
    assert db.session.get(EventDetails, draft_id).location == "Lyon, room 3"
    # its author reads it (and may not answer it); nobody else sees it anywhere
    assert emma.get(f"{API}/posts/{draft_id}").get_json()["moderation_state"] == "draft"
    assert emma.get(f"{API}/events/{draft_id}").get_json()["can_rsvp"] is False
    assert_error(emma.put(f"{API}/events/{draft_id}/rsvp", {"status": "going"}), 409)
    assert_error(emma.post(f"{API}/events/{draft_id}/cancel"), 409)
    for reader in (emma, camille, api(fred)):
        assert draft_id not in [e["id"] for e in reader.get(f"{API}/events").get_json()["items"]]
    for outsider in (camille, api(fred)):
        assert_error(outsider.get(f"{API}/events/{draft_id}"), 404)
        assert_error(outsider.get(f"{API}/events/{draft_id}.ics"), 404)
        assert_error(outsider.put(f"{API}/events/{draft_id}/rsvp", {"status": "going"}), 404)
        assert draft_id not in ids(outsider.get(f"{API}/feed?limit=100"))
    # even an answer written behind the services' back reaches no feed and no reminder
    db.session.add(EventRsvp(post_id=draft_id, user_id=fred.id, status="going"))
    db.session.commit()
    feed = client.get(_feed_path(api(fred)))
    assert feed.status_code == 200 and b"Safety breakfast" not in feed.data
    starts = db.session.get(EventDetails, draft_id).starts_at
    assert run_due_jobs(starts - timedelta(hours=23))["event_reminders_sent"] == 0
    heard = {
        e.room
        for e in capture_events.of_type("post.created")
        if e.payload["data"]["id"] == draft_id
    }
    assert heard <= {f"user:{employee.id}"}, heard

    _schedule(api, cm, item["id"])
    make_due(item["id"])
    assert run_due_jobs(utcnow())["editorial_published"] == 1
    assert run_due_jobs(utcnow())["editorial_published"] == 0  # once
    db.session.rollback()
    shown = camille.get(f"{ITEMS}/{item['id']}").get_json()
    event_id = shown["post"]["id"]
    assert event_id > draft_id and shown["status"] == "published"
    assert shown["post"]["state"] == "published" and shown["post"]["kind"] == "event"
    assert db.session.get(Post, draft_id).deleted_at is not None
    assert_error(emma.get(f"{API}/posts/{draft_id}"), 404)
    event = api(fred).get(f"{API}/events/{event_id}").get_json()
    assert event["title"] == "Safety breakfast"
    assert api(fred).get(f"{API}/posts/{event_id}").get_json()["author"]["id"] == employee.id
    details = db.session.get(EventDetails, event_id)
    assert (details.location, details.capacity, details.starts_at) == ("Lyon, room 3", 10, starts)
    listed = [e["id"] for e in api(fred).get(f"{API}/events").get_json()["items"]]
    assert listed.count(event_id) == 1 and draft_id not in listed
    answered = api(fred).put(f"{API}/events/{event_id}/rsvp", {"status": "going"})
    assert answered.status_code == 200, answered.get_json()


def test_an_event_draft_in_a_group_stays_out_of_the_group_calendar(api, cm, employee, make_group):
    group = make_group("Lyon plant", members=(cm, employee))
    item = plan(api(cm), employee, target={"kind": "group", "value": group.id})
    draft_id = write(api(employee), item, _event_draft())["post"]["id"]
    assert db.session.get(Post, draft_id).group_id == group.id
    for reader in (api(employee), api(cm)):
        listed = reader.get(f"{API}/events?group_id={group.id}").get_json()["items"]
        assert draft_id not in [e["id"] for e in listed]


def test_bad_event_drafts_are_refused_with_the_events_messages(api, cm, employee):
    item = plan(api(cm), employee)
    emma = api(employee)
    cases = [
        (_event_draft(title=""), "title"),
        (_event_draft(starts_at=at(days=-1), ends_at=at(days=-1, hours=-1)), None),
        (_event_draft(ends_at=at(days=1)), None),
        (_event_draft(capacity=0), "capacity"),
        (_event_draft(online_url="javascript:alert(1)"), "online_url"),
        (_event_draft(group_id=1), "group_id"),
        ({**_event_draft(), "colour": "red"}, None),
    ]
    before = table_counts(Post, EventDetails)
    for draft, field in cases:
        refused = assert_error(emma.put(f"{ITEMS}/{item['id']}/draft", draft), 400)
        assert refused["message"], refused
        assert field is None or field in refused["fields"], (draft, refused)
    assert table_counts(Post, EventDetails) == before
    assert api(cm).get(f"{ITEMS}/{item['id']}").get_json()["post"] is None


def _values() -> dict[str, CompanyValue]:
    rows = [CompanyValue(name="Entraide", emoji="🤝"), CompanyValue(name="Audace", active=False)]
    db.session.add_all(rows)
    db.session.commit()
    return {v.name: v for v in rows}


def _board(client) -> dict:
    got = client.get(f"{API}/kudos/leaderboard?period=month&at={BOARD_DAY.date().isoformat()}")
    assert got.status_code == 200, got.get_json()
    return got.get_json()


def test_kudos_for_a_team_drafted_uncounted_then_published_once(
    api, cm, employee, manager, fred, capture_events
):
    _values()
    camille = api(cm)
    item = plan(camille, cm)  # the community manager writes it: the board is theirs
    team = [employee, manager]
    written = write(
        camille,
        item,
        {
            "kind": "kudos",
            "recipient_ids": [u.id for u in team],
            "value": "entraide",
            "message": "Thanks to the Lyon team",
        },
    )
    assert written["post"]["kind"] == "kudos" and written["post"]["state"] == "draft"
    draft_id = written["post"]["id"]
    draft_kudos = db.session.scalar(select(Kudos).where(Kudos.post_id == draft_id))
    draft_kudos.created_at = BOARD_DAY
    db.session.commit()
    # nobody is thanked yet: no notification, no count on the board or the profiles
    assert notifications_of(api(employee)) == [] and notifications_of(api(manager)) == []
    heard = {
        e.room
        for e in capture_events.of_type("kudos.created")
        if e.payload["data"]["post"]["id"] == draft_id
    }
    assert heard <= {f"user:{cm.id}"}, heard
    board = _board(camille)
    assert board["top_receivers"] == [] and board["top_givers"] == []
    for viewer in (camille, api(employee), api(fred)):
        profile = viewer.get(f"{API}/users/{employee.id}/kudos").get_json()
        assert profile["total"] == 0 and profile["recent"] == [], profile
        assert draft_id not in ids(viewer.get(f"{API}/feed?limit=100")) or viewer is camille
    assert_error(api(employee).get(f"{API}/posts/{draft_id}"), 404)

    _schedule(api, cm, item["id"])
    make_due(item["id"])
    assert run_due_jobs(utcnow())["editorial_published"] == 1
    assert run_due_jobs(utcnow())["editorial_published"] == 0  # once
    db.session.rollback()
    published_id = camille.get(f"{ITEMS}/{item['id']}").get_json()["post"]["id"]
    assert published_id > draft_id
    assert db.session.get(Post, draft_id).deleted_at is not None
    published = db.session.scalar(select(Kudos).where(Kudos.post_id == published_id))
    assert published.message == "Thanks to the Lyon team" and published.giver_id == cm.id
    thanked = db.session.scalars(
        select(KudosRecipient.user_id).where(KudosRecipient.kudos_id == published.id)
    )
    assert sorted(thanked) == sorted(u.id for u in team)
    assert [n["type"] for n in notifications_of(api(employee))] == ["kudos"]
    assert [n["type"] for n in notifications_of(api(manager))] == ["kudos"]
    assert api(fred).get(f"{API}/users/{employee.id}/kudos").get_json()["total"] == 1
    published.created_at = BOARD_DAY
    db.session.commit()
    board = _board(camille)
    assert sorted(r["user"]["id"] for r in board["top_receivers"]) == sorted(u.id for u in team)
    assert [(r["user"]["id"], r["count"]) for r in board["top_givers"]] == [(cm.id, 1)]


def test_bad_kudos_drafts_are_refused_with_the_kudos_messages(api, cm, employee, manager):
    values = _values()
    item = plan(api(cm), employee)
    emma = api(employee)
    good = {"kind": "kudos", "recipient_ids": [manager.id], "value": "Entraide", "message": "Hi"}
    cases = [
        ({**good, "recipient_ids": []}, "recipient_ids"),
        ({**good, "recipient_ids": [employee.id]}, "recipient_ids"),
        ({**good, "recipient_ids": [999999]}, "recipient_ids"),
        ({**good, "value": values["Audace"].id}, "value"),
        ({**good, "value": "Laziness"}, "value"),
        ({**good, "message": ""}, "message"),
    ]
    before = table_counts(Post, Kudos, KudosRecipient, Notification)
    for draft, field in cases:
        refused = assert_error(emma.put(f"{ITEMS}/{item['id']}/draft", draft), 400)
        assert field in refused["fields"], (draft, refused)
    assert table_counts(Post, Kudos, KudosRecipient, Notification) == before
    assert api(cm).get(f"{ITEMS}/{item['id']}").get_json()["post"] is None


def test_a_draft_the_services_now_refuse_stays_scheduled_and_writes_nothing(
    api, cm, employee, manager, fred
):
    _values()
    emma = api(employee)
    kudos_item = plan(api(cm), employee)
    kudos_draft = {"kind": "kudos", "recipient_ids": [manager.id, fred.id], "value": "Entraide"}
    write(emma, kudos_item, {**kudos_draft, "message": "Bravo"})
    event_item = plan(api(cm), employee)
    event_draft_id = write(emma, event_item, _event_draft())["post"]["id"]
    for item in (kudos_item, event_item):
        _schedule(api, cm, item["id"])
        make_due(item["id"])
    # since the drafts were written: a recipient left, the event's start went by
    fred.active = False
    details = db.session.get(EventDetails, event_draft_id)
    details.starts_at, details.ends_at = (
        utcnow() - timedelta(hours=2),
        utcnow() + timedelta(hours=1),
    )
    db.session.commit()
    before = table_counts(Post, EventDetails, Kudos, KudosRecipient, Notification)
    assert run_due_jobs(utcnow())["editorial_published"] == 0
    db.session.rollback()
    assert table_counts(Post, EventDetails, Kudos, KudosRecipient, Notification) == before
    for item in (kudos_item, event_item):
        shown = api(cm).get(f"{ITEMS}/{item['id']}").get_json()
        assert shown["status"] == "scheduled" and shown["post"]["state"] == "draft", shown
    assert notifications_of(api(manager)) == []
