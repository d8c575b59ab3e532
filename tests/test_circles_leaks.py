"""THE CIRCLES MATRIX (issue #17): every read path of a circle × every kind of viewer.

A circle is a secret group: its topics, sessions (their events), attendance, syntheses
(before they are shared), dashboard, notifications and live events are for its members.
Viewers: ``member`` (stays), ``ex_member`` (planned for, invited, then removed from the
circle), ``outsider``, ``cm`` (a community manager) and ``admin``: policy gives neither
of the last two any circle's content. Each path first proves it works (the member sees
the content), then that everyone else gets nothing — a 404 where a status is involved,
exactly as for a missing circle. A failure names the path and the viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from socialnet.extensions import db
from socialnet.models import CircleTopicVote
from socialnet.models._time import utcnow
from tests.circle_support import API, SYNTHESIS, make_circle, move_session, plan_session
from tests.conftest import received_events
from tests.group_fixtures import notifications_of

VIEWERS = ("member", "ex_member", "outsider", "cm", "admin")


@dataclass
class World:
    circle_id: int
    url: str
    topic_id: int
    session_id: int
    event_id: int
    synthesis_post_id: int
    users: dict
    api: Callable
    signed_in: Callable
    socket_for: Callable
    clients: dict = field(default_factory=dict)

    def client(self, name: str):
        if name not in self.clients:
            self.clients[name] = self.api(self.users[name])
        return self.clients[name]

    @property
    def post_ids(self) -> set[int]:
        return {self.event_id, self.synthesis_post_id}


@pytest.fixture
def world(api, make_user, signed_in, socket_for) -> World:
    circle = make_circle(api, make_user, name="Lyon podcast circle")
    ex_member = make_user("Xavier Ex")
    boss = api(circle.facilitator)
    added = boss.post(f"{API}/groups/{circle.id}/members", {"user_id": ex_member.id})
    assert added.status_code == 201
    topic = boss.post(f"{circle.url}/topics", {"title": "Waiting topic"}).get_json()
    session = plan_session(api, circle)
    move_session(session["id"], utcnow() - timedelta(hours=3))
    published = api(circle.scribe).post(
        f"{circle.url}/sessions/{session['id']}/synthesis", SYNTHESIS
    )
    assert published.status_code == 201
    removed = boss.delete(f"{API}/groups/{circle.id}/members/{ex_member.id}")
    assert removed.status_code == 204
    users = {
        "member": circle.member,
        "ex_member": ex_member,
        "outsider": make_user("Olga Outsider"),
        "cm": make_user("Camille Community", role="community_manager"),
        "admin": make_user("Ada Admin", role="admin"),
    }
    return World(
        circle.id,
        circle.url,
        topic["id"],
        session["id"],
        session["event_id"],
        published.get_json()["post_id"],
        users,
        api,
        signed_in,
        socket_for,
    )


def _status(response, world: World, viewer: str) -> bool:
    assert response.status_code in (200, 404), (viewer, response.status_code)
    return response.status_code == 200


def circle_get(world, viewer):
    return _status(world.client(viewer).get(world.url), world, viewer)


def circle_list(world, viewer):
    items = world.client(viewer).get(f"{API}/circles").get_json()["items"]
    return world.circle_id in {c["id"] for c in items}


def topics(world, viewer):
    return _status(world.client(viewer).get(f"{world.url}/topics"), world, viewer)


def sessions(world, viewer):
    return _status(world.client(viewer).get(f"{world.url}/sessions"), world, viewer)


def session_get(world, viewer):
    response = world.client(viewer).get(f"{world.url}/sessions/{world.session_id}")
    return _status(response, world, viewer)


def dashboard(world, viewer):
    return _status(world.client(viewer).get(f"{world.url}/dashboard"), world, viewer)


def vote(world, viewer):
    before = db.session.query(CircleTopicVote).count()
    response = world.client(viewer).put(f"{world.url}/topics/{world.topic_id}/vote")
    if response.status_code == 404:
        assert db.session.query(CircleTopicVote).count() == before
    return _status(response, world, viewer)


def propose(world, viewer):
    response = world.client(viewer).post(f"{world.url}/topics", {"title": "Sneaky"})
    assert response.status_code in (201, 404), (viewer, response.status_code)
    return response.status_code == 201


def publish_again(world, viewer):
    """Everyone but the scribe and the facilitator: 403 for members, 404 for the others."""
    url = f"{world.url}/sessions/{world.session_id}/synthesis"
    response = world.client(viewer).post(url, SYNTHESIS)
    assert response.status_code in (403, 404), (viewer, response.status_code)
    return response.status_code == 403


def synthesis_permalink(world, viewer):
    response = world.client(viewer).get(f"{API}/posts/{world.synthesis_post_id}")
    return _status(response, world, viewer)


def event_permalink(world, viewer):
    return _status(world.client(viewer).get(f"{API}/events/{world.event_id}"), world, viewer)


def calendar(world, viewer):
    day = (utcnow() - timedelta(days=1)).date().isoformat()
    items = world.client(viewer).get(f"{API}/events?from={day}").get_json()["items"]
    return world.event_id in {e["id"] for e in items}


def home_feed(world, viewer):
    items = world.client(viewer).get(f"{API}/feed?limit=100").get_json()["items"]
    return bool(world.post_ids & {p["id"] for p in items})


def search(world, viewer):
    found = world.client(viewer).get(f"{API}/search?q=podcast&type=posts").get_json()["items"]
    return bool(world.post_ids & {f["id"] for f in found})


def notifications(world, viewer):
    """The member and the ex-member were invited to the session; only a member still
    hears of it (the ex-member's invitation goes with their access)."""
    items = notifications_of(world.client(viewer))
    return any(n.get("post_id") in world.post_ids for n in items)


def group_directory(world, viewer):
    items = world.client(viewer).get(f"{API}/groups?limit=100").get_json()["items"]
    return world.circle_id in {g["id"] for g in items}


def page(world, viewer):
    client = world.signed_in(world.users[viewer])
    response = client.get(f"/circles/{world.circle_id}")
    assert response.status_code in (200, 404)
    listed = "Lyon podcast circle" in client.get("/circles").get_data(as_text=True)
    assert listed is (response.status_code == 200), viewer
    form = client.get(f"/circles/{world.circle_id}/sessions/{world.session_id}/synthesis")
    assert form.status_code == response.status_code
    return response.status_code == 200


def catchup(world, viewer):
    sock = world.socket_for(world.users[viewer], last_event_id=0)
    [replay] = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    about = [
        e
        for e in replay["events"]
        if e["data"].get("post_id") in world.post_ids
        or (e["type"] != "notification.created" and e["data"].get("id") in world.post_ids)
    ]
    sock.disconnect()
    return bool(about)


def live_synthesis(world, viewer):
    """A synthesis published now reaches the circle's members' sockets only."""
    sock = world.socket_for(world.users[viewer])
    sock.get_received()
    session = plan_session_now(world)
    got = [e["data"]["id"] for e in received_events(sock, "post.created")]
    sock.disconnect()
    return bool(set(got) - {session})


def live_circle(world, viewer):
    """The live circle page's events (topics, sessions, settings) reach the members'
    sockets only; nobody else may even join the circle's room."""
    sock = world.socket_for(world.users[viewer])
    ack = sock.emit("join", {"room": f"group:{world.circle_id}"}, callback=True)
    assert (ack.get("ok") or ack["error"]) == (True if viewer == "member" else "not_found")
    sock.get_received()
    boss = world.api(_facilitator(world))
    assert boss.post(f"{world.url}/topics", {"title": "Live"}).status_code == 201
    assert boss.patch(world.url, {"cadence": "weekly"}).status_code == 200
    heard = [e for e in received_events(sock) if e["type"].startswith("circle.")]
    sock.disconnect()
    return bool(heard)


def plan_session_now(world) -> int:
    """Plan, hold and synthesise a second session; returns its event's id."""
    facilitator = world.api(_facilitator(world))
    body = {
        "topic": "Live topic",
        "starts_at": (utcnow() + timedelta(days=1)).isoformat() + "Z",
        "presenter_id": world.users["member"].id,
        "scribe_id": world.users["member"].id,
    }
    session = facilitator.post(f"{world.url}/sessions", body).get_json()
    move_session(session["id"], utcnow() - timedelta(hours=3))
    answer = world.client("member").post(
        f"{world.url}/sessions/{session['id']}/synthesis", SYNTHESIS
    )
    assert answer.status_code == 201
    return session["event_id"]


def _facilitator(world):
    from socialnet.models import Circle, User

    return db.session.get(User, db.session.get(Circle, world.circle_id).facilitator_id)


PATHS = [
    circle_get,
    circle_list,
    topics,
    sessions,
    session_get,
    dashboard,
    vote,
    propose,
    publish_again,
    synthesis_permalink,
    event_permalink,
    calendar,
    home_feed,
    search,
    notifications,
    group_directory,
    page,
    catchup,
    live_synthesis,
    live_circle,
]


@pytest.mark.parametrize("path", PATHS, ids=[p.__name__ for p in PATHS])
def test_only_members_see_a_circle(world, path):
    seen = {viewer: path(world, viewer) for viewer in VIEWERS}
    assert seen == {viewer: viewer == "member" for viewer in VIEWERS}, path.__name__
