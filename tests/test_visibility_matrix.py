"""THE MATRIX: every read path × every kind of viewer, for a private and a secret group.

Each group holds a post (mentioning every viewer, the group and another group) with a
comment (mentioning them again) and a reaction. Only the member may see any of it; for a
secret group the group's very existence is a 404 to the others, never a 403. A failure
names the group type, the read path and the viewer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from socialnet.extensions import db
from socialnet.models import (
    EventRsvp,
    GroupMembership,
    PainPointFollower,
    PainPointVote,
    Reaction,
    User,
)
from socialnet.models._time import utcnow
from tests.conftest import received_events
from tests.digest_support import post_ids_in, weekly
from tests.file_text_support import extract_pending_texts
from tests.group_fixtures import API, announce, create_group, ids, notifications_of
from tests.helpers import count_rows
from tests.test_avatars import put_avatar
from tests.test_files import png_bytes, upload

VIEWERS = ("member", "ex_member", "non_member", "other_group_admin", "community_manager", "guest")
GROUP_TYPES = ("private", "secret")


@dataclass
class World:
    kind: str
    group_id: int
    post_id: int
    comment_id: int
    owner: User
    users: dict[str, User]
    api: Callable
    socket_for: Callable
    clients: dict = field(default_factory=dict)

    def client(self, name: str):
        if name not in self.clients:
            user = self.owner if name == "owner" else self.users[name]
            self.clients[name] = self.api(user)
        return self.clients[name]

    def socket(self, name: str, **auth):
        sock = self.socket_for(self.users[name], **auth)
        assert sock.is_connected(), name
        return sock

    def owner_posts(self, body: str = "Fresh news") -> int:
        response = self.client("owner").post(
            f"{API}/posts", {"body": body, "group_id": self.group_id}
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]


def build_world(kind: str, api, make_user, socket_for) -> World:
    owner = make_user("Olivia Owner")
    users = {
        "member": make_user("Mia Member"),
        "ex_member": make_user("Xavier Ex"),
        "non_member": make_user("Fred Outsider", site="Paris", department="Sales"),
        "other_group_admin": make_user("Otto Other"),
        "community_manager": make_user("Camille Community", role="community_manager"),
        # a guest from the extended company, invited into another group (issue #19)
        "guest": make_user("Gina Guest", guest_company="Agency"),
    }
    world = World(kind, 0, 0, 0, owner, users, api, socket_for)
    other = create_group(world.client("other_group_admin"), "Other team", "private")
    db.session.add(GroupMembership(group_id=other["id"], user_id=users["guest"].id))
    db.session.commit()
    group = create_group(world.client("owner"), f"The {kind} team", kind)
    world.group_id = group["id"]
    members_url = f"{API}/groups/{group['id']}/members"
    for name in ("member", "ex_member"):
        added = world.client("owner").post(members_url, {"user_id": users[name].id})
        assert added.status_code == 201
    everyone = " ".join(f"@{u.handle}" for u in users.values())
    # and the groups (issue #14): this one pages its members, the other is not the owner's
    everyone += f" @{group['handle']} @{other['handle']}"
    world.post_id = world.owner_posts(f"Plan for {everyone}")
    member = world.client("member")
    comment = member.post(f"{API}/posts/{world.post_id}/comments", {"body": f"Noted {everyone}"})
    assert comment.status_code == 201
    world.comment_id = comment.get_json()["id"]
    assert member.put(f"{API}/posts/{world.post_id}/reactions/like").status_code == 200
    removed = world.client("owner").delete(f"{members_url}/{users['ex_member'].id}")
    assert removed.status_code == 204
    return world


@pytest.fixture(autouse=True)
def storage_dir(app, tmp_path):
    """Files and avatars written by these tests go to a directory of their own."""
    saved = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path / "uploads")
    yield
    app.config["STORAGE_DIR"] = saved


@pytest.fixture(params=GROUP_TYPES)
def world(request, api, make_user, socket_for) -> World:
    return build_world(request.param, api, make_user, socket_for)


def _hidden_status(world: World, viewer: str = "") -> int:
    """What a non-member gets for the group's member-only pages: 403 private, 404 secret;
    a guest does not even know of a group they are not in (404)."""
    return 403 if world.kind == "private" and viewer != "guest" else 404


# --- the read paths: each returns whether ``viewer`` saw the group's content ----------------
# Each also asserts the shape of a refusal (404 for content, 403/404 for group pages).


def home_feed(world: World, viewer: str) -> bool:
    return world.post_id in ids(world.client(viewer).get(f"{API}/feed?limit=100"))


def group_feed(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/groups/{world.group_id}/feed")
    if response.status_code == 200:
        return world.post_id in ids(response)
    assert response.status_code == _hidden_status(world, viewer), response.status_code
    return False


def permalink(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/posts/{world.post_id}")
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def profile_feed(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/users/{world.owner.id}/posts")
    if viewer == "guest":  # the owner is no member of the guest's group: no profile at all
        assert response.status_code == 404, response.status_code
        return False
    return world.post_id in ids(response)


def comments_list(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/posts/{world.post_id}/comments")
    if response.status_code == 200:
        return world.comment_id in ids(response)
    assert response.status_code == 404, response.status_code
    return False


def reaction_put(world: World, viewer: str) -> bool:
    before = count_rows(Reaction)
    response = world.client(viewer).put(f"{API}/posts/{world.post_id}/reactions/celebrate")
    if response.status_code == 200:
        return response.get_json()["reactions"]["like"] == 1
    assert response.status_code == 404, response.status_code
    assert count_rows(Reaction) == before
    return False


def group_get(world: World, viewer: str) -> bool:
    """A private group is listed (its card is public); a secret one is a 404 to outsiders,
    and any group but their own to a guest."""
    response = world.client(viewer).get(f"{API}/groups/{world.group_id}")
    if (world.kind == "secret" or viewer == "guest") and response.status_code == 404:
        return False
    assert response.status_code == 200, response.status_code
    return response.get_json()["my_role"] == "member"


def group_members(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/groups/{world.group_id}/members")
    if response.status_code == 200:
        return world.users["member"].id in ids(response)
    assert response.status_code == _hidden_status(world, viewer), response.status_code
    return False


def group_directory(world: World, viewer: str) -> bool:
    """Secret: listed to members only. Private: listed to all, but only the member is one."""
    listed = {
        g["id"]: g for g in world.client(viewer).get(f"{API}/groups?limit=100").get_json()["items"]
    }
    if world.group_id not in listed:
        assert world.kind == "secret" or viewer == "guest"
        return False
    return listed[world.group_id]["my_role"] == "member"


def notifications(world: World, viewer: str) -> bool:
    """Everyone was mentioned twice (the ex-member while still in); only a reader hears of it.

    (The ex-member's "added" notification, about the group rather than its content,
    is not counted here.)
    """
    items = notifications_of(world.client(viewer))
    about = [n for n in items if n["post_id"] == world.post_id]
    unread = world.client(viewer).get(f"{API}/notifications").get_json()["unread_count"]
    if not about:
        assert unread == len(items)  # no hidden notification counted either
    return bool(about)


def socket_post_created(world: World, viewer: str) -> bool:
    sock = world.socket(viewer)
    sock.get_received()
    post_id = world.owner_posts()
    got = [e["data"]["id"] for e in received_events(sock, "post.created")]
    assert got in ([], [post_id]), got
    return got == [post_id]


def catchup_replay(world: World, viewer: str) -> bool:
    sock = world.socket(viewer, last_event_id=0)
    [catchup] = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
    about_content = [
        e
        for e in catchup["events"]
        if e["data"].get("post_id") == world.post_id
        or (e["type"] != "notification.created" and e["data"].get("id") == world.post_id)
        or (e["type"].startswith("member.") and e["data"]["group_id"] == world.group_id)
        or (e["type"] == "group.updated" and e["data"]["id"] == world.group_id)
    ]
    return bool(about_content)


def socket_join(world: World, viewer: str) -> bool:
    sock = world.socket(viewer)
    answer = sock.emit("join", {"room": f"group:{world.group_id}"}, callback=True)
    if answer.get("ok"):
        return True
    assert answer == {"error": "not_found", "message": "No such room."}
    return False


def announcement(world: World, viewer: str) -> bool:
    sock = world.socket(viewer)
    sock.get_received()
    sent = announce(world.client("owner"), "group", world.group_id)
    live = [e["data"]["announcement"]["id"] for e in received_events(sock, "announcement.created")]
    client = world.client(viewer)
    pinned = [p["announcement"]["id"] for p in client.get(f"{API}/feed").get_json()["pinned"]]
    readable = client.get(f"{API}/announcements/{sent['id']}").status_code
    post = client.get(f"{API}/posts/{sent['post_id']}").status_code
    seen = (live == [sent["id"]], pinned == [sent["id"]], readable == 200, post == 200)
    assert len(set(seen)) == 1, seen  # every path agrees
    if not seen[0]:
        assert (live, pinned, readable, post) == ([], [], 404, 404)
    return seen[0]


def search(world: World, viewer: str) -> bool:
    """Full-text search finds the post (its words) and the comment (theirs)."""
    posts = world.client(viewer).get(f"{API}/search?q=plan&type=posts&limit=100")
    comments = world.client(viewer).get(f"{API}/search?q=noted&type=comments&limit=100")
    assert posts.status_code == comments.status_code == 200
    seen_post = world.post_id in ids(posts)
    assert (world.comment_id in ids(comments)) is seen_post, (viewer, comments.get_json())
    return seen_post


def file_search(world: World, viewer: str) -> bool:
    """A text file on a group post: found by its words (and name) by readers only."""
    if not hasattr(world, "file_id"):
        owner = world.client("owner")
        uploaded = upload(owner, b"Plan: the budget minutes", "plan-minutes.txt")
        assert uploaded.status_code == 201, uploaded.get_json()
        world.file_id = uploaded.get_json()["id"]
        body = {"body": "Minutes", "group_id": world.group_id, "file_ids": [world.file_id]}
        assert owner.post(f"{API}/posts", body).status_code == 201
        assert extract_pending_texts() == 1
    found = [
        ids(world.client(viewer).get(f"{API}/search?q={q}&type=files"))
        for q in ("budget", "minutes")
    ]
    assert found[0] == found[1], (viewer, found)
    return world.file_id in found[0]


# --- events in the group (issue #17): the same rule on every events read path ----------------


def _group_event(world: World) -> int:
    """An event in the group by its owner (made once per world)."""
    if not hasattr(world, "event_id"):
        starts = (utcnow() + timedelta(days=2)).replace(microsecond=0)
        body = {
            "title": "Plan breakfast",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "group_id": world.group_id,
        }
        response = world.client("owner").post(f"{API}/events", body)
        assert response.status_code == 201, response.get_json()
        world.event_id = response.get_json()["id"]
    return world.event_id


def event_permalink(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/events/{_group_event(world)}")
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def event_list(world: World, viewer: str) -> bool:
    event_id = _group_event(world)
    mine = world.client(viewer).get(f"{API}/events").get_json()["items"]
    one = world.client(viewer).get(f"{API}/events?group_id={world.group_id}")
    assert one.status_code in (200, 404), one.status_code
    in_group = one.status_code == 200 and event_id in [e["id"] for e in one.get_json()["items"]]
    assert in_group is (event_id in [e["id"] for e in mine]), viewer
    return in_group


def event_ics(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/events/{_group_event(world)}.ics")
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200 and b"Plan breakfast" in response.data


def event_rsvp_and_attendees(world: World, viewer: str) -> bool:
    event_id = _group_event(world)
    before = count_rows(EventRsvp)
    answer = world.client(viewer).put(f"{API}/events/{event_id}/rsvp", {"status": "maybe"})
    listed = world.client(viewer).get(f"{API}/events/{event_id}/attendees")
    assert answer.status_code == listed.status_code, (answer.status_code, listed.status_code)
    if answer.status_code == 404:
        assert count_rows(EventRsvp) == before
        return False
    assert answer.status_code == 200
    return world.users[viewer].id in ids_of(listed.get_json()["maybe"])


def event_calendar_feed(world: World, viewer: str) -> bool:
    """The viewer answers if they can, then reads their personal feed."""
    client = world.client(viewer)
    client.put(f"{API}/events/{_group_event(world)}/rsvp", {"status": "going"})
    url = client.post(f"{API}/me/calendar-feed").get_json()["url"]
    feed = client.client.get(url[url.index("/calendar/") :])
    assert feed.status_code == 200
    return b"Plan breakfast" in feed.data


def socket_event_updated(world: World, viewer: str) -> bool:
    event_id = _group_event(world)
    sock = world.socket(viewer)
    sock.get_received()
    world.client("member").put(f"{API}/events/{event_id}/rsvp", {"status": "going"})
    world.client("member").put(f"{API}/events/{event_id}/rsvp", {"status": "declined"})
    got = [e["data"]["id"] for e in received_events(sock, "event.updated")]
    assert got in ([], [event_id, event_id]), got
    return bool(got)


# --- pain points in the group (issue #17): as visible as the group, on every path -----------


def _group_pain_point(world: World) -> int:
    """A pain point raised in the group by its owner (made once per world)."""
    if not hasattr(world, "pain_point_id"):
        body = {"title": "Plan tool too slow", "group_id": world.group_id, "hours_per_week": 1}
        response = world.client("owner").post(f"{API}/pain-points", body)
        assert response.status_code == 201, response.get_json()
        world.pain_point_id = response.get_json()["id"]
    return world.pain_point_id


def pain_point_permalink(world: World, viewer: str) -> bool:
    response = world.client(viewer).get(f"{API}/pain-points/{_group_pain_point(world)}")
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200


def pain_point_lists(world: World, viewer: str) -> bool:
    """The register, one group's register, the totals and the CSV all agree."""
    pain_point_id = _group_pain_point(world)
    client = world.client(viewer)
    listed = pain_point_id in ids_of(client.get(f"{API}/pain-points").get_json()["items"])
    one = client.get(f"{API}/pain-points?group_id={world.group_id}")
    assert one.status_code in (200, 404), one.status_code
    in_group = one.status_code == 200 and pain_point_id in ids_of(one.get_json()["items"])
    counted = client.get(f"{API}/pain-points/summary").get_json()["totals"]["count"] == 1
    exported = b"Plan tool too slow" in client.get(f"{API}/pain-points.csv").data
    assert listed is in_group is counted is exported, (listed, in_group, counted, exported)
    return listed


def pain_point_vote_and_follow(world: World, viewer: str) -> bool:
    pain_point_id = _group_pain_point(world)
    before = (count_rows(PainPointVote), count_rows(PainPointFollower))
    voted = world.client(viewer).put(f"{API}/pain-points/{pain_point_id}/vote")
    followed = world.client(viewer).put(f"{API}/pain-points/{pain_point_id}/follow")
    assert voted.status_code == followed.status_code, (voted.status_code, followed.status_code)
    if voted.status_code == 404:
        assert (count_rows(PainPointVote), count_rows(PainPointFollower)) == before
        return False
    assert voted.status_code == 200
    return voted.get_json()["votes"] == 2


def pain_point_status_told(world: World, viewer: str) -> bool:
    """Everyone followed it once (as if before losing access); only a reader is told."""
    pain_point_id = _group_pain_point(world)
    db.session.add(PainPointFollower(post_id=pain_point_id, user_id=world.users[viewer].id))
    db.session.commit()
    moved = world.client("owner").patch(
        f"{API}/pain-points/{pain_point_id}", {"status": "acknowledged"}
    )
    assert moved.status_code == 200, moved.get_json()
    told = [n for n in notifications_of(world.client(viewer)) if n["post_id"] == pain_point_id]
    return bool(told)


def socket_pain_point_updated(world: World, viewer: str) -> bool:
    pain_point_id = _group_pain_point(world)
    sock = world.socket(viewer)
    sock.get_received()
    world.client("member").put(f"{API}/pain-points/{pain_point_id}/vote")
    world.client("member").delete(f"{API}/pain-points/{pain_point_id}/vote")
    got = [e["data"]["id"] for e in received_events(sock, "pain_point.updated")]
    assert got in ([], [pain_point_id, pain_point_id]), got
    return bool(got)


def ids_of(items: list[dict]) -> list[int]:
    return [item["id"] for item in items]


def digest_email(world: World, viewer: str) -> bool:
    """The weekly digest tells the post (it mentions the viewer, and it has a reaction)."""
    return world.post_id in post_ids_in(weekly(world.users[viewer]))


READ_PATHS = [
    home_feed,
    search,
    file_search,
    group_feed,
    permalink,
    profile_feed,
    comments_list,
    reaction_put,
    group_get,
    group_members,
    group_directory,
    notifications,
    socket_post_created,
    catchup_replay,
    socket_join,
    announcement,
    event_permalink,
    event_list,
    event_ics,
    event_rsvp_and_attendees,
    event_calendar_feed,
    socket_event_updated,
    pain_point_permalink,
    pain_point_lists,
    pain_point_vote_and_follow,
    pain_point_status_told,
    socket_pain_point_updated,
    digest_email,
]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("path", READ_PATHS, ids=lambda p: p.__name__)
def test_only_the_member_sees_the_group(world, path, viewer):
    assert path(world, viewer) is (viewer == "member"), (world.kind, path.__name__, viewer)


def test_a_members_avatar_is_their_card_not_the_groups(world):
    """Avatars are not group content: every signed-in colleague gets a member's (as their
    card), outsiders of a secret group included; a guest of another group does not know
    the member (404, issue #19); nobody anonymous does."""
    member = world.client("member")
    url = put_avatar(member, png_bytes()).get_json()["avatar_url"]
    for viewer in ("owner", *VIEWERS):
        response = world.client(viewer).get(url)
        response.close()
        assert response.status_code == (404 if viewer == "guest" else 200), viewer
    anonymous = world.api(None).get(url)
    anonymous.close()
    assert anonymous.status_code == 401


# --- changes that take effect on open sockets at once ---------------------------------------


@pytest.fixture
def public_world(api, make_user, socket_for) -> World:
    return build_world("public", api, make_user, socket_for)


@pytest.mark.parametrize("new_type", GROUP_TYPES)
def test_turning_a_public_group_private_evicts_outsiders_sockets(public_world, new_type):
    world = public_world
    outsider = world.socket("non_member")
    member = world.socket("member")
    answer = outsider.emit("join", {"room": f"group:{world.group_id}"}, callback=True)
    assert answer["ok"]
    before = world.owner_posts("still public")
    assert [e["data"]["id"] for e in received_events(outsider, "post.created")] == [before]
    member.get_received()

    response = world.client("owner").patch(f"{API}/groups/{world.group_id}", {"type": new_type})
    assert response.status_code == 200
    after = world.owner_posts("members only now")

    assert received_events(outsider, "post.created") == []
    assert [e["data"]["id"] for e in received_events(member, "post.created")] == [after]
    refused = outsider.emit("join", {"room": f"group:{world.group_id}"}, callback=True)
    assert refused["error"] == "not_found"


@pytest.mark.parametrize("kind", GROUP_TYPES)
def test_a_removed_members_open_socket_stops_receiving_at_once(kind, api, make_user, socket_for):
    world = build_world(kind, api, make_user, socket_for)
    sent = announce(world.client("owner"), "group", world.group_id)
    leaver = world.socket("member")
    assert world.users["member"].id != world.owner.id
    leaver.get_received()
    removed = world.client("owner").delete(
        f"{API}/groups/{world.group_id}/members/{world.users['member'].id}"
    )
    assert removed.status_code == 204
    assert [e["data"]["user_id"] for e in received_events(leaver, "member.left")] == [
        world.users["member"].id
    ]
    world.owner_posts("after you left")
    comment = world.client("owner").post(
        f"{API}/posts/{sent['post_id']}/comments", {"body": "on the announcement"}
    )
    assert comment.status_code == 201
    world.client("owner").patch(f"{API}/groups/{world.group_id}", {"description": "new"})
    assert received_events(leaver) == []
    # and reconnecting does not bring the rooms back
    again = world.socket("member")
    again.get_received()
    world.owner_posts("still gone")
    world.client("owner").post(f"{API}/posts/{sent['post_id']}/comments", {"body": "again"})
    assert received_events(again) == []


def test_a_member_who_joins_later_was_not_addressed_by_earlier_announcements(
    api, make_user, socket_for
):
    world = build_world("private", api, make_user, socket_for)
    sent = announce(world.client("owner"), "group", world.group_id)
    newcomer = world.users["non_member"]
    added = world.client("owner").post(
        f"{API}/groups/{world.group_id}/members", {"user_id": newcomer.id}
    )
    assert added.status_code == 201
    sock = world.socket("non_member")
    sock.get_received()
    world.client("member").post(f"{API}/posts/{sent['post_id']}/comments", {"body": "ok"})
    assert received_events(sock, "comment.created") == []
    db.session.rollback()
    assert world.client("non_member").get(f"{API}/posts/{sent['post_id']}").status_code == 404
