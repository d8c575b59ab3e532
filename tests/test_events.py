"""Events (issue #17): create, read, answer, the waiting list, organisers' actions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socialnet.extensions import db
from socialnet.models import EventRsvp, Notification
from socialnet.models._time import utcnow

PREFIX = "/api/v1"


def at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


def event_body(**overrides):
    body = {
        "title": "Trade breakfast",
        "description": "Croissants and **ideas**",
        "starts_at": at(days=2),
        "ends_at": at(days=2, hours=2),
        "location": "Lyon, room 3",
        "online_url": "https://meet.example.com/breakfast",
        "capacity": 10,
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_event(api):
    def make(organiser, **overrides):
        answer = api(organiser).post(PREFIX + "/events", event_body(**overrides))
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    return make


def test_create_returns_the_post_with_its_event_and_the_same_dict_everywhere(
    api, employee, make_event
):
    item = make_event(employee)
    assert item["kind"] == "event"
    assert item["title"] == "Trade breakfast"
    event = item["event"]
    assert event["counts"] == {"going": 0, "maybe": 0, "declined": 0, "waiting": 0}
    assert event["capacity"] == 10 and event["seats_left"] == 10
    assert event["my_rsvp"] is None and event["can_rsvp"] and event["can_manage"]
    assert event["location"] == "Lyon, room 3"
    assert "<strong>ideas</strong>" in event["description_html"]
    me = api(employee)
    assert me.get(f"{PREFIX}/events/{item['id']}").get_json() == event
    assert me.get(f"{PREFIX}/posts/{item['id']}").get_json()["event"] == event
    feed = me.get(PREFIX + "/feed").get_json()["items"]
    assert feed[0]["event"] == event


def test_the_event_takes_its_groups_visibility(api, employee, fred, make_group, make_event):
    group = make_group("Comité", "private", members=(employee,))
    item = make_event(employee, group_id=group.id)
    outsider = api(fred)
    assert outsider.get(f"{PREFIX}/events/{item['id']}").status_code == 404
    assert (
        outsider.put(f"{PREFIX}/events/{item['id']}/rsvp", {"status": "going"}).status_code == 404
    )
    assert outsider.get(f"{PREFIX}/events/{item['id']}/attendees").status_code == 404
    assert outsider.get(f"{PREFIX}/events?group_id={group.id}").status_code == 404
    assert outsider.get(PREFIX + "/events").get_json()["items"] == []
    assert outsider.post(PREFIX + "/events", event_body(group_id=group.id)).status_code == 403
    assert api(employee).get(PREFIX + "/events").get_json()["items"][0]["id"] == item["id"]


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"capacity": 0}, "capacity", 400),
        ({"capacity": -3}, "capacity", 400),
        ({"capacity": 100_000}, "capacity", 400),
        ({"capacity": "10"}, "capacity", 400),
        ({"capacity": True}, "capacity", 400),
        ({"ends_at": at(days=1)}, "ends_at", 400),
        ({"starts_at": at(days=-1), "ends_at": at(hours=1)}, "starts_at", 400),
        ({"starts_at": "tomorrow"}, "starts_at", 400),
        ({"starts_at": None}, "starts_at", 400),
        ({"ends_at": at(days=30)}, "ends_at", 400),
        ({"location": "x" * 500}, "location", 413),
        ({"online_url": "javascript:alert(1)"}, "online_url", 400),
        ({"online_url": "ftp://files.example.com/x"}, "online_url", 400),
        ({"online_url": "https://"}, "online_url", 400),
        ({"online_url": "meet.example.com"}, "online_url", 400),
        ({"rsvp_closes_at": at(days=3)}, "rsvp_closes_at", 400),
        ({"title": ""}, "title", 400),
        ({"colour": "red"}, "colour", 400),
        ({"group_id": 4242}, "group_id", 400),
    ],
)
def test_bad_input_is_refused_with_nothing_written(api, employee, overrides, field, status):
    answer = api(employee).post(PREFIX + "/events", event_body(**overrides))
    assert answer.status_code == status, answer.get_json()
    assert field in answer.get_json().get("fields", {}), answer.get_json()
    assert answer.get_json()["message"]
    assert api(employee).get(PREFIX + "/feed").get_json()["items"] == []


def test_no_capacity_means_no_limit(api, employee, make_user, make_event):
    item = make_event(employee, capacity=None, online_url=None)
    assert item["event"]["capacity"] is None and item["event"]["seats_left"] is None
    for i in range(3):
        answer = api(make_user(f"Guest {i}")).put(
            f"{PREFIX}/events/{item['id']}/rsvp", {"status": "going"}
        )
        assert answer.get_json()["my_rsvp"] == {"status": "going", "waiting_position": None}
    assert api(employee).get(f"{PREFIX}/events/{item['id']}").get_json()["counts"]["going"] == 3


def test_past_capacity_going_waits_in_line_and_a_decline_promotes_the_first(
    api, employee, make_user, make_event, capture_events
):
    item = make_event(employee, capacity=2)
    url = f"{PREFIX}/events/{item['id']}/rsvp"
    people = [make_user(f"Person {i}") for i in range(5)]
    clients = [api(p) for p in people]
    answers = [c.put(url, {"status": "going"}).get_json()["my_rsvp"] for c in clients]
    assert answers == [
        {"status": "going", "waiting_position": None},
        {"status": "going", "waiting_position": None},
        {"status": "waiting", "waiting_position": 1},
        {"status": "waiting", "waiting_position": 2},
        {"status": "waiting", "waiting_position": 3},
    ]
    # answering "going" again keeps one's place
    assert clients[3].put(url, {"status": "going"}).get_json()["my_rsvp"]["waiting_position"] == 2
    # the second in line steps out: the third moves up
    assert clients[3].put(url, {"status": "maybe"}).get_json()["my_rsvp"]["status"] == "maybe"
    assert clients[4].get(f"{PREFIX}/events/{item['id']}").get_json()["my_rsvp"] == {
        "status": "waiting",
        "waiting_position": 2,
    }
    # a seat frees up: the first in line is promoted in the same transaction, and told
    state = clients[0].put(url, {"status": "declined"}).get_json()
    assert state["counts"] == {"going": 2, "maybe": 1, "declined": 1, "waiting": 1}
    assert clients[2].get(f"{PREFIX}/events/{item['id']}").get_json()["my_rsvp"]["status"] == (
        "going"
    )
    assert clients[4].get(f"{PREFIX}/events/{item['id']}").get_json()["my_rsvp"] == {
        "status": "waiting",
        "waiting_position": 1,
    }
    told = db.session.query(Notification).filter_by(type="event_promoted").all()
    assert [n.user_id for n in told] == [people[2].id]
    summary = api(people[2]).get(PREFIX + "/notifications").get_json()["items"][0]["summary"]
    assert "Trade breakfast" in summary
    updates = capture_events.of_type("event.updated")
    assert updates and capture_events.rooms("event.updated") == {"company"}
    last = max(updates, key=lambda e: e.payload["id"]).payload["data"]
    assert last["counts"] == state["counts"] and "my_rsvp" not in last


def test_rsvp_bad_input_and_closed_answers(api, employee, make_user, make_event, app):
    item = make_event(employee)
    url = f"{PREFIX}/events/{item['id']}/rsvp"
    guest = api(make_user("Guest"))
    for body in ({"status": "waiting"}, {"status": "yes"}, {}, {"status": "going", "x": 1}):
        assert guest.put(url, body).status_code == 400
    assert guest.put(url, ["going"]).status_code == 400
    assert guest.put(f"{PREFIX}/events/4242/rsvp", {"status": "going"}).status_code == 404
    post_id = api(employee).post(PREFIX + "/posts", {"body": "not an event"}).get_json()["id"]
    assert guest.put(f"{PREFIX}/events/{post_id}/rsvp", {"status": "going"}).status_code == 404

    closed = make_event(employee, rsvp_closes_at=at(days=1))
    from socialnet.models import EventDetails

    details = db.session.get(EventDetails, closed["id"])
    details.rsvp_closes_at = utcnow() - timedelta(minutes=1)
    started = db.session.get(EventDetails, item["id"])
    started.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    for event_id in (closed["id"], item["id"]):
        answer = guest.put(f"{PREFIX}/events/{event_id}/rsvp", {"status": "going"})
        assert answer.status_code == 409 and answer.get_json()["message"]
    assert db.session.query(EventRsvp).count() == 0


def test_organisers_edit_and_attendees_are_told_what_changed(
    api, employee, cm, make_user, make_event, fred
):
    item = make_event(employee, capacity=1)
    url = f"{PREFIX}/events/{item['id']}"
    first, second = make_user("First"), make_user("Second")
    api(first).put(url + "/rsvp", {"status": "going"})
    api(second).put(url + "/rsvp", {"status": "going"})
    assert api(fred).patch(url, {"location": "Paris"}).status_code == 403
    assert api(employee).patch(url, {"capacity": 0}).status_code == 400
    assert api(employee).patch(url, {"group_id": 3}).status_code == 400
    answer = api(cm).patch(url, {"location": "Paris, 5th floor", "capacity": 2})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["location"] == "Paris, 5th floor"
    assert answer.get_json()["counts"]["going"] == 2  # the new seat went to the waiting
    changed = db.session.query(Notification).filter_by(type="event_changed").all()
    assert sorted(n.user_id for n in changed) == sorted([first.id, second.id])
    assert "place" in changed[0].text and "seats" in changed[0].text
    assert api(employee).patch(url, {"capacity": 1}).status_code == 409


def test_cancel_tells_everyone_who_answered_and_closes_answers(
    api, employee, make_user, make_event, fred
):
    item = make_event(employee)
    url = f"{PREFIX}/events/{item['id']}"
    people = [make_user(f"P{i}") for i in range(3)]
    for person, status in zip(people, ("going", "maybe", "declined"), strict=True):
        api(person).put(url + "/rsvp", {"status": status})
    assert api(fred).post(url + "/cancel").status_code == 403
    answer = api(employee).post(url + "/cancel")
    assert answer.status_code == 200 and answer.get_json()["cancelled"]
    told = db.session.query(Notification).filter_by(type="event_cancelled").all()
    assert sorted(n.user_id for n in told) == sorted(p.id for p in people)
    assert api(employee).post(url + "/cancel").status_code == 409
    assert api(people[0]).put(url + "/rsvp", {"status": "maybe"}).status_code == 409
    assert api(employee).patch(url, {"location": "x"}).status_code == 409


def test_attendance_after_the_event_and_messages_to_attendees(
    api, employee, make_user, make_event, fred
):
    item = make_event(employee)
    url = f"{PREFIX}/events/{item['id']}"
    came, absent, stranger = make_user("Came"), make_user("Absent"), make_user("Stranger")
    api(came).put(url + "/rsvp", {"status": "going"})
    api(absent).put(url + "/rsvp", {"status": "maybe"})
    assert api(employee).put(url + "/attendance", {"user_ids": [came.id]}).status_code == 409

    message = api(employee).post(url + "/messages", {"body": "Bring your laptop"})
    assert message.status_code == 200 and message.get_json() == {"notified": 2}
    assert api(fred).post(url + "/messages", {"body": "spam"}).status_code == 403
    assert api(employee).post(url + "/messages", {"body": ""}).status_code == 400

    from socialnet.models import EventDetails

    details = db.session.get(EventDetails, item["id"])
    details.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert api(employee).put(url + "/attendance", {"user_ids": [stranger.id]}).status_code == 400
    assert api(employee).put(url + "/attendance", {"user_ids": "all"}).status_code == 400
    assert api(fred).put(url + "/attendance", {"user_ids": [came.id]}).status_code == 403
    answer = api(employee).put(url + "/attendance", {"user_ids": [came.id]})
    assert answer.status_code == 200
    listed = answer.get_json()
    assert [(p["id"], p["attended"]) for p in listed["going"]] == [(came.id, True)]
    assert [(p["id"], p["attended"]) for p in listed["maybe"]] == [(absent.id, False)]
    assert api(employee).get(url).get_json()["attendance_taken_at"] is not None


def test_answers_match_the_openapi_document(client, api, employee, fred, make_user, make_event):
    from tests.test_openapi import Checker

    check = Checker(client.get("/api/v1/openapi.json").get_json())
    me, outsider = api(employee), api(fred)
    body = event_body(capacity=1)
    item = check(me.post(PREFIX + "/events", body), "post", "/events").get_json()
    check(me.post(PREFIX + "/events", {**body, "capacity": 0}), "post", "/events")
    check(me.post(PREFIX + "/events", {**body, "group_id": 4242}), "post", "/events")
    check(me.get(PREFIX + "/events"), "get", "/events")
    check(me.get(PREFIX + "/events?from=2026-13-01"), "get", "/events")
    check(me.get(PREFIX + "/events?group_id=4242"), "get", "/events")
    one = "/events/{event_id}"
    url = f"{PREFIX}/events/{item['id']}"
    check(me.get(url), "get", one)
    check(outsider.get(f"{PREFIX}/events/4242"), "get", one)
    check(me.patch(url, {"location": "Nantes"}), "patch", one)
    check(outsider.patch(url, {"location": "Nantes"}), "patch", one)
    check(me.patch(url, {"capacity": -1}), "patch", one)
    check(outsider.put(url + "/rsvp", {"status": "going"}), "put", one + "/rsvp")
    check(api(make_user("Guest")).put(url + "/rsvp", {"status": "going"}), "put", one + "/rsvp")
    check(me.put(url + "/rsvp", {"status": "perhaps"}), "put", one + "/rsvp")
    check(me.get(url + "/attendees"), "get", one + "/attendees")
    check(outsider.get(url + "/attendees"), "get", one + "/attendees")
    check(me.put(url + "/attendance", {"user_ids": []}), "put", one + "/attendance")
    check(me.put(url + "/attendance", {"user_ids": "x"}), "put", one + "/attendance")
    check(outsider.put(url + "/attendance", {"user_ids": []}), "put", one + "/attendance")
    check(me.post(url + "/messages", {"body": "See you"}), "post", one + "/messages")
    check(me.post(url + "/messages", {"body": ""}), "post", one + "/messages")
    check(outsider.post(url + "/messages", {"body": "x"}), "post", one + "/messages")
    check(outsider.post(url + "/cancel"), "post", one + "/cancel")
    check(me.post(url + "/cancel"), "post", one + "/cancel")
    check(me.post(url + "/cancel"), "post", one + "/cancel")
    check(me.put(url + "/rsvp", {"status": "going"}), "put", one + "/rsvp")
    check(me.get(f"{PREFIX}/posts/{item['id']}"), "get", "/posts/{post_id}")


def test_a_date_polls_final_slot_becomes_an_event_and_yes_voters_are_invited(
    api, employee, make_user, make_group, fred
):
    from tests.test_polls import make_date_poll

    yes, maybe, other_slot = make_user("Yes"), make_user("Maybe"), make_user("Other")
    group = make_group("Lyon circle", "private", members=(employee, yes, maybe, other_slot))
    poll = make_date_poll(api(employee), group_id=group.id)
    first, second = poll["options"][0]["id"], poll["options"][1]["id"]
    vote = f"{PREFIX}/polls/{poll['id']}/vote"
    api(yes).put(vote, {"answers": {str(first): "yes"}})
    api(maybe).put(vote, {"answers": {str(first): "maybe"}})
    api(other_slot).put(vote, {"answers": {str(second): "yes", str(first): "no"}})
    url = f"{PREFIX}/polls/{poll['id']}/event"
    assert api(employee).post(url).status_code == 400  # no final slot yet
    api(employee).post(f"{PREFIX}/polls/{poll['id']}/final", {"option_id": first})
    assert api(yes).post(url).status_code == 403
    assert api(fred).post(url).status_code == 404
    assert api(employee).post(url, {"duration_minutes": 0}).status_code == 400

    answer = api(employee).post(url)  # one click: no body
    assert answer.status_code == 201, answer.get_json()
    event = answer.get_json()["event"]
    assert event["title"] == "Team offsite" and event["group_id"] == group.id
    assert event["starts_at"] == poll["options"][0]["starts_at"]
    assert event["source_poll_id"] == poll["id"]
    invited = db.session.query(Notification).filter_by(type="event_invited").all()
    assert [n.user_id for n in invited] == [yes.id]
    assert api(employee).post(url).status_code == 409
    assert api(fred).get(f"{PREFIX}/events/{event['id']}").status_code == 404


def test_an_event_is_not_edited_as_a_post(api, employee, make_event):
    item = make_event(employee)
    answer = api(employee).patch(f"{PREFIX}/posts/{item['id']}", {"body": "changed"})
    assert answer.status_code == 403
