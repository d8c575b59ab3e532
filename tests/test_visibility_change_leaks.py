"""THE CHANGE MATRIX: every read path × every viewer × every visibility CHANGE.

``test_visibility_matrix.py`` checks a static picture (a private or secret group as it
is); ``test_moderation_leaks.py`` content that is already hidden, removed or held. This
module checks what happens when the right to see something is *taken away* while the
viewer has already seen it: the page was open, the socket was in the room, the
notification was in the bell.

For each change (``CHANGES``) one world is built through the real API: a group, and in
it a post (mentioning everyone, with a hashtag, a comment and a reaction), a named poll
with a vote, kudos, a team success and an announcement; every viewer has an open socket
(outsiders of a public group have joined its room). Every read path is then asked, for
every viewer, whether they see the content **before** the change (this proves the path
works: a path that never shows anything would pass any "after" check), the change is
made through the API, one more comment and one more group post are written by someone
who keeps access, and each test asks its one path for its one viewer **after**.

Expectations are not a hand-written table but two rules (``expected``):

* who may read a *subject* before and after each change (``readers``): the post and its
  twins (poll, kudos, celebration: post-level changes apply to all four), the group's
  other content (announcement, new posts, its socket room), the group's existence, the
  viewer's own session;
* which viewers a path serves at all (``PATHS[...].gate``): the home feed only shows a
  group to its members, CSV exports and analytics are for the poll's author / community
  managers, an announcement is for its recipients.

Viewers: ``author`` (wrote everything, admin of the group, a manager), ``member`` (stays
in the group throughout), ``leaver`` (a member: the one removed, leaving or suspended),
``outsider`` (an employee outside the group) and ``cm`` (a community manager outside the
group: policy gives them no private group's content). The leaver is also a group admin who
sent an announcement of their own: once out of a private group, its sender reads it, its
reach and reminders no more. The audit log (API, CSV, page) names the announcements'
titles to the community manager only while they may read the group.

To extend: a new read path is a function ``(world, viewer) -> bool`` ("does ``viewer``
see the subject now?") registered in ``PATHS`` with its subject and gate; a new change is
a function in ``CHANGES`` plus its line in ``readers``. Each world is built once per
change (module-scoped, wiped when the next change starts), so a case costs one request.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from socialnet.extensions import db, socketio
from socialnet.models import (
    CompanyValue,
    Group,
    GroupMembership,
    Newsletter,
    NewsletterItem,
    NewsletterRecipient,
    NewsletterSection,
    User,
)
from socialnet.realtime.catchup import TOMBSTONE_TYPES
from socialnet.services import digest
from socialnet.services.newsletters import sending as newsletter_sending
from socialnet.services.tokens import do_create_token
from tests.conftest import PASSWORD, ApiClient, _wipe
from tests.digest_support import weekly
from tests.file_text_support import extract_pending_texts
from tests.group_fixtures import API
from tests.moderation_fixtures import act, reported_case
from tests.test_avatars import put_avatar
from tests.test_files import png_bytes, upload
from tests.web import csrf_from

#: ``guest``: a guest from the extended company, invited into another group (issue #19):
#: whatever the change, they read nothing of this group, nor know of it.
VIEWERS = ("author", "member", "leaver", "outsider", "cm", "guest")
EVERYONE = frozenset(VIEWERS)
GUESTS = frozenset({"guest"})
MEMBERS = frozenset({"author", "member", "leaver"})

#: The real sign-in form verifies this hash; cheap parameters keep 45 sign-ins fast.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)

#: Changes that start from a private group (the others start from a public one).
STARTS_PRIVATE = {"member_removed", "member_left"}


# --- the world ---------------------------------------------------------------------------


@dataclass
class World:
    change: str
    app: Any
    users: dict[str, int] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)
    clients: dict[str, ApiClient] = field(default_factory=dict)
    web: dict[str, Any] = field(default_factory=dict)
    sockets: dict[str, Any] = field(default_factory=dict)
    group_id: int = 0
    group_name: str = ""
    post_id: int = 0
    comment_id: int = 0
    poll_id: int = 0
    poll_post_id: int = 0
    kudos_post_id: int = 0
    celebration_post_id: int = 0
    question_post_id: int = 0  # a question in the group, its best answer chosen
    event_post_id: int = 0  # an event in the group, answered by every viewer who could
    pain_point_post_id: int = 0  # a pain point raised in the group (issue #17)
    feedback_post_id: int = 0  # a feedback summary shared in the group (issue #17)
    calendar_feeds: dict[str, str] = field(default_factory=dict)  # viewer → feed path
    file_url: str = ""  # a file attached to the post
    comment_file_url: str = ""  # a file attached to the comment
    file_ids: set[int] = field(default_factory=set)  # both: found by name, and by text
    avatar_url: str = ""  # the author's avatar
    announcement_id: int = 0
    newsletter_id: int = 0  # a company newsletter holding the post, sent to every viewer
    sender_announcement_id: int = 0  # sent by the leaver, a group admin until the change
    marker: str = ""
    tag: str = ""
    new_group_post_id: int | None = None
    live_before: dict[str, list[dict]] = field(default_factory=dict)
    live_after: dict[str, list[dict]] = field(default_factory=dict)
    before: dict[tuple[str, str], Any] = field(default_factory=dict)
    before_done: bool = False  # socket paths read the live log of the current phase

    @property
    def content_post_ids(self) -> set[int]:
        """The post and its twins: what post-level changes hide, delete or remove."""
        return {
            self.post_id,
            self.poll_post_id,
            self.kudos_post_id,
            self.celebration_post_id,
            self.question_post_id,
            self.event_post_id,
            self.pain_point_post_id,
            self.feedback_post_id,
        }

    def api(self, name: str) -> ApiClient:
        return self.clients[name]

    def open_socket(self, name: str, **auth):
        token = self.api(name).token
        return socketio.test_client(self.app, auth={"token": token, **auth})


def _make_user(prefix: str, name: str, role: str = "employee") -> User:
    handle = f"{prefix}{name}"
    user = User(
        email=f"{handle}@lumen.example",
        handle=handle,
        display_name=f"{name.title()} {prefix}",
        password_hash=_CHEAP_HASH,
        role=role,
        department="Engineering",
        site="Lyon",
    )
    db.session.add(user)
    return user


def _web_client(app, email: str):
    client = app.test_client()
    token = csrf_from(client.get("/sign-in"))
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _ok(response, status: int = 201) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


_worlds = itertools.count(1)


def build_world(app, change: str) -> World:
    """The world of ``change``: people, group, content and sockets; every path read
    before the change; the change; one more comment and group post after it."""
    prefix = f"vcl{next(_worlds)}{change.replace('_', '')[:10]}"
    world = World(change, app, marker=f"Marker{prefix}", tag=f"tag{prefix}")
    _add_people(world, prefix)
    _add_group_and_sockets(world, prefix)
    _add_content(world, prefix)
    _snapshot_before(world)
    CHANGES[change](world)
    db.session.rollback()
    _write_after(world)
    return world


def _add_people(world: World, prefix: str) -> None:
    roles = {"author": "manager", "cm": "community_manager"}
    people = {name: _make_user(prefix, name, roles.get(name, "employee")) for name in VIEWERS}
    people["reporter"] = _make_user(prefix, "reporter")
    people["guest"].guest_company = "Agency"
    db.session.add(CompanyValue(name=f"Care {prefix}"))
    their_group = Group(name=f"Guest corner {prefix}", visibility="private")
    db.session.add(their_group)
    db.session.flush()
    db.session.add(GroupMembership(group_id=their_group.id, user_id=people["guest"].id))
    db.session.commit()
    for name, user in people.items():
        world.users[name] = user.id
        world.handles[name] = user.handle
        _token, secret = do_create_token(user, {"name": "leak matrix"})
        db.session.commit()
        world.clients[name] = ApiClient(world.app.test_client(), secret)
        if name != "reporter":
            world.web[name] = _web_client(world.app, user.email)


def _add_group_and_sockets(world: World, prefix: str) -> None:
    start = "private" if world.change in STARTS_PRIVATE else "public"
    world.group_name = f"Team {prefix}"
    author = world.api("author")
    group = _ok(author.post(f"{API}/groups", {"name": world.group_name, "type": start}))
    world.group_id = group["id"]
    for name, role in (("member", "member"), ("leaver", "admin")):  # the leaver announces
        members = f"{API}/groups/{world.group_id}/members"
        _ok(author.post(members, {"user_id": world.users[name], "role": role}))
    for name in VIEWERS:  # sockets open before any content exists
        sock = world.open_socket(name)
        assert sock.is_connected(), name
        if start == "public" and name not in MEMBERS | GUESTS:
            answer = sock.emit("join", {"room": f"group:{world.group_id}"}, callback=True)
            assert answer.get("ok"), answer
        world.sockets[name] = sock


def _add_content(world: World, prefix: str) -> None:
    author = world.api("author")
    everyone = " ".join(f"@{world.handles[n]}" for n in VIEWERS)
    body = f"{world.marker} plan for {everyone} #{world.tag}"
    file_id = _ok(upload(author, png_bytes(), f"{world.marker}-plan.png"))["id"]
    post = _ok(
        author.post(
            f"{API}/posts", {"body": body, "group_id": world.group_id, "file_ids": [file_id]}
        )
    )
    world.post_id, world.file_url = post["id"], post["files"][0]["url"]
    member = world.api("member")
    notes = _ok(upload(member, f"minutes {world.marker}".encode(), "notes.txt"))["id"]
    comment = _ok(
        member.post(
            f"{API}/posts/{world.post_id}/comments",
            {"body": f"Noted {everyone}", "file_ids": [notes]},
        )
    )
    world.comment_id, world.comment_file_url = comment["id"], comment["files"][0]["url"]
    world.file_ids = {file_id, notes}
    assert extract_pending_texts() == 1  # the comment's text file (the image has no words)
    world.avatar_url = _ok(put_avatar(author, png_bytes()), 200)["avatar_url"]
    _ok(member.put(f"{API}/posts/{world.post_id}/reactions/like"), 200)
    poll = _ok(
        author.post(
            f"{API}/polls",
            {
                "question": f"{world.marker} which day?",
                "options": ["Monday", "Friday"],
                "group_id": world.group_id,
            },
        )
    )
    world.poll_id, world.poll_post_id = poll["poll"]["id"], poll["id"]
    option = poll["poll"]["options"][0]["id"]
    _ok(member.put(f"{API}/polls/{world.poll_id}/vote", {"option_ids": [option]}), 200)
    kudos = _ok(
        author.post(
            f"{API}/kudos",
            {
                "recipient_ids": [world.users["member"]],
                "message": f"{world.marker} thanks",
                "value": f"Care {prefix}",
                "group_id": world.group_id,
            },
        )
    )
    world.kudos_post_id = kudos["post"]["id"]
    celebration = _ok(
        author.post(
            f"{API}/celebrations",
            {
                "people_ids": [world.users["member"]],
                "message": f"{world.marker} shipped",
                "group_id": world.group_id,
            },
        )
    )
    world.celebration_post_id = celebration["post"]["id"]
    question = _ok(
        author.post(
            f"{API}/posts",
            {
                "kind": "question",
                "title": f"{world.marker} where is the key?",
                "body": f"#{world.tag}",
                "group_id": world.group_id,
            },
        )
    )
    world.question_post_id = question["id"]
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    event = _ok(
        author.post(
            f"{API}/events",
            {
                "title": f"{world.marker} breakfast",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=1)).isoformat(),
                "group_id": world.group_id,
            },
        )
    )
    world.event_post_id = event["id"]
    for name in VIEWERS:  # those who may see it answer (the others get a 404)
        world.api(name).put(f"{API}/events/{event['id']}/rsvp", {"status": "maybe"})
        url = _ok(world.api(name).post(f"{API}/me/calendar-feed"))["url"]
        world.calendar_feeds[name] = url[url.index("/calendar/") :]
    pain_point = {"title": f"{world.marker} slow tool", "group_id": world.group_id}
    world.pain_point_post_id = _ok(author.post(f"{API}/pain-points", pain_point))["id"]
    feedback = {"title": f"{world.marker} retro", "lessons": "Ship", "group_id": world.group_id}
    world.feedback_post_id = _ok(author.post(f"{API}/feedback-summaries", feedback))["id"]
    reply = _ok(member.post(f"{API}/posts/{question['id']}/comments", {"body": "At reception"}))
    chosen = author.put(f"{API}/posts/{question['id']}/best-answer", {"comment_id": reply["id"]})
    assert _ok(chosen, 200)["answered"] is True
    announcement = _ok(
        author.post(
            f"{API}/announcements",
            {
                "title": f"{world.marker} update",
                "body": "Please read this.",
                "audience": {"kind": "group", "value": world.group_id},
                "expires_in_days": 7,
            },
        )
    )
    world.announcement_id = announcement["id"]
    _ok(member.post(f"{API}/announcements/{world.announcement_id}/ack"), 200)
    sent = world.api("leaver").post(
        f"{API}/announcements",
        {
            "title": f"{world.marker} from the leaver",
            "body": "Sent by someone who may lose the group.",
            "audience": {"kind": "group", "value": world.group_id},
            "expires_in_days": 7,
        },
    )
    world.sender_announcement_id = _ok(sent)["id"]
    _add_newsletter(world)


def _add_newsletter(world: World) -> None:
    """A company newsletter holding the post, published to every viewer but the post's
    author, as if composed
    while the whole company could read it (the composer's own check is tested apart): what
    each copy shows is decided again when it is read or sent."""
    newsletter = Newsletter(
        author_id=world.users["cm"],
        title=f"{world.marker} newsletter",
        audience_kind="company",
        status="sending",
        published_at=datetime.now(UTC).replace(tzinfo=None),
    )
    section = NewsletterSection(position=0, heading="News")
    newsletter.sections.append(section)
    db.session.add(newsletter)
    db.session.flush()
    section.items.append(
        NewsletterItem(newsletter_id=newsletter.id, position=0, post_id=world.post_id)
    )
    db.session.add_all(
        NewsletterRecipient(newsletter_id=newsletter.id, user_id=world.users[name])
        for name in VIEWERS
        if name != "author"  # it shows published posts only: the author's hidden one never
    )
    db.session.commit()
    world.newsletter_id = newsletter.id


def _snapshot_before(world: World) -> None:
    for name in VIEWERS:
        world.live_before[name] = _envelopes(world.sockets[name])
    for key in PATHS:  # every path × viewer, before the change
        for viewer in VIEWERS:
            try:
                world.before[(key, viewer)] = PATHS[key].read(world, viewer)
            except Exception as error:  # re-raised by the test of that case
                world.before[(key, viewer)] = error
    db.session.rollback()
    world.before_done = True


def _write_after(world: World) -> None:
    """Someone who keeps access writes again: a comment and a reaction on the post (when
    it can still be reached) and a new post in the group; then the live logs are read."""
    actor = world.api("author" if world.change == "hidden" else "member")
    actor.post(f"{API}/posts/{world.post_id}/comments", {"body": "after the change"})
    actor.put(f"{API}/posts/{world.post_id}/reactions/celebrate")
    new_post = world.api("member").post(
        f"{API}/posts", {"body": "later news", "group_id": world.group_id}
    )
    world.new_group_post_id = _ok(new_post)["id"]
    for name in VIEWERS:
        sock = world.sockets[name]
        world.live_after[name] = _envelopes(sock) if sock.is_connected() else []
    db.session.rollback()


def _envelopes(sock) -> list[dict]:
    return [p["args"][0] for p in sock.get_received() if p["name"] != "catchup"]


# --- the changes -------------------------------------------------------------------------


def _set_type(kind: str) -> Callable[[World], None]:
    def change(world: World) -> None:
        _ok(world.api("author").patch(f"{API}/groups/{world.group_id}", {"type": kind}), 200)

    return change


def _leaver_goes(by: str) -> Callable[[World], None]:
    def change(world: World) -> None:
        url = f"{API}/groups/{world.group_id}/members/{world.users['leaver']}"
        assert world.api(by).delete(url).status_code == 204

    return change


def _moderate(action: str) -> Callable[[World], None]:
    def change(world: World) -> None:
        for post_id in sorted(world.content_post_ids):
            case_id = reported_case(world.api("reporter"), "post", post_id)
            _ok(act(world.api("cm"), case_id, action), 200)

    return change


def _author_deletes(world: World) -> None:
    for post_id in sorted(world.content_post_ids):
        assert world.api("author").delete(f"{API}/posts/{post_id}").status_code == 204


def _suspend(name: str) -> Callable[[World], None]:
    def change(world: World) -> None:
        case_id = reported_case(world.api("reporter"), "user", world.users[name])
        _ok(act(world.api("cm"), case_id, "suspend"), 200)

    return change


CHANGES: dict[str, Callable[[World], None]] = {
    "made_private": _set_type("private"),
    "made_secret": _set_type("secret"),
    "member_removed": _leaver_goes("author"),
    "member_left": _leaver_goes("leaver"),
    "hidden": _moderate("hide"),
    "deleted_by_author": _author_deletes,
    "removed_by_moderation": _moderate("delete"),
    "viewer_suspended": _suspend("leaver"),
    "author_suspended": _suspend("author"),
}

#: Who is suspended by a change: they read nothing afterwards, whatever the subject.
SUSPENDED = {"viewer_suspended": "leaver", "author_suspended": "author"}


#: Who may read each subject after each change (before: everyone, or the members when
#: the group starts private). Subjects: "post" (the post and its twins), "group" (the
#: group's other content and room), "known" (the group's existence), "account" (the
#: viewer's own session), "colleague" (the author's card: every employee, never a guest
#: from another group). A suspended viewer reads nothing (``SUSPENDED``).
AFTER: dict[str, dict[str, frozenset[str]]] = {
    "made_private": {"post": MEMBERS, "group": MEMBERS, "known": EVERYONE},
    "made_secret": {"post": MEMBERS, "group": MEMBERS, "known": MEMBERS},
    "member_removed": {"post": MEMBERS - {"leaver"}, "group": MEMBERS - {"leaver"}},
    "member_left": {"post": MEMBERS - {"leaver"}, "group": MEMBERS - {"leaver"}},
    "hidden": {"post": frozenset({"author"})},  # the author still sees it, marked
    "deleted_by_author": {"post": frozenset()},
    "removed_by_moderation": {"post": frozenset()},
}


def readers(change: str, subject: str, phase: str) -> frozenset[str]:
    """Who may read ``subject`` in ``phase`` ("before" or "after" ``change``)."""
    starts_private = change in STARTS_PRIVATE and subject in ("post", "group")
    before = MEMBERS if starts_private else EVERYONE
    if subject != "account":  # a guest of another group: never this group's content
        before -= GUESTS
    if phase == "before":
        return before
    if change in SUSPENDED:
        return before - {SUSPENDED[change]}
    after = AFTER[change].get(subject, before)
    return after if subject == "account" else after - GUESTS


# --- the read paths: each answers "does ``viewer`` see the subject now?" ----------------


def _get(world: World, viewer: str, url: str, allowed=(200, 401, 403, 404)):
    response = world.api(viewer).get(url)
    assert response.status_code in allowed, (url, response.status_code, response.get_data())
    return response


def _items(response) -> list[dict]:
    return response.get_json()["items"] if response.status_code == 200 else []


def _page(world: World, viewer: str, url: str):
    """An HTML page through the viewer's cookie session (a dead session is redirected)."""
    response = world.web[viewer].get(url)
    assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
    return response


def _mentions(obj: Any, post_ids: set[int]) -> bool:
    if isinstance(obj, dict):
        return any(
            (key == "post_id" and value in post_ids) or _mentions(value, post_ids)
            for key, value in obj.items()
        )
    if isinstance(obj, list):
        return any(_mentions(value, post_ids) for value in obj)
    return False


def about(envelope: dict, post_ids: set[int]) -> bool:
    """Does a socket event reveal one of ``post_ids``? Tombstones reveal nothing new."""
    kind, data = envelope["type"], envelope["data"]
    if kind in TOMBSTONE_TYPES:
        return False
    if kind.startswith("post.") and data.get("id") in post_ids:
        return True
    if isinstance(data.get("post"), dict) and data["post"].get("id") in post_ids:
        return True
    return _mentions(data, post_ids)


def home_feed(world: World, viewer: str) -> bool:
    return world.post_id in {p["id"] for p in _items(_get(world, viewer, f"{API}/feed?limit=100"))}


def hashtag_search(world: World, viewer: str) -> bool:
    url = f"{API}/feed?limit=100&tag={world.tag}"
    return world.post_id in {p["id"] for p in _items(_get(world, viewer, url))}


def search(world: World, viewer: str) -> bool:
    """Full-text search for the marker: the post and its twins come back together or not
    at all (the group's announcements carry the marker too; they are not the subject)."""
    url = f"{API}/search?q={world.marker}&type=posts&limit=100"
    seen = {i["id"] for i in _items(_get(world, viewer, url))} & world.content_post_ids
    assert seen in (set(), world.content_post_ids), (viewer, seen)
    return bool(seen)


def search_comments(world: World, viewer: str) -> bool:
    url = f"{API}/search?q=noted&type=comments&author_id={world.users['member']}&limit=100"
    return world.comment_id in {i["id"] for i in _items(_get(world, viewer, url))}


def search_topics(world: World, viewer: str) -> bool:
    """The post's hashtag, as a topic: counted only where the post may be read."""
    url = f"{API}/search?q={world.tag}&type=topics"
    return world.tag.lower() in {i["id"] for i in _items(_get(world, viewer, url))}


def topic_page(world: World, viewer: str) -> bool:
    """The hashtag's topic page: its posts, and a count of only those the viewer reads."""
    response = _get(world, viewer, f"{API}/topics/{world.tag}?limit=100")
    if response.status_code != 200:
        return False
    body = response.get_json()
    listed = {p["id"] for p in body["items"]}
    assert body["post_count"] == len(listed), (viewer, body["post_count"], listed)
    return world.post_id in listed


def topics_list(world: World, viewer: str) -> bool:
    """Trending and popular topics: the tag is listed, counted over readable posts only
    (its posts are all recent, so both lists agree)."""
    tag = world.tag.lower()
    figures = []
    for sort in ("trending", "popular"):
        items = _items(_get(world, viewer, f"{API}/topics?sort={sort}&limit=50"))
        figures.append({t["tag"]: t["post_count"] for t in items}.get(tag))
    assert figures[0] == figures[1], (viewer, figures)
    return figures[0] is not None


def search_groups(world: World, viewer: str) -> bool:
    """The group by its name, in search and in type-ahead alike."""
    url = f"{API}/search?q={world.group_name}&type=groups"
    found = world.group_id in {i["id"] for i in _items(_get(world, viewer, url))}
    response = _get(world, viewer, f"{API}/search/suggest?q={world.group_name}")
    suggested = response.status_code == 200 and world.group_id in {
        g["id"] for g in response.get_json()["groups"]
    }
    assert found is suggested, (viewer, found, suggested)
    return found


def group_feed(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/groups/{world.group_id}/feed?limit=100")
    return world.post_id in {p["id"] for p in _items(response)}


def permalink(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/posts/{world.post_id}", (200, 401, 404))
    if response.status_code == 200 and world.change == "hidden" and world.before_done:
        assert response.get_json()["moderation_state"] == "hidden"  # marked for its author
    return response.status_code == 200


def permalink_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, f"/posts/{world.post_id}")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def post_card_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, f"/posts/{world.post_id}/card")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def group_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, f"/groups/{world.group_id}")
    text = response.get_data(as_text=True)
    return response.status_code == 200 and f"{world.marker} plan" in text


def profile_feed(world: World, viewer: str) -> bool:
    url = f"{API}/users/{world.users['author']}/posts?limit=100"
    return world.post_id in {p["id"] for p in _items(_get(world, viewer, url))}


def profile_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, f"/people/{world.users['author']}")
    return response.status_code == 200 and f"{world.marker} plan" in response.get_data(as_text=True)


def comments(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/posts/{world.post_id}/comments", (200, 401, 404))
    return world.comment_id in {c["id"] for c in _items(response)}


def post_file(world: World, viewer: str) -> bool:
    response = _get(world, viewer, world.file_url, (200, 401, 404))
    response.close()
    return response.status_code == 200


def comment_file(world: World, viewer: str) -> bool:
    response = _get(world, viewer, world.comment_file_url, (200, 401, 404))
    response.close()
    return response.status_code == 200


def file_search(world: World, viewer: str) -> bool:
    """Search for files: the post's by its name, the comment's by the words in it; both
    come back together or not at all."""
    url = f"{API}/search?q={world.marker}&type=files&limit=100"
    seen = {i["id"] for i in _items(_get(world, viewer, url))} & world.file_ids
    assert seen in (set(), world.file_ids), (viewer, seen)
    return bool(seen)


def author_avatar(world: World, viewer: str) -> bool:
    """A colleague's avatar is their card's, not the group's: any signed-in employee gets
    it, whatever happens to the group (a suspended viewer is signed out); a guest of
    another group does not know the author (404)."""
    allowed = (200, 401, 404) if viewer in GUESTS else (200, 401)
    response = _get(world, viewer, world.avatar_url, allowed)
    response.close()
    return response.status_code == 200


def reactions(world: World, viewer: str) -> bool:
    """Reactions have no list of their own: they are the post's counts (permalink and card)."""
    response = _get(world, viewer, f"{API}/posts/{world.post_id}", (200, 401, 404))
    return response.status_code == 200 and response.get_json()["reactions"].get("like") == 1


def notifications(world: World, viewer: str) -> bool:
    """Mentions, replies, reactions, kudos, celebrations: none may point at lost content
    (nor be counted unread behind the viewer's back)."""
    response = _get(world, viewer, f"{API}/notifications?limit=100", (200, 401))
    if response.status_code != 200:
        return False
    items = response.get_json()["items"]
    seen = any(n["post_id"] in world.content_post_ids for n in items)
    if not seen:  # nothing hidden is counted either (all of them fit on this page)
        unread = sum(1 for n in items if n["read_at"] is None)
        assert response.get_json()["unread_count"] == unread, response.get_json()
    return seen


def personal_data_export(world: World, viewer: str) -> bool:
    """The viewer's own data download: the notifications and kudos it carries point at
    other people's content only while the viewer may read it, like the bell."""
    response = _get(world, viewer, f"{API}/me/export", (200, 401))
    if response.status_code != 200:
        return False
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = json.loads(archive.read("data.json"))
    pointed = {n["post_id"] for n in data["notifications"]}
    pointed |= {k["post_id"] for k in data["kudos_received"]}
    return bool(pointed & set(world.content_post_ids))


def notifications_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, "/notifications")
    text = response.get_data(as_text=True)
    # a whole id: "/posts/12" must not match a link to post 120
    return response.status_code == 200 and any(
        re.search(rf"/posts/{pid}(?![0-9])", text) for pid in world.content_post_ids
    )


def poll_results(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/polls/{world.poll_id}", (200, 401, 404))
    return response.status_code == 200 and sum(o["votes"] for o in response.get_json()["options"])


def poll_voters(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/polls/{world.poll_id}", (200, 401, 404))
    if response.status_code != 200:
        return False
    voters = {v["id"] for o in response.get_json()["options"] for v in o.get("voters", [])}
    return world.users["member"] in voters


def poll_fragment_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, f"/polls/{world.poll_id}/fragment")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def poll_csv(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/polls/{world.poll_id}/results.csv")
    text = response.get_data(as_text=True)
    return response.status_code == 200 and "Monday" in text


def kudos_received(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/users/{world.users['member']}/kudos")
    if response.status_code != 200:
        return False
    body = response.get_json()
    recent = {k["post_id"] for k in body["recent"]}
    assert (world.kudos_post_id in recent) is (body["total"] == 1), body
    return world.kudos_post_id in recent


def kudos_leaderboard(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/kudos/leaderboard")
    if response.status_code != 200:
        return False
    return world.users["member"] in {r["user"]["id"] for r in response.get_json()["top_receivers"]}


def celebrations_today(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/celebrations/today")
    return response.status_code == 200 and _mentions(
        response.get_json(), {world.celebration_post_id}
    )


def digest_email(world: World, viewer: str) -> bool:
    """The weekly digest, built now, tells the post (it mentions the viewer and has a
    reaction); never one's own (others' comments on it are the comments' subject)."""
    db.session.expire_all()
    user = db.session.get(User, world.users[viewer])
    if not digest.may_receive(user):
        return False
    told = weekly(user)
    lines = told.posts + [m for m in told.mentions if not m["in_comment"]]
    return world.post_id in {line["post_id"] for line in lines}


def newsletter_email(world: World, viewer: str) -> bool:
    """The viewer's newsletter email, built now, shows the post (a suspended person is
    sent nothing)."""
    db.session.expire_all()
    user = db.session.get(User, world.users[viewer])
    recipient = db.session.get(NewsletterRecipient, (world.newsletter_id, user.id))
    if recipient is None or not digest.may_receive(user):
        return False
    newsletter = db.session.get(Newsletter, world.newsletter_id)
    message, shown = newsletter_sending.build_message(newsletter, user, tracked=False)
    assert (f"/posts/{world.post_id}" in message.html) == (shown == 1)
    return shown == 1


def newsletter_read(world: World, viewer: str) -> bool:
    """The newsletter through the API (its recipients, its managers) lists the post."""
    response = _get(world, viewer, f"{API}/newsletters/{world.newsletter_id}")
    return response.status_code == 200 and _mentions(response.get_json(), {world.post_id})


def newsletter_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, f"/newsletters/{world.newsletter_id}")
    return response.status_code == 200 and f"/posts/{world.post_id}" in response.text


def announcement_read(world: World, viewer: str) -> bool:
    url = f"{API}/announcements/{world.announcement_id}"
    return _get(world, viewer, url, (200, 401, 404)).status_code == 200


def announcement_reach(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/announcements/{world.announcement_id}/reach")
    if response.status_code != 200:
        return False
    assert response.get_json()["read"] == 1
    return True


def sender_announcement_read(world: World, viewer: str) -> bool:
    """The leaver's announcement: its sender reads it while they may read the group."""
    url = f"{API}/announcements/{world.sender_announcement_id}"
    return _get(world, viewer, url, (200, 401, 404)).status_code == 200


def sender_announcement_reach(world: World, viewer: str) -> bool:
    """Its reach (the names of the members who have not read it)."""
    url = f"{API}/announcements/{world.sender_announcement_id}/reach"
    response = _get(world, viewer, url)
    if response.status_code != 200:
        return False
    assert world.handles["member"] in {p["handle"] for p in response.get_json()["not_read"]}
    return True


def sender_announcement_remind(world: World, viewer: str) -> bool:
    """A reminder: the first one allowed is sent (200), later ones are refused as already
    sent (409) — which only an allowed reader reaches (404/403 come first)."""
    url = f"{API}/announcements/{world.sender_announcement_id}/remind"
    response = world.api(viewer).post(url)
    assert response.status_code in (200, 401, 403, 404, 409), response.get_data()
    if response.status_code == 200:
        db.session.commit()
    return response.status_code in (200, 409)


def audit_log(world: World, viewer: str) -> bool:
    """The audit log names the announcements' titles only to readers of the group."""
    response = _get(world, viewer, f"{API}/audit-log?limit=100")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def audit_log_csv(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/audit-log?format=csv")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def audit_log_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, "/moderation/audit")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def analytics_groups(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/analytics/groups")
    return world.group_id in {g["group_id"] for g in _items(response)}


def analytics_groups_csv(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/analytics/groups.csv")
    return response.status_code == 200 and world.group_name in response.get_data(as_text=True)


def analytics_polls(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/analytics/polls")
    return world.poll_id in {p["poll_id"] for p in _items(response)}


def analytics_polls_csv(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/analytics/polls.csv")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def event_permalink(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/events/{world.event_post_id}")
    return response.status_code == 200


def event_calendar_list(world: World, viewer: str) -> bool:
    listed = _items(_get(world, viewer, f"{API}/events"))
    return world.event_post_id in {e["id"] for e in listed}


def event_ics(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/events/{world.event_post_id}.ics")
    return response.status_code == 200 and world.marker.encode() in response.data


def event_attendees(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/events/{world.event_post_id}/attendees")
    return response.status_code == 200


def event_calendar_feed(world: World, viewer: str) -> bool:
    """The viewer's personal calendar feed (its secret URL, no session)."""
    response = world.web[viewer].get(world.calendar_feeds[viewer])
    assert response.status_code in (200, 404), response.status_code
    return response.status_code == 200 and world.marker.encode() in response.data


def events_page(world: World, viewer: str) -> bool:
    starts = datetime.now(UTC) + timedelta(days=3)
    month = starts.astimezone(ZoneInfo(world.app.config["COMPANY_TIMEZONE"])).strftime("%Y-%m")
    response = _page(world, viewer, f"/events?month={month}")
    return response.status_code == 200 and world.marker in response.get_data(as_text=True)


def pain_point_permalink(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/pain-points/{world.pain_point_post_id}")
    return response.status_code == 200


def pain_point_register(world: World, viewer: str) -> bool:
    """The register, its totals and its CSV agree."""
    listed = _items(_get(world, viewer, f"{API}/pain-points?limit=100"))
    seen = world.pain_point_post_id in {p["id"] for p in listed}
    summary = _get(world, viewer, f"{API}/pain-points/summary")
    counted = summary.status_code == 200 and summary.get_json()["totals"]["count"] == 1
    csv = _get(world, viewer, f"{API}/pain-points.csv")
    exported = csv.status_code == 200 and world.marker in csv.get_data(as_text=True)
    assert seen is counted is exported, (viewer, seen, counted, exported)
    return seen


def knowledge_base(world: World, viewer: str) -> bool:
    listed = _items(_get(world, viewer, f"{API}/knowledge?limit=100"))
    return world.feedback_post_id in {p["id"] for p in listed}


def questions_list(world: World, viewer: str) -> bool:
    """The questions list (every question the viewer may see), and its answered filter."""
    listed = _items(_get(world, viewer, f"{API}/questions?limit=100"))
    answered = _items(_get(world, viewer, f"{API}/questions?status=answered&limit=100"))
    seen = world.question_post_id in {p["id"] for p in listed}
    assert seen is (world.question_post_id in {p["id"] for p in answered})
    return seen


def group_questions_list(world: World, viewer: str) -> bool:
    url = f"{API}/questions?group_id={world.group_id}&topic={world.tag}&limit=100"
    return world.question_post_id in {p["id"] for p in _items(_get(world, viewer, url))}


def questions_page(world: World, viewer: str) -> bool:
    response = _page(world, viewer, "/questions?status=answered")
    return response.status_code == 200 and f"{world.marker} where" in response.get_data(
        as_text=True
    )


def analytics_answers(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/analytics/answers")
    return world.group_id in {g["group_id"] for g in _items(response)}


def analytics_announcements(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/analytics/announcements")
    return world.announcement_id in {a["announcement_id"] for a in _items(response)}


def group_search(world: World, viewer: str) -> bool:
    response = _get(world, viewer, f"{API}/groups?q={world.group_name}", (200, 401))
    return world.group_id in {g["id"] for g in _items(response)}


def socket_live_post(world: World, viewer: str) -> bool:
    """Events about the post on the socket opened before the change (a new comment and
    reaction were written after it by someone who kept access)."""
    phase = world.live_after if world.before_done else world.live_before
    return any(about(e, world.content_post_ids) for e in phase[viewer])


def socket_group_room(world: World, viewer: str) -> bool:
    """Still in the group's room? (Before: the post arrived; after: the new group post.)"""
    if not world.before_done:
        return any(
            e["type"] == "post.created" and e["data"]["id"] == world.post_id
            for e in world.live_before[viewer]
        )
    return any(
        e["type"] == "post.created" and e["data"]["id"] == world.new_group_post_id
        for e in world.live_after[viewer]
    )


def socket_join(world: World, viewer: str) -> bool:
    sock = world.open_socket(viewer)
    try:
        if not sock.is_connected():
            return False
        answer = sock.emit("join", {"room": f"group:{world.group_id}"}, callback=True)
        return bool(answer.get("ok"))
    finally:
        if sock.is_connected():
            sock.disconnect()


def catchup(world: World, viewer: str) -> bool:
    """A socket connecting now asks for everything since event 0: nothing about the post
    may come back but tombstones."""
    sock = world.open_socket(viewer, last_event_id=0)
    try:
        if not sock.is_connected():
            return False
        [replay] = [p["args"][0] for p in sock.get_received() if p["name"] == "catchup"]
        return any(about(e, world.content_post_ids) for e in replay["events"])
    finally:
        if sock.is_connected():
            sock.disconnect()


def session_alive(world: World, viewer: str) -> bool:
    """The socket opened before the change, the bearer token and the cookie session."""
    alive = (
        world.sockets[viewer].is_connected(),
        world.api(viewer).get(f"{API}/me").status_code == 200,
        world.web[viewer].get("/").status_code == 200,
    )
    assert len(set(alive)) == 1, alive  # they end together
    return alive[0]


@dataclass(frozen=True)
class Path:
    read: Callable[[World, str], bool]
    subject: str  # see ``readers``
    gate: frozenset[str] = EVERYONE  # the viewers this path serves at all


CM_ONLY = frozenset({"cm"})
PATHS: dict[str, Path] = {
    p.read.__name__: p
    for p in (
        Path(home_feed, "post", MEMBERS),
        Path(hashtag_search, "post", MEMBERS),
        Path(search, "post"),
        Path(search_comments, "post"),
        Path(search_topics, "post"),
        Path(topic_page, "post"),
        Path(topics_list, "post"),
        Path(search_groups, "known"),
        Path(group_feed, "post"),
        Path(permalink, "post"),
        Path(permalink_page, "post"),
        Path(post_card_page, "post"),
        Path(group_page, "post"),
        Path(profile_feed, "post"),
        Path(profile_page, "post"),
        Path(comments, "post"),
        Path(post_file, "post"),
        Path(comment_file, "post"),
        Path(file_search, "post"),
        Path(author_avatar, "colleague"),
        Path(reactions, "post"),
        Path(notifications, "post"),
        Path(notifications_page, "post"),
        Path(personal_data_export, "post"),
        Path(poll_results, "post"),
        Path(poll_voters, "post"),
        Path(poll_fragment_page, "post"),
        Path(poll_csv, "post", frozenset({"author", "cm"})),
        Path(kudos_received, "post"),
        Path(kudos_leaderboard, "post", CM_ONLY),
        Path(celebrations_today, "post"),
        Path(digest_email, "post", EVERYONE - {"author"}),
        # sent to all but the post's author (newsletters show published posts only)
        Path(newsletter_email, "post", EVERYONE - {"author"}),
        Path(newsletter_read, "post", EVERYONE - {"author"}),
        Path(newsletter_page, "post", EVERYONE - {"author"}),
        Path(announcement_read, "group", MEMBERS | {"cm"}),
        Path(announcement_reach, "group", frozenset({"author", "cm"})),
        Path(sender_announcement_read, "group", MEMBERS | {"cm"}),
        Path(sender_announcement_reach, "group", frozenset({"leaver", "cm"})),
        Path(sender_announcement_remind, "group", frozenset({"leaver", "cm"})),
        Path(audit_log, "group", CM_ONLY),
        Path(audit_log_csv, "group", CM_ONLY),
        Path(audit_log_page, "group", CM_ONLY),
        Path(analytics_groups, "known", CM_ONLY),
        Path(analytics_groups_csv, "known", CM_ONLY),
        Path(analytics_polls, "post", CM_ONLY),
        Path(analytics_polls_csv, "post", CM_ONLY),
        Path(analytics_announcements, "group", CM_ONLY),
        Path(event_permalink, "post"),
        Path(event_calendar_list, "post", MEMBERS),
        Path(event_ics, "post"),
        Path(event_attendees, "post"),
        Path(event_calendar_feed, "post"),
        Path(events_page, "post", MEMBERS),
        Path(pain_point_permalink, "post"),
        Path(pain_point_register, "post"),
        Path(knowledge_base, "post"),
        Path(questions_list, "post"),
        Path(group_questions_list, "post"),
        Path(questions_page, "post"),
        Path(analytics_answers, "post", CM_ONLY),
        Path(group_search, "known"),
        Path(socket_live_post, "post"),
        Path(socket_group_room, "group"),
        Path(socket_join, "group"),
        Path(catchup, "post"),
        Path(session_alive, "account"),
    )
}


def expected(change: str, path: str, viewer: str, phase: str) -> bool:
    spec = PATHS[path]
    return viewer in spec.gate and viewer in readers(change, spec.subject, phase)


def _cases():
    for change in CHANGES:
        # A suspended author: the product defines only that they read nothing any more
        # (what others see of their content is not defined, so it is not asserted).
        viewers = ("author",) if change == "author_suspended" else VIEWERS
        for path in PATHS:
            for viewer in viewers:
                yield pytest.param(change, path, viewer, id=f"{change}-{path}-{viewer}")


# --- fixtures and the test --------------------------------------------------------------


@pytest.fixture(autouse=True)
def app_ctx(app):
    """Overrides conftest's per-test wipe: a world lives for all the cases of its change."""
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()


@pytest.fixture(scope="module")
def worlds(app, tmp_path_factory):
    """One world per change, built on first use; the previous one is wiped then."""
    built: dict[str, World] = {}
    saved_storage = app.config["STORAGE_DIR"]
    app.config["STORAGE_DIR"] = str(tmp_path_factory.mktemp("uploads"))

    def get(change: str) -> World:
        if change not in built:
            for old in built.values():
                _close(old)
            built.clear()
            _wipe()
            built[change] = build_world(app, change)
        return built[change]

    with app.app_context():
        yield get
        for old in built.values():
            _close(old)
        db.session.rollback()
        _wipe()
        db.session.remove()
    app.config["STORAGE_DIR"] = saved_storage


def _close(world: World) -> None:
    for sock in world.sockets.values():
        if sock.is_connected():
            sock.disconnect()


@pytest.mark.parametrize(("change", "path", "viewer"), list(_cases()))
def test_nothing_leaks_after_the_change(worlds, change, path, viewer):
    world = worlds(change)
    before = world.before[(path, viewer)]
    if isinstance(before, Exception):
        raise before
    assert bool(before) is expected(change, path, viewer, "before"), ("before", change, path)
    after = PATHS[path].read(world, viewer)
    db.session.rollback()
    assert bool(after) is expected(change, path, viewer, "after"), ("after", change, path)
