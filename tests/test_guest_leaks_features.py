"""THE GUEST MATRIX, second part (issue #19): the newer features, with a guest as the viewer.

The world of :mod:`tests.test_guest_leaks` (a guest in "Project Atlas", the company around
it) gets the newer features: a circle, pain points, lessons learned, newsletters, a
shareable post, an onboarding journey, a manager briefing and the editorial calendar, each
with something outside the guest's group whose text carries "zephyr" (and whose author is
Oscar Outsider). Each read path (API and pages, list and detail) returns what the guest saw
of the outside: a detail must be a 404 as for a missing object, a list or a space may be
refused (403/404) or answer without a word from outside. Where the guest's own group has
something on that path, the guest must see it (an empty answer would prove nothing).
The world is built in :mod:`tests.guest_features_support`.

The last test proves the rows have teeth: a policy module that forgets guests makes them fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import false

from socialnet.built_once import forget_built
from socialnet.extensions import db
from socialnet.models._time import utcnow
from tests.group_fixtures import API
from tests.guest_features_support import build_features_world
from tests.helpers import assert_error
from tests.test_guest_leaks import World

OUTSIDE_MARKS = ("zephyr", "oscar")  # the outside's word, and the outsider's name


@pytest.fixture(autouse=True)
def company_sites(app):
    app.config["ADVOCACY_SITES"] = ["lumen.example"]


@pytest.fixture
def world(api, make_user, socket_for, auth) -> World:
    world = build_features_world(api, make_user, socket_for)
    world.extra["web"] = auth.login(world.guest)
    return world


# --- what a response shows ------------------------------------------------------------------


def _marks(text: str) -> bool:
    lowered = text.lower()
    return any(mark in lowered for mark in OUTSIDE_MARKS)


Detail = tuple[str, int]  # ("/circles/{}/sessions", circle id): the hidden object's path
MISSING = 987654


def _refused_like_missing(get, details: list[Detail], label: str) -> set[str]:
    """A hidden object answers as a missing one would: 404, or the 403 a whole space gives
    the guest whatever the id (never a status or a word that tells it exists)."""
    leaked = set()
    for template, object_id in details:
        response = get(template.format(object_id))
        status = response.status_code
        missing = get(template.format(MISSING)).status_code
        if status not in (403, 404) or status != missing:
            leaked.add(f"{label} {template.format(object_id)} ({status}, missing: {missing})")
        elif _marks(response.get_data(as_text=True)):
            leaked.add(f"{label} {template.format(object_id)} (words)")
    return leaked


def _shows_nothing(get, lists: list[str], label: str) -> set[str]:
    """A list or a space is refused, or answers without a word from outside."""
    leaked = set()
    for path in lists:
        response = get(path)
        assert response.status_code in (200, 302, 403, 404), (path, response.status_code)
        if response.status_code == 200 and _marks(response.get_data(as_text=True)):
            leaked.add(f"{label} {path}")
    return leaked


def _api_rows(world: World, lists: list[str], details: list[Detail]) -> set[str]:
    def get(path):
        return world.g.get(f"{API}{path}")

    return _shows_nothing(get, lists, "api") | _refused_like_missing(get, details, "api")


def _page_rows(world: World, lists: list[str], details: list[Detail]) -> set[str]:
    """The same rules for the pages, with the guest's cookie session."""
    get = world.extra["web"].get
    return _shows_nothing(get, lists, "page") | _refused_like_missing(get, details, "page")


def _ids(world: World, path: str) -> list[int]:
    response = world.g.get(f"{API}{path}")
    assert response.status_code == 200, (path, response.get_json())
    return [item["id"] for item in response.get_json()["items"]]


# --- the read paths -------------------------------------------------------------------------


def circles(world: World) -> set[str]:
    c, s = world.extra["circle"], world.extra["session"]
    details = [
        (path, c)
        for path in ("/circles/{}", "/circles/{}/dashboard", "/circles/{}/sessions")
        + ("/circles/{}/topics", "/groups/{}", "/groups/{}/members", "/groups/{}/feed")
    ]
    details.append((f"/circles/{c}/sessions/{{}}", s))
    details += [("/posts/{}", world.extra[key]) for key in ("session_event", "synthesis")]
    leaked = _api_rows(world, ["/circles", "/groups?limit=100"], details)
    synthesis_page = f"/circles/{c}/sessions/{{}}/synthesis"
    pages = [("/circles/{}", c), (synthesis_page, s), (synthesis_page, world.extra["past_session"])]
    return leaked | _page_rows(world, ["/circles", "/groups"], pages)


def pain_points(world: World) -> set[str]:
    pid = world.extra["pain_point"]
    assert world.extra["own_pain_point"] in _ids(world, "/pain-points")
    lists = ["/pain-points", "/pain-points/summary", "/pain-points.csv", "/search?q=zephyr"]
    leaked = _api_rows(world, lists, [("/pain-points/{}", pid), ("/posts/{}", pid)])
    summary = world.g.get(f"{API}/pain-points/summary").get_json()
    if summary["totals"]["count"] != 1:  # their group's pain point, no figure from outside
        leaked.add(f"summary counts {summary['totals']['count']}")
    return leaked | _page_rows(world, ["/pain-points"], [("/posts/{}", pid)])


def knowledge(world: World) -> set[str]:
    assert world.extra["own_lesson"] in _ids(world, "/knowledge")
    lists = ["/knowledge", "/knowledge?q=zephyr", "/knowledge/topics"]
    hidden = [("/posts/{}", world.extra[key]) for key in ("lesson", "shared")]
    leaked = _api_rows(world, lists, hidden)
    return leaked | _page_rows(world, ["/knowledge"], hidden)


def newsletters(world: World) -> set[str]:
    nid = world.extra["newsletter"]
    assert world.extra["own_newsletter"] in _ids(world, "/newsletters")
    details = [(p, nid) for p in ("/newsletters/{}", "/newsletters/{}/preview")]
    details += [("/newsletters/{}/reach", nid), ("/newsletters/{}/reach.csv", nid)]
    leaked = _api_rows(world, ["/newsletters"], details)
    mailed = world.extra["mail"].get(world.guest.email, [])
    copies = [f"{m.subject}\n{m.body}\n{m.html}" for m in mailed]
    assert any("Atlas monthly" in copy for copy in copies), copies  # their own issue came
    leaked |= {"newsletter email"} if any(_marks(copy) for copy in copies) else set()
    own = f"/newsletters/{world.extra['own_newsletter']}"
    pages = [(p, nid) for p in ("/newsletters/{}", "/newsletters/{}/preview")]
    pages.append(("/newsletters/{}/reach", nid))
    return leaked | _page_rows(world, ["/newsletters", own], pages)


def advocacy(world: World) -> set[str]:
    sid, post_id = world.extra["shareable"], world.outside_posts["company"]
    details = [("/shareables/{}", sid), ("/posts/{}/shareable", post_id)]
    leaked = _api_rows(world, ["/shareables"], details)
    return leaked | _page_rows(world, ["/share"], [("/posts/{}/shareable", post_id)])


def onboarding(world: World) -> set[str]:
    tid, jid = world.extra["template"], world.extra["journey"]
    lists = ["/onboarding/templates", "/onboarding/journeys", "/me/onboarding"]
    details = [("/onboarding/templates/{}", tid), ("/onboarding/journeys/{}", jid)]
    leaked = _api_rows(world, lists, details)
    pages = ["/onboarding", "/onboarding/templates"]
    return leaked | _page_rows(world, pages, [("/onboarding/journeys/{}", jid)])


def briefings(world: World) -> set[str]:
    b = world.extra["briefing"]
    details = [(p, b) for p in ("/briefings/{}", "/briefings/{}/progress")]
    details.append(("/briefings/{}/questions", b))
    leaked = _api_rows(world, ["/briefings"], details)
    pages = [("/briefings/{}", b), ("/briefings/{}/ask", b)]
    return leaked | _page_rows(world, ["/briefings"], pages)


def editorial(world: World) -> set[str]:
    item = world.extra["editorial"]
    day = (utcnow() + timedelta(days=1)).date().isoformat()
    lists = [f"/editorial/items?date={day}", "/editorial/calendar.ics", "/editorial/sites"]
    lists.append("/correspondents")
    leaked = _api_rows(world, lists, [("/editorial/items/{}", item)])
    pages = [f"/editorial?date={day}", "/editorial/sites", "/editorial/correspondents"]
    return leaked | _page_rows(world, pages, [])


def live(world: World) -> set[str]:
    """Sockets: no outside circle's room; its live events, the outside pain point's
    updates and the catch-up replay reach the guest without a word from outside, while
    their group's pain point's update does arrive."""
    sock = world.socket_for(world.guest)
    sock.get_received()
    leaked = set()
    if sock.emit("join", {"room": f"group:{world.extra['circle']}"}, callback=True).get("ok"):
        leaked.add("joined the circle's room")
    out, mate = world.client(world.outsider), world.client(world.colleague)
    url = f"{API}/circles/{world.extra['circle']}/topics"
    assert out.post(url, {"title": "Zephyr live topic"}).status_code == 201
    outside = f"{API}/pain-points/{world.extra['pain_point']}"
    assert out.patch(outside, {"description": "Zephyr fails hourly"}).status_code == 200
    own = f"{API}/pain-points/{world.extra['own_pain_point']}"
    assert mate.patch(own, {"description": "Fails hourly"}).status_code == 200
    got = sock.get_received()
    assert any(p["name"] == "pain_point.updated" for p in got), got
    if _marks(json.dumps(got)):
        leaked.add("live events")
    replay = world.socket_for(world.guest, last_event_id=0).get_received()
    if _marks(json.dumps(replay)):
        leaked.add("catch-up")
    return leaked


READ_PATHS: list[Callable[[World], set[str]]] = [
    circles,
    pain_points,
    knowledge,
    newsletters,
    advocacy,
    onboarding,
    briefings,
    editorial,
    live,
]


@pytest.mark.parametrize("path", READ_PATHS, ids=lambda p: p.__name__)
def test_a_guest_sees_nothing_of_the_newer_features_outside_their_groups(world, path):
    assert path(world) == set(), path.__name__


def test_an_employee_sees_what_the_guest_does_not(world, auth):
    """The control: the guest's colleague (a member of the circle, an employee) sees the
    outside on the same paths, so the guest's empty answers mean "refused"."""
    world.guest = world.colleague
    world.clients.pop(world.colleague.id, None)
    world.extra["web"] = auth.login(world.colleague)
    for path in (circles, pain_points, knowledge, newsletters, advocacy, live):
        assert path(world), path.__name__


# --- the rows have teeth --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "caught_by"),
    [
        ("socialnet.policy.posts", {"pain_points", "knowledge"}),
        ("socialnet.policy.groups", {"circles"}),
        ("socialnet.policy.onboarding", {"onboarding"}),
        ("socialnet.policy.briefings", {"briefings"}),
        ("socialnet.policy.editorial", {"editorial"}),
    ],
)
def test_the_rows_fail_when_a_policy_forgets_guests(world, monkeypatch, module, caught_by):
    """A policy module whose ``is_guest`` answers no: the rows must report a leak."""
    monkeypatch.setattr(f"{module}.is_guest", lambda _user: False)
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


# --- a real leak the rows found: a merge moved a guest's vote out of their sight ------------


def test_a_guest_s_vote_and_follow_never_move_to_a_pain_point_they_cannot_see(world, monkeypatch):
    """A triager merges the guest's group's pain point (the guest votes for and follows it)
    into a company-wide one: that would move the guest's vote and follow onto a pain point
    they cannot see (and show them its id). Refused, nothing written; with the policy
    forgetting guests, the same merge goes through (the check has teeth)."""
    own, outside = world.extra["own_pain_point"], world.extra["pain_point"]
    for verb in ("vote", "follow"):
        assert world.g.put(f"{API}/pain-points/{own}/{verb}").status_code == 200
    triager = world.client(world.extra["cm"])
    merge = f"{API}/pain-points/{own}/merge"
    votes = triager.get(f"{API}/pain-points/{outside}").get_json()["votes"]
    refused = assert_error(triager.post(merge, {"into_id": outside}), 400)
    assert refused["fields"] == {"into_id": "narrower_audience"}
    mine = world.g.get(f"{API}/pain-points/{own}").get_json()
    assert (mine["merged_into_id"], mine["my_vote"], mine["following"]) == (None, True, True)
    assert triager.get(f"{API}/pain-points/{outside}").get_json()["votes"] == votes
    monkeypatch.setattr("socialnet.policy.notifications.is_guest_row", lambda _id: false())
    forget_built()  # statements built before the change would not see it
    assert triager.post(merge, {"into_id": outside}).status_code == 200
