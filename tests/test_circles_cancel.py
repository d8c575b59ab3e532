"""Cancelling a circle session (issue #17): its topic is no longer "held" but back where
it was when the session was planned — the facilitator's pick, or in the vote with its
votes — whichever way the session's event is cancelled (API or page), or when the event
is deleted before the session took place."""

from __future__ import annotations

from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import CircleTopic
from socialnet.models._time import utcnow
from tests.circle_support import API, at, make_circle, move_session, plan_session


def _topics(api, circle) -> dict[int, dict]:
    return {t["id"]: t for t in api(circle.member).get(f"{circle.url}/topics").get_json()["items"]}


def _cancel(api, user, event_id: int):
    answer = api(user).post(f"{API}/events/{event_id}/cancel")
    assert answer.status_code == 200, answer.get_json()
    return answer


def test_a_picked_topic_is_the_next_pick_again_and_can_be_planned_again(api, make_user):
    circle = make_circle(api, make_user)
    boss = api(circle.facilitator)
    topic = boss.post(f"{circle.url}/topics", {"title": "Our podcast"}).get_json()
    assert boss.post(f"{circle.url}/topics/{topic['id']}/pick").status_code == 200
    picked_at = db.session.get(CircleTopic, topic["id"]).picked_at
    session = plan_session(api, circle, topic=None, topic_id=topic["id"])
    assert _topics(api, circle)[topic["id"]]["status"] == "held"
    assert boss.get(f"{circle.url}/dashboard").get_json()["topics_waiting"] == 0

    _cancel(api, circle.facilitator, session["event_id"])

    again = _topics(api, circle)[topic["id"]]
    assert again["status"] == "picked" and again["picked_at"] is not None
    assert db.session.get(CircleTopic, topic["id"]).picked_at == picked_at
    assert boss.get(f"{circle.url}/dashboard").get_json()["topics_waiting"] == 1
    listed = boss.get(f"{circle.url}/sessions/{session['id']}").get_json()
    assert listed["cancelled"] is True and listed["synthesis_state"] == "cancelled"
    replanned = plan_session(api, circle, topic=None, topic_id=topic["id"])
    assert replanned["topic"]["id"] == topic["id"]
    assert _topics(api, circle)[topic["id"]]["status"] == "held"


def test_a_proposed_topic_goes_back_to_the_vote_with_its_votes(api, make_user):
    circle = make_circle(api, make_user)
    topic = api(circle.member).post(f"{circle.url}/topics", {"title": "Intranet"}).get_json()
    vote_url = f"{circle.url}/topics/{topic['id']}/vote"
    assert api(circle.scribe).put(vote_url).status_code == 200
    session = plan_session(api, circle, topic=None, topic_id=topic["id"])
    assert api(circle.member).put(vote_url).status_code == 409  # held: no vote

    _cancel(api, circle.facilitator, session["event_id"])

    back = _topics(api, circle)[topic["id"]]
    assert back["status"] == "proposed" and back["picked_at"] is None
    assert back["votes"] == 1
    assert api(circle.member).put(vote_url).get_json()["votes"] == 2


def test_a_topic_named_on_the_spot_is_proposed_after_the_cancellation(api, make_user):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)  # "topic": a new one, never proposed nor picked
    _cancel(api, circle.facilitator, session["event_id"])
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "proposed" and topic["title"] == "How we run our podcast"


def test_a_pick_made_since_stands(api, make_user):
    """The facilitator picked another topic after planning the session: that choice is
    kept, and the cancelled session's topic goes back to the vote."""
    circle = make_circle(api, make_user)
    boss = api(circle.facilitator)
    first = boss.post(f"{circle.url}/topics", {"title": "First"}).get_json()
    second = boss.post(f"{circle.url}/topics", {"title": "Second"}).get_json()
    boss.post(f"{circle.url}/topics/{first['id']}/pick")
    session = plan_session(api, circle, topic=None, topic_id=first["id"])
    assert boss.post(f"{circle.url}/topics/{second['id']}/pick").status_code == 200

    _cancel(api, circle.facilitator, session["event_id"])

    topics = _topics(api, circle)
    assert topics[first["id"]]["status"] == "proposed"
    assert topics[second["id"]]["status"] == "picked"
    assert [t["status"] for t in topics.values()].count("picked") == 1


def test_cancelling_on_the_event_page_releases_the_topic_too(api, make_user, signed_in):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    page = signed_in(circle.facilitator)
    answer = page.post(f"/events/{session['event_id']}/cancel", data={"csrf_token": page.csrf})
    assert answer.status_code == 302
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "proposed"


def test_a_refused_cancellation_changes_no_topic(api, make_user, fred):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    assert api(circle.member).post(f"{API}/events/{session['event_id']}/cancel").status_code == 403
    assert api(fred).post(f"{API}/events/{session['event_id']}/cancel").status_code == 404
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "held"
    _cancel(api, circle.facilitator, session["event_id"])
    twice = api(circle.facilitator).post(f"{API}/events/{session['event_id']}/cancel")
    assert twice.status_code == 409
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "proposed"


def test_an_event_outside_any_circle_cancels_as_before(api, employee):
    created = api(employee).post(
        f"{API}/events",
        {"title": "Trade breakfast", "starts_at": at(days=3), "ends_at": at(days=3, hours=2)},
    )
    assert created.status_code == 201, created.get_json()
    _cancel(api, employee, created.get_json()["id"])
    assert db.session.query(CircleTopic).count() == 0


def test_deleting_a_session_event_before_it_takes_place_releases_the_topic(api, make_user):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    deleted = api(circle.facilitator).delete(f"{API}/posts/{session['event_id']}")
    assert deleted.status_code == 204
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "proposed"
    listed = api(circle.member).get(f"{circle.url}/sessions/{session['id']}").get_json()
    assert listed["cancelled"] is True


def test_deleting_the_event_of_a_session_held_keeps_its_topic_presented(api, make_user):
    circle = make_circle(api, make_user)
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=3))
    deleted = api(circle.facilitator).delete(f"{API}/posts/{session['event_id']}")
    assert deleted.status_code == 204
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "held"


def test_deleting_any_other_post_touches_no_topic(api, make_user):
    circle = make_circle(api, make_user)
    plan_session(api, circle)
    post = api(circle.member).post(f"{API}/posts", {"body": "Hello", "group_id": circle.id})
    assert api(circle.member).delete(f"{API}/posts/{post.get_json()['id']}").status_code == 204
    [topic] = _topics(api, circle).values()
    assert topic["status"] == "held"
