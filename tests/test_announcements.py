"""Announcements: who may send to whom, audiences, pinning, scheduling, receipts, reach, events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from socialnet.extensions import db
from socialnet.models import Announcement, AnnouncementRecipient, Notification, Post
from socialnet.models._time import utcnow
from socialnet.services.announcements import publish_due
from tests.conftest import received_events
from tests.group_fixtures import (
    API,
    announce,
    announcement_body,
    create_group,
    ids,
    notifications_of,
)
from tests.helpers import assert_error, count_rows, table_counts
from tests.test_feed import count_statements


@pytest.fixture
def indirect(make_user, employee):
    """Reports to ``employee``, who reports to ``manager``: in the manager's reporting line."""
    return make_user("Ines Indirect", manager_id=employee.id, site="Lyon", department="Production")


@pytest.fixture
def org(admin, cm, manager, employee, indirect, fred):
    return {
        "admin": admin,
        "cm": cm,
        "manager": manager,
        "employee": employee,
        "indirect": indirect,
        "fred": fred,
    }


def _recipients(announcement_id: int) -> set[int]:
    db.session.rollback()
    return set(
        db.session.scalars(
            select(AnnouncementRecipient.user_id).where(
                AnnouncementRecipient.announcement_id == announcement_id
            )
        )
    )


def _names(org, user_ids) -> set[str]:
    by_id = {u.id: name for name, u in org.items()}
    return {by_id.get(uid, uid) for uid in user_ids}


def _write_counts() -> dict[str, int]:
    return table_counts(Announcement, AnnouncementRecipient, Post, Notification)


NOTHING = {"announcements": 0, "announcement_recipients": 0, "posts": 0, "notifications": 0}


# --- who may announce to whom ---------------------------------------------------------------


def test_a_manager_announces_to_the_whole_reporting_line(api, org, make_user):
    make_user("Gone Report", manager_id=org["employee"].id, active=False)
    sent = announce(api(org["manager"]), "reports")
    assert sent["status"] == "published" and sent["audience"] == {"kind": "reports", "value": None}
    assert _names(org, _recipients(sent["id"])) == {"employee", "indirect"}


def test_a_middle_manager_reaches_only_their_own_line(api, org):
    sent = announce(api(org["employee"]), "reports")  # Emma manages Ines
    assert _names(org, _recipients(sent["id"])) == {"indirect"}


@pytest.mark.parametrize(
    "kind, value", [("company", None), ("site", "Lyon"), ("department", "Engineering")]
)
def test_a_manager_cannot_announce_beyond_their_line(api, org, kind, value):
    response = api(org["manager"]).post(f"{API}/announcements", announcement_body(kind, value))
    body = assert_error(response, 403, "forbidden")
    assert "community managers" in body["message"]
    assert _write_counts() == NOTHING


def test_someone_with_no_reports_cannot_announce_to_reports(api, org):
    response = api(org["fred"]).post(f"{API}/announcements", announcement_body("reports"))
    assert "no reports" in assert_error(response, 403, "forbidden")["message"]
    assert _write_counts() == NOTHING


def test_community_manager_audiences(api, org, make_user):
    make_user("Paul Paris", site="Paris", department="Production")
    make_user("Olga Off", site="Paris", department="Sales", active=False)
    paul = make_user("Pia Production", department="Production")
    cm = api(org["cm"])
    everyone = {u.id for u in org.values()} | {paul.id}
    company = announce(cm, "company")
    assert _recipients(company["id"]) >= everyone - {org["cm"].id}
    assert org["cm"].id not in _recipients(company["id"])
    site = announce(cm, "site", "Paris")
    assert len(_recipients(site["id"])) == 2 and org["fred"].id in _recipients(site["id"])
    department = announce(cm, "department", "Production")
    assert org["indirect"].id in _recipients(department["id"])
    assert paul.id in _recipients(department["id"])
    assert len(_recipients(department["id"])) == 3
    group = create_group(api(org["employee"]), "Team", "private")
    api(org["employee"]).post(f"{API}/groups/{group['id']}/members", {"user_id": org["fred"].id})
    to_group = announce(cm, "group", group["id"])
    assert _names(org, _recipients(to_group["id"])) == {"employee", "fred"}


def test_an_admin_may_announce_to_the_company(api, org):
    sent = announce(api(org["admin"]), "company")
    assert org["admin"].id not in _recipients(sent["id"]) and len(_recipients(sent["id"])) == 5


def test_unknown_site_or_department_is_refused(api, org):
    for kind in ("site", "department"):
        response = api(org["cm"]).post(f"{API}/announcements", announcement_body(kind, "Mars"))
        assert assert_error(response, 400, "invalid")["fields"] == {"audience": f"unknown_{kind}"}
    assert _write_counts() == NOTHING


def test_a_group_admin_announces_to_their_group_and_nobody_else_does(api, org):
    group = create_group(api(org["employee"]), "Team", "public")
    for user in ("fred", "manager"):
        api(org[user]).post(f"{API}/groups/{group['id']}/join")
    sent = announce(api(org["employee"]), "group", group["id"])
    assert _names(org, _recipients(sent["id"])) == {"fred", "manager"}
    # A plain member, and an outsider, are refused with a clear message.
    for user in ("fred", "indirect"):
        body = announcement_body("group", group["id"])
        response = api(org[user]).post(f"{API}/announcements", body)
        assert "group's admins" in assert_error(response, 403, "forbidden")["message"]
    # A group admin may not use their group to reach the company.
    response = api(org["employee"]).post(f"{API}/announcements", announcement_body("company"))
    assert_error(response, 403)
    assert count_rows(Announcement) == 1


def test_announcing_to_a_secret_group_you_cannot_see_is_no_such_group(api, org):
    group = create_group(api(org["employee"]), "Board", "secret")
    for user in ("cm", "fred"):
        body = announcement_body("group", group["id"])
        response = api(org[user]).post(f"{API}/announcements", body)
        assert assert_error(response, 400)["fields"] == {"audience": "unknown_group"}
    assert _write_counts() == NOTHING


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 15}, "expires_in_days"),
        ({"expires_in_days": "x"}, "expires_in_days"),
        ({"expires_in_days": True}, "expires_in_days"),
        ({"expires_in_days": 2.5}, "expires_in_days"),
        ({"publish_at": "2001-01-01T00:00:00Z"}, "publish_at"),
        ({"publish_at": "tomorrow"}, "publish_at"),
        ({"comments_enabled": "no"}, "comments_enabled"),
        ({"title": ""}, "title"),
        ({"pinned": True}, "pinned"),
    ],
)
def test_bad_announcement_input_is_refused_with_nothing_written(api, org, fields, field):
    response = api(org["cm"]).post(f"{API}/announcements", announcement_body("company", **fields))
    assert field in assert_error(response, 400, "invalid").get("fields", {})
    assert _write_counts() == NOTHING


def test_scheduling_an_hour_ago_is_refused(api, org):
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    response = api(org["cm"]).post(
        f"{API}/announcements", announcement_body("company", publish_at=past)
    )
    assert assert_error(response, 400)["fields"] == {"publish_at": "past"}
    assert _write_counts() == NOTHING


def test_missing_expiry_is_refused(api, org):
    body = announcement_body("company")
    del body["expires_in_days"]
    assert_error(api(org["cm"]).post(f"{API}/announcements", body), 400)
    assert _write_counts() == NOTHING


# --- pinned until read or expired -----------------------------------------------------------


def _pinned(client) -> list[int]:
    response = client.get(f"{API}/feed")
    assert response.status_code == 200
    return [item["announcement"]["id"] for item in response.get_json()["pinned"]]


def test_pinned_at_the_top_of_the_recipients_feed_until_read(api, org):
    sent = announce(api(org["manager"]), "reports")
    emma = api(org["employee"])
    feed = emma.get(f"{API}/feed").get_json()
    [pinned] = feed["pinned"]
    assert pinned["id"] == sent["post_id"] and pinned["title"] == "Quarterly update"
    assert pinned["announcement"]["id"] == sent["id"]
    # page 2 carries no pinned list
    assert "pinned" not in emma.get(f"{API}/feed?cursor={_cursor(emma)}").get_json()
    acked = emma.post(f"{API}/announcements/{sent['id']}/ack")
    assert acked.status_code == 200 and acked.get_json()["acknowledged_at"] is not None
    assert _pinned(emma) == []
    assert emma.post(f"{API}/announcements/{sent['id']}/ack").status_code == 200  # idempotent
    assert _pinned(api(org["indirect"])) == [sent["id"]]  # others still have it pinned


def _cursor(client) -> str:
    from socialnet.pagination import encode_cursor

    return encode_cursor("feed", 10**6)


def test_an_expired_announcement_is_no_longer_pinned(api, org):
    sent = announce(api(org["manager"]), "reports", expires_in_days=1)
    assert _pinned(api(org["employee"])) == [sent["id"]]
    db.session.execute(
        update(Announcement)
        .where(Announcement.id == sent["id"])
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert _pinned(api(org["employee"])) == []


def test_non_recipients_see_nothing_of_it(api, org, socket_for, capture_events):
    open_sockets = {name: socket_for(org[name]) for name in ("fred", "cm", "employee")}
    for sock in open_sockets.values():
        sock.get_received()
    sent = announce(api(org["manager"]), "reports")
    post_id = sent["post_id"]
    for name in ("fred", "cm", "admin"):
        client = api(org[name])
        assert _pinned(client) == [], name
        assert post_id not in ids(client.get(f"{API}/feed")), name
        assert post_id not in ids(client.get(f"{API}/users/{org['manager'].id}/posts")), name
        assert_error(client.get(f"{API}/posts/{post_id}"), 404)
        assert_error(client.get(f"{API}/posts/{post_id}/comments"), 404)
        assert_error(client.put(f"{API}/posts/{post_id}/reactions/like"), 404)
        if name == "fred":  # community managers and admins may look at any reach
            assert_error(client.get(f"{API}/announcements/{sent['id']}"), 404)
        replay = socket_for(org[name], last_event_id=0)
        [catchup] = [p["args"][0] for p in replay.get_received() if p["name"] == "catchup"]
        assert not [e for e in catchup["events"] if e["type"] == "announcement.created"], name
        assert not [n for n in notifications_of(client) if n["type"] == "announcement"], name
    for name in ("fred", "cm"):
        assert received_events(open_sockets[name], "announcement.created") == [], name
    assert [
        e["data"]["announcement"]["id"]
        for e in received_events(open_sockets["employee"], "announcement.created")
    ] == [sent["id"]]
    # The recipient sees it everywhere.
    emma = api(org["employee"])
    assert emma.get(f"{API}/posts/{post_id}").get_json()["kind"] == "announcement"
    assert post_id in ids(emma.get(f"{API}/users/{org['manager'].id}/posts"))
    assert [n["post_id"] for n in notifications_of(emma) if n["type"] == "announcement"] == [
        post_id
    ]


# --- scheduling -----------------------------------------------------------------------------


def test_a_scheduled_announcement_is_invisible_until_published_once(api, org, socket_for):
    later = datetime.now(UTC) + timedelta(hours=3)
    sent = announce(api(org["manager"]), "reports", publish_at=later.isoformat())
    assert sent["status"] == "scheduled" and sent["post_id"] is None
    assert _recipients(sent["id"]) == set() and count_rows(Post) == 0
    emma = api(org["employee"])
    assert _pinned(emma) == []
    assert_error(emma.get(f"{API}/announcements/{sent['id']}"), 404)
    assert_error(emma.post(f"{API}/announcements/{sent['id']}/ack"), 404)
    sock = socket_for(org["employee"])
    sock.get_received()

    assert publish_due(now=utcnow()) == 0  # not yet
    db.session.commit()
    assert publish_due(now=utcnow() + timedelta(hours=4)) == 1
    db.session.commit()
    assert publish_due(now=utcnow() + timedelta(hours=5)) == 0
    db.session.commit()

    assert count_rows(Post) == 1
    assert _names(org, _recipients(sent["id"])) == {"employee", "indirect"}
    assert _pinned(emma) == [sent["id"]]
    assert len([n for n in notifications_of(emma) if n["type"] == "announcement"]) == 1
    [event] = received_events(sock, "announcement.created")
    assert event["data"]["announcement"]["id"] == sent["id"]


def test_remind_refuses_a_scheduled_announcement(api, org):
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    sent = announce(api(org["manager"]), "reports", publish_at=later)
    assert_error(api(org["manager"]).post(f"{API}/announcements/{sent['id']}/remind"), 409)


# --- comments turned off --------------------------------------------------------------------


def test_comments_disabled_is_recorded_on_the_post(api, org):
    sent = announce(api(org["manager"]), "reports", comments_enabled=False)
    post = api(org["employee"]).get(f"{API}/posts/{sent['post_id']}").get_json()
    assert sent["comments_enabled"] is False and post["comments_enabled"] is False


# --- acknowledging --------------------------------------------------------------------------


def test_only_recipients_acknowledge(api, org):
    sent = announce(api(org["manager"]), "reports")
    url = f"{API}/announcements/{sent['id']}/ack"
    assert_error(api(org["manager"]).post(url), 403, "forbidden")  # the sender
    assert_error(api(org["cm"]).post(url), 403)  # sees its reach, was not addressed
    assert_error(api(org["fred"]).post(url), 404)  # does not know it exists
    assert_error(api(org["fred"]).post(f"{API}/announcements/{sent['id'] + 99}/ack"), 404)
    db.session.rollback()
    acked = db.session.scalar(
        select(AnnouncementRecipient).where(AnnouncementRecipient.acknowledged_at.is_not(None))
    )
    assert acked is None


# --- reach ----------------------------------------------------------------------------------


def test_reach_counts_readers_and_lists_who_has_not_read(api, org, make_user):
    late = [make_user(f"Late {c}", manager_id=org["manager"].id) for c in "ABC"]
    sent = announce(api(org["manager"]), "reports")
    api(org["employee"]).post(f"{API}/announcements/{sent['id']}/ack")
    reach = api(org["manager"]).get(f"{API}/announcements/{sent['id']}/reach?limit=2").get_json()
    assert (reach["audience"], reach["read"], reach["rate"]) == (5, 1, 0.2)
    not_read = [u["id"] for u in reach["not_read"]]
    rest = (
        api(org["manager"])
        .get(f"{API}/announcements/{sent['id']}/reach?limit=2&cursor={reach['next_cursor']}")
        .get_json()
    )
    not_read += [u["id"] for u in rest["not_read"]]
    while rest["next_cursor"]:
        rest = (
            api(org["manager"])
            .get(f"{API}/announcements/{sent['id']}/reach?limit=2&cursor={rest['next_cursor']}")
            .get_json()
        )
        not_read += [u["id"] for u in rest["not_read"]]
    assert not_read == [org["indirect"].id] + [u.id for u in late]  # by name: Ines, Late A…
    # A community manager sees it too; the recipients and outsiders do not.
    assert api(org["cm"]).get(f"{API}/announcements/{sent['id']}/reach").status_code == 200
    assert_error(api(org["employee"]).get(f"{API}/announcements/{sent['id']}/reach"), 403)
    assert_error(api(org["fred"]).get(f"{API}/announcements/{sent['id']}/reach"), 404)


def _reach_statements(client, announcement_id: int) -> list[str]:
    db.session.rollback()
    with count_statements() as statements:
        response = client.get(f"{API}/announcements/{announcement_id}/reach?limit=5")
    assert response.status_code == 200
    return statements


def test_reach_is_computed_by_the_database(api, org, make_user):
    """Same statements for an audience of 2 and of 40: COUNTs, not people loaded in Python."""
    me = api(org["cm"])
    assert me.get(f"{API}/me").status_code == 200
    small = announce(me, "site", "Paris")
    for i in range(40):
        make_user(f"Lyon {i:02d}", site="Bordeaux")
    large = announce(me, "site", "Bordeaux")
    assert len(_reach_statements(me, small["id"])) == len(_reach_statements(me, large["id"]))
    reach = me.get(f"{API}/announcements/{large['id']}/reach?limit=5").get_json()
    assert reach["audience"] == 40 and len(reach["not_read"]) == 5


# --- reminders ------------------------------------------------------------------------------


def test_one_reminder_goes_to_those_who_have_not_read(api, org):
    sent = announce(api(org["manager"]), "reports")
    api(org["employee"]).post(f"{API}/announcements/{sent['id']}/ack")
    url = f"{API}/announcements/{sent['id']}/remind"
    assert_error(api(org["employee"]).post(url), 403)
    assert_error(api(org["fred"]).post(url), 404)
    assert api(org["manager"]).post(url).get_json() == {"reminded": 1}
    assert_error(api(org["manager"]).post(url), 409, "conflict")

    def announcement_notes(name):
        return [n for n in notifications_of(api(org[name])) if n["type"] == "announcement"]

    assert len(announcement_notes("indirect")) == 2
    assert len(announcement_notes("employee")) == 1
    assert announcement_notes("fred") == []


# --- realtime -------------------------------------------------------------------------------


def _receivers(org, sockets) -> set[str]:
    return {name for name, sock in sockets.items() if received_events(sock, "announcement.created")}


@pytest.fixture
def live(org, socket_for):
    opened = {name: socket_for(user) for name, user in org.items()}
    for sock in opened.values():
        sock.get_received()
    return opened


def test_reports_announcement_reaches_only_the_line(api, org, live):
    announce(api(org["manager"]), "reports")
    assert _receivers(org, live) == {"manager", "employee", "indirect"}  # the sender, and them


def test_site_announcement_reaches_only_that_site(api, org, live):
    announce(api(org["cm"]), "site", "Paris")
    assert _receivers(org, live) == {"cm", "fred"}


def test_company_announcement_reaches_everyone(api, org, live):
    announce(api(org["cm"]), "company")
    assert _receivers(org, live) == set(org)


def test_group_announcement_reaches_members_not_readers_of_a_public_group(api, org, live):
    group = create_group(api(org["employee"]), "Team", "public")
    api(org["indirect"]).post(f"{API}/groups/{group['id']}/join")
    # Fred reads the public group live without being a member.
    assert live["fred"].emit("join", {"room": f"group:{group['id']}"}, callback=True)["ok"]
    for sock in live.values():
        sock.get_received()
    sent = announce(api(org["employee"]), "group", group["id"])
    assert _names(org, _recipients(sent["id"])) == {"indirect"}
    assert _receivers(org, live) == {"employee", "indirect"}


def test_comments_turned_off_are_refused_and_nothing_is_written(api, cm, employee):
    body = {
        "title": "Quiet announcement",
        "body": "No replies please.",
        "audience": {"kind": "company"},
        "expires_in_days": 2,
        "comments_enabled": False,
    }
    sent = api(cm).post("/api/v1/announcements", body).get_json()
    post_id = sent["post_id"]
    from socialnet.models import Comment

    refused = api(employee).post(f"/api/v1/posts/{post_id}/comments", {"body": "Hello"})
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "Comments are turned off for this post."
    assert db.session.query(Comment).count() == 0
