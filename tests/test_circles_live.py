"""The circle page, live (issue #17): topics, sessions, syntheses, members and settings
changes reach the circle's members' sockets after the commit, in the circle's group room,
as thin events (ids, states, counts — no one's words, nothing per viewer); a non-member's
socket gets nothing and cannot join the room."""

from __future__ import annotations

import json
from datetime import timedelta

from socialnet.models._time import utcnow
from tests.circle_support import API, SYNTHESIS, make_circle, move_session, plan_session
from tests.conftest import received_events

CIRCLE_TYPES = ("circle.updated", "circle.topic.changed", "circle.session.changed")


def _circle_events(capture) -> list[tuple[str, str, dict]]:
    return [(e.room, e.type, e.payload["data"]) for e in capture.events if e.type in CIRCLE_TYPES]


def test_each_change_is_told_to_the_circle_room_after_the_commit(api, make_user, capture_events):
    circle = make_circle(api, make_user)
    room = f"group:{circle.id}"
    boss, member = api(circle.facilitator), api(circle.member)

    topic = member.post(f"{circle.url}/topics", {"title": "Our secret podcast"}).get_json()
    assert _circle_events(capture_events) == [
        (
            room,
            "circle.topic.changed",
            {"circle_id": circle.id, "topic_id": topic["id"], "status": "proposed", "votes": 0},
        )
    ]
    capture_events.events.clear()

    member.put(f"{circle.url}/topics/{topic['id']}/vote")
    api(circle.scribe).put(f"{circle.url}/topics/{topic['id']}/vote")
    member.delete(f"{circle.url}/topics/{topic['id']}/vote")
    assert [d["votes"] for _r, _t, d in _circle_events(capture_events)] == [1, 2, 1]
    capture_events.events.clear()

    other = boss.post(f"{circle.url}/topics", {"title": "Other"}).get_json()
    boss.post(f"{circle.url}/topics/{topic['id']}/pick")
    capture_events.events.clear()
    boss.post(f"{circle.url}/topics/{other['id']}/pick")  # the former pick goes back
    assert {(d["topic_id"], d["status"]) for _r, _t, d in _circle_events(capture_events)} == {
        (topic["id"], "proposed"),
        (other["id"], "picked"),
    }
    capture_events.events.clear()

    session = plan_session(api, circle, topic=None, topic_id=other["id"])
    assert [(t, d) for _r, t, d in _circle_events(capture_events)] == [
        (
            "circle.topic.changed",
            {"circle_id": circle.id, "topic_id": other["id"], "status": "held", "votes": 0},
        ),
        (
            "circle.session.changed",
            {"circle_id": circle.id, "session_id": session["id"], "synthesis_state": "upcoming"},
        ),
    ]
    capture_events.events.clear()

    move_session(session["id"], utcnow() - timedelta(hours=3))
    boss.put(f"{circle.url}/sessions/{session['id']}/attendance", {"user_ids": [circle.scribe.id]})
    api(circle.scribe).post(f"{circle.url}/sessions/{session['id']}/synthesis", SYNTHESIS)
    boss.post(f"{circle.url}/sessions/{session['id']}/synthesis/share")
    states = [d["synthesis_state"] for _r, t, d in _circle_events(capture_events)]
    assert states == ["owed", "published", "published"]
    capture_events.events.clear()

    assert boss.patch(circle.url, {"cadence": "weekly"}).status_code == 200
    assert _circle_events(capture_events) == [(room, "circle.updated", {"circle_id": circle.id})]

    assert {r for r, _t, _d in _circle_events(capture_events)} == {room}
    every = json.dumps([e.payload for e in capture_events.events if e.type in CIRCLE_TYPES])
    assert "secret podcast" not in every and "podcast" not in every.lower()


def test_cancelling_a_session_tells_the_page_of_the_session_and_its_topic(
    api, make_user, capture_events
):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    capture_events.events.clear()
    assert (
        api(circle.facilitator).post(f"{API}/events/{session['event_id']}/cancel").status_code
        == 200
    )
    events = [
        (t, d.get("synthesis_state") or d.get("status"))
        for _r, t, d in _circle_events(capture_events)
    ]
    assert events == [("circle.session.changed", "cancelled"), ("circle.topic.changed", "proposed")]


def test_a_refused_change_tells_nobody(api, make_user, fred, capture_events):
    circle = make_circle(api, make_user)
    topic = api(circle.member).post(f"{circle.url}/topics", {"title": "Once"}).get_json()
    api(circle.member).put(f"{circle.url}/topics/{topic['id']}/vote")
    capture_events.events.clear()
    assert api(circle.member).put(f"{circle.url}/topics/{topic['id']}/vote").status_code == 409
    assert api(circle.member).post(f"{circle.url}/topics/{topic['id']}/pick").status_code == 403
    assert api(fred).post(f"{circle.url}/topics", {"title": "Sneaky"}).status_code == 404
    assert api(circle.facilitator).patch(circle.url, {"cadence": "daily"}).status_code == 400
    assert _circle_events(capture_events) == []


def test_members_sockets_hear_it_and_nobody_else(api, make_user, fred, socket_for):
    circle = make_circle(api, make_user)
    cm = make_user("Camille Community", role="community_manager")
    listening = {
        "member": socket_for(circle.member),
        "fred": socket_for(fred),
        "cm": socket_for(cm),
    }
    for name in ("fred", "cm"):
        ack = listening[name].emit("join", {"room": f"group:{circle.id}"}, callback=True)
        assert ack["error"] == "not_found", name
    for sock in listening.values():
        sock.get_received()

    topic = api(circle.scribe).post(f"{circle.url}/topics", {"title": "Podcast"}).get_json()
    api(circle.facilitator).patch(circle.url, {"name": "Renamed circle"})

    heard = {name: received_events(sock) for name, sock in listening.items()}
    types = [e["type"] for e in heard["member"]]
    assert "circle.topic.changed" in types and "circle.updated" in types
    assert heard["member"][types.index("circle.topic.changed")]["data"]["topic_id"] == topic["id"]
    for name in ("fred", "cm"):
        assert not [
            e for e in heard[name] if e["type"].startswith(("circle.", "group.", "member."))
        ], name


def test_an_ex_member_hears_nothing_more_and_catch_up_keeps_it_from_them(
    api, make_user, socket_for
):
    circle = make_circle(api, make_user)
    before = socket_for(circle.member, last_event_id=0)
    [replay] = [p["args"][0] for p in before.get_received() if p["name"] == "catchup"]
    head = replay["head"]
    before.disconnect()
    removed = api(circle.facilitator).delete(f"{API}/groups/{circle.id}/members/{circle.member.id}")
    assert removed.status_code == 204
    sock = socket_for(circle.member)
    sock.get_received()
    api(circle.scribe).post(f"{circle.url}/topics", {"title": "After you left"})
    assert not [e for e in received_events(sock) if e["type"].startswith("circle.")]
    later = socket_for(circle.member, last_event_id=head)
    [replay] = [p["args"][0] for p in later.get_received() if p["name"] == "catchup"]
    assert not [e for e in replay["events"] if e["type"].startswith("circle.")]
    stays = socket_for(circle.presenter, last_event_id=head)
    [replay] = [p["args"][0] for p in stays.get_received() if p["name"] == "catchup"]
    assert "circle.topic.changed" in [e["type"] for e in replay["events"]]


def test_the_page_is_live_and_marks_the_parts_it_refreshes(api, make_user, signed_in):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    html = signed_in(circle.member).get(f"/circles/{circle.id}").get_data(as_text=True)
    start = html.index('<script id="live-config" type="application/json">')
    raw = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    config = json.loads(raw)
    assert config["page"] == "circle" and config["circle_id"] == circle.id
    assert isinstance(config["head"], int) and config["head"] > 0
    for part in ("head", "dashboard", "owed", "topics", "sessions"):
        assert f'data-circle-part="{part}"' in html, part
    assert 'data-circle-part="settings"' not in html  # the facilitator's form only
    assert f'data-session-event="{session["event_id"]}"' in html
    assert "/static/js/circles.js" in html
    boss = signed_in(circle.facilitator).get(f"/circles/{circle.id}").get_data(as_text=True)
    assert 'data-circle-part="settings"' in boss and 'data-facilitating="yes"' in boss
