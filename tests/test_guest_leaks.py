"""THE GUEST MATRIX (issue #19): every read path, with a guest as the viewer.

A guest from the extended company belongs to one private group ("Project Atlas"). Around it,
the company lives its life: a company post that mentions the guest, a public group and its
post, a private group and its post, a company announcement, a team celebration, a company
event and question, and colleagues outside the guest's group. Each read path returns the
labels of what the guest saw of the outside (it must be nothing) and asserts that the
guest does see their own group's post or member where that path shows them (a path that
shows nothing to anyone would prove nothing).

The last tests prove the matrix has teeth: each makes one policy module forget guests,
as a careless change would, and the matrix must then fail, naming the path that leaked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from socialnet.built_once import forget_built
from socialnet.extensions import db
from socialnet.models import GroupMembership, User
from socialnet.models._time import utcnow
from tests.conftest import received_events
from tests.digest_support import post_ids_in, weekly
from tests.group_fixtures import API, announce

OUTSIDE_WORDS = "zephyr"  # every outside text carries it, so search has something to find


@dataclass
class World:
    guest: User
    colleague: User  # an employee in the guest's group
    outsider: User  # an employee outside it
    own_group: int
    own_post: int
    public_group: int
    private_group: int
    outside_posts: dict[str, int]
    api: Callable
    socket_for: Callable
    clients: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    def client(self, user: User):
        if user.id not in self.clients:
            self.clients[user.id] = self.api(user)
        return self.clients[user.id]

    @property
    def g(self):
        return self.client(self.guest)


def _post(client, body: str, group_id: int | None = None, **fields) -> int:
    response = client.post(f"{API}/posts", {"body": body, "group_id": group_id, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _group(client, name: str, type: str) -> int:
    response = client.post(f"{API}/groups", {"name": name, "type": type})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def build_world(api, make_user, socket_for) -> World:
    owner = make_user("Olivia Owner")
    colleague = make_user("Mia Member")
    outsider = make_user("Oscar Outsider", job_title="Zephyr lead")
    cm = make_user("Camille Community", role="community_manager")
    guest = make_user(
        "Gabe Guest",
        email="gabe@agency.example",
        guest_company="Agency",
        guest_expires_on=date.today() + timedelta(days=60),
    )
    world = World(guest, colleague, outsider, 0, 0, 0, 0, {}, api, socket_for)
    world.own_group = _group(world.client(owner), "Project Atlas", "private")
    for person in (colleague, guest):
        db.session.add(GroupMembership(group_id=world.own_group, user_id=person.id))
    # The outsider shares another group with the colleague, never with the guest.
    world.public_group = _group(world.client(outsider), f"Public {OUTSIDE_WORDS}", "public")
    world.private_group = _group(world.client(outsider), f"Private {OUTSIDE_WORDS}", "private")
    db.session.commit()
    world.own_post = _post(world.client(owner), "Atlas kickoff #atlas", world.own_group)
    out = world.client(outsider)
    posts = world.outside_posts
    posts["company"] = _post(out, f"Company {OUTSIDE_WORDS} news #zephyr @{guest.handle}")
    posts["public"] = _post(out, f"Public {OUTSIDE_WORDS} post #zephyr", world.public_group)
    posts["private"] = _post(out, f"Private {OUTSIDE_WORDS} post #zephyr", world.private_group)
    posts["question"] = _post(
        out, f"Who knows {OUTSIDE_WORDS}?", kind="question", title=f"{OUTSIDE_WORDS} question"
    )
    comment = out.post(f"{API}/posts/{posts['company']}/comments", {"body": f"{OUTSIDE_WORDS}!"})
    assert comment.status_code == 201, comment.get_json()
    world.extra["comment"] = comment.get_json()["id"]
    sent = announce(world.client(cm), "company", title=f"{OUTSIDE_WORDS} memo")
    world.extra["announcement"] = sent["id"]
    posts["announcement"] = sent["post_id"]
    team = world.client(cm).post(
        f"{API}/celebrations",
        {"message": f"{OUTSIDE_WORDS} shipped", "people_ids": [outsider.id]},
    )
    assert team.status_code == 201, team.get_json()
    posts["celebration"] = team.get_json()["post"]["id"]
    starts = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    event = out.post(
        f"{API}/events",
        {
            "title": f"{OUTSIDE_WORDS} breakfast",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
        },
    )
    assert event.status_code == 201, event.get_json()
    posts["event"] = event.get_json()["id"]
    return world


@pytest.fixture
def world(api, make_user, socket_for) -> World:
    return build_world(api, make_user, socket_for)


def _items(response) -> list[dict]:
    assert response.status_code == 200, (response.status_code, response.get_json())
    return response.get_json()["items"]


def _outside_in(world: World, ids) -> set[str]:
    return {label for label, pid in world.outside_posts.items() if pid in set(ids)}


# --- the read paths: each returns what the guest saw of the outside ------------------------


def home_feed(world: World) -> set[str]:
    body = world.g.get(f"{API}/feed?limit=100").get_json()
    seen = [p["id"] for p in body["items"]]
    assert world.own_post in seen
    leaked = _outside_in(world, seen)
    if body.get("pinned"):
        leaked.add("pinned announcement")
    return leaked


def permalinks(world: World) -> set[str]:
    assert world.g.get(f"{API}/posts/{world.own_post}").status_code == 200
    leaked = set()
    for label, pid in world.outside_posts.items():
        status = world.g.get(f"{API}/posts/{pid}").status_code
        assert status in (200, 404), (label, status)
        if status == 200:
            leaked.add(label)
    return leaked


def comments(world: World) -> set[str]:
    response = world.g.get(f"{API}/posts/{world.outside_posts['company']}/comments")
    assert response.status_code in (200, 404)
    return {"comments"} if response.status_code == 200 else set()


def groups(world: World) -> set[str]:
    listed = [g["id"] for g in _items(world.g.get(f"{API}/groups?limit=100"))]
    assert world.own_group in listed
    leaked = {"group list"} if set(listed) - {world.own_group} else set()
    for gid in (world.public_group, world.private_group):
        for path in ("", "/feed", "/members"):
            status = world.g.get(f"{API}/groups/{gid}{path}").status_code
            if status != 404:
                leaked.add(f"group {gid}{path} ({status})")
    return leaked


def join_public_group(world: World) -> set[str]:
    status = world.g.post(f"{API}/groups/{world.public_group}/join").status_code
    return set() if status == 404 else {f"joined a public group ({status})"}


def people(world: World) -> set[str]:
    """Directory, profile, their posts and kudos, org chart, avatars, experts."""
    listed = {u["id"] for u in _items(world.g.get(f"{API}/users?limit=100"))}
    assert world.colleague.id in listed and world.guest.id in listed
    leaked = {"directory"} if world.outsider.id in listed else set()
    assert world.g.get(f"{API}/users/{world.colleague.id}").status_code == 200
    for path in ("", "/posts", "/kudos", "/org"):
        status = world.g.get(f"{API}/users/{world.outsider.id}{path}").status_code
        if status != 404:
            leaked.add(f"profile{path} ({status})")
    experts = world.g.get(f"{API}/experts?topic={OUTSIDE_WORDS}").get_json()["items"]
    if any(e["user"]["id"] == world.outsider.id for e in experts):
        leaked.add("experts")
    return leaked


def search(world: World) -> set[str]:
    leaked = set()
    for kind in ("posts", "comments", "people", "groups"):
        response = world.g.get(f"{API}/search?q={OUTSIDE_WORDS}&type={kind}&limit=100")
        assert response.status_code == 200, response.get_json()
        if response.get_json()["items"]:
            leaked.add(f"search {kind}")
    mine = world.g.get(f"{API}/search?q=atlas&type=posts&limit=100").get_json()["items"]
    assert world.own_post in [i["id"] for i in mine]
    return leaked


def topics(world: World) -> set[str]:
    leaked = set()
    listed = world.g.get(f"{API}/topics").get_json()
    tags = {t["tag"] for t in listed.get("items", [])}
    if "zephyr" in tags:
        leaked.add("topic list")
    page = world.g.get(f"{API}/topics/zephyr")
    if page.status_code == 200 and page.get_json().get("post_count", 0):
        leaked.add("topic page")
    return leaked


def notifications(world: World) -> set[str]:
    """The company post mentioned the guest: they must not hear of it."""
    body = world.g.get(f"{API}/notifications?limit=100").get_json()
    about = {n.get("post_id") for n in body["items"]}
    return {"notification"} if about & set(world.outside_posts.values()) else set()


def announcements(world: World) -> set[str]:
    status = world.g.get(f"{API}/announcements/{world.extra['announcement']}").status_code
    return set() if status == 404 else {f"announcement ({status})"}


def celebrations_and_questions(world: World) -> set[str]:
    leaked = set()
    today = world.g.get(f"{API}/celebrations/today").get_json()["items"]
    if today:
        leaked.add("celebrations today")
    questions = world.g.get(f"{API}/questions?limit=100")
    if questions.status_code == 200 and _outside_in(
        world, [q["id"] for q in questions.get_json()["items"]]
    ):
        leaked.add("questions")
    return leaked


def events(world: World) -> set[str]:
    leaked = set()
    event_id = world.outside_posts["event"]
    if event_id in [e["id"] for e in _items(world.g.get(f"{API}/events"))]:
        leaked.add("events list")
    for path in ("", ".ics", "/attendees"):
        if world.g.get(f"{API}/events/{event_id}{path}").status_code != 404:
            leaked.add(f"event{path}")
    return leaked


def sockets(world: World) -> set[str]:
    """Live: no company room, no outside group room; their own group arrives."""
    sock = world.socket_for(world.guest)
    assert sock.is_connected()
    sock.get_received()
    leaked = set()
    for room in ("company", f"group:{world.public_group}", f"group:{world.private_group}"):
        if sock.emit("join", {"room": room}, callback=True).get("ok"):
            leaked.add(f"joined {room}")
    outside = _post(world.client(world.outsider), f"Live {OUTSIDE_WORDS}")
    inside = _post(world.client(world.colleague), "Live atlas", world.own_group)
    got = [e["data"]["id"] for e in received_events(sock, "post.created")]
    assert inside in got
    if outside in got:
        leaked.add("live company post")
    return leaked


def catchup(world: World) -> set[str]:
    sock = world.socket_for(world.guest, last_event_id=0)
    [replay] = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    ids = {e["data"].get("id") for e in replay["events"]} | {
        e["data"].get("post_id") for e in replay["events"]
    }
    assert world.own_post in ids
    return {"catch-up"} if _outside_in(world, ids) else set()


def digest(world: World) -> set[str]:
    return {"digest"} if _outside_in(world, post_ids_in(weekly(world.guest))) else set()


READ_PATHS = [
    home_feed,
    permalinks,
    comments,
    groups,
    join_public_group,
    people,
    search,
    topics,
    notifications,
    announcements,
    celebrations_and_questions,
    events,
    sockets,
    catchup,
    digest,
]


@pytest.mark.parametrize("path", READ_PATHS, ids=lambda p: p.__name__)
def test_a_guest_sees_nothing_outside_their_groups(world, path):
    assert path(world) == set(), path.__name__


def test_an_employee_sees_the_outside_world(world):
    """The control: the same paths, as the guest's colleague, do see the outside (so an
    empty answer for the guest means "refused", not "nothing there")."""
    guest, world.guest = world.guest, world.colleague
    try:
        for path in (home_feed, permalinks, groups, people, search, events, sockets):
            assert path(world), path.__name__
    finally:
        world.guest = guest


# --- the matrix has teeth ------------------------------------------------------------------


def _never_a_guest(_user) -> bool:
    return False


@pytest.mark.parametrize(
    ("module", "caught_by"),
    [
        ("socialnet.policy.posts", {"home_feed", "permalinks", "search", "digest"}),
        ("socialnet.policy.groups", {"groups", "join_public_group"}),
        ("socialnet.policy.people", {"people"}),
        ("socialnet.policy.rooms", {"sockets"}),
    ],
)
def test_the_matrix_fails_when_a_path_forgets_guests(world, monkeypatch, module, caught_by):
    """One policy module "forgets" guests (its ``is_guest`` answers no, as a change that
    left the guest branch out would): the matrix must report a leak on those paths."""
    monkeypatch.setattr(f"{module}.is_guest", _never_a_guest)
    forget_built()  # statements built before the change would not see it
    failing = set()
    for path in READ_PATHS:
        try:
            leaked = path(world)
        except AssertionError:
            leaked = {"assertion"}
        finally:
            db.session.rollback()
        if leaked:
            failing.add(path.__name__)
    assert caught_by <= failing, (module, failing)
