"""Regressions from the security review: what a socket, a catch-up or a late job could leak."""

from __future__ import annotations

from datetime import timedelta

from socialnet.extensions import db
from socialnet.models import Announcement, Group
from socialnet.models._time import utcnow
from socialnet.services.announcements import publish_due
from tests.conftest import PASSWORD, received_events
from tests.group_fixtures import API, announce, create_group


def _catchup(sock) -> list[dict]:
    packets = [p for p in sock.get_received() if p["name"] == "catchup"]
    assert packets, "no catch-up"
    return packets[0]["args"][0]["events"]


def test_a_deleted_groups_id_room_and_history_are_never_handed_on(
    api, socket_for, manager, employee, fred
):
    public = create_group(api(manager), "Open", "public")
    outsider = socket_for(fred)
    assert outsider.emit("join", {"room": f"group:{public['id']}"}, callback=True)["ok"]
    assert api(manager).delete(f"{API}/groups/{public['id']}").status_code == 204
    outsider.get_received()

    secret = create_group(api(employee), "Acquisition", "secret")
    assert secret["id"] > public["id"]  # ids are never reused
    posted = api(employee).post(f"{API}/posts", {"body": "We buy Acme", "group_id": secret["id"]})
    assert posted.status_code == 201
    assert received_events(outsider) == []  # the old room was emptied, not inherited


def test_a_recipient_loses_the_announcement_with_the_group_or_the_post(
    api, cm, employee, fred, make_group
):
    board = make_group("Board", "private", members=(employee, fred))
    sent = announce(api(cm), "group", board.id, title="CEO resigning")
    url = f"{API}/announcements/{sent['id']}"
    assert api(fred).get(url).status_code == 200
    admin_of_board = api(employee)
    from tests.group_fixtures import set_group_role

    set_group_role(board, employee)
    assert admin_of_board.delete(f"{API}/groups/{board.id}/members/{fred.id}").status_code == 204
    assert api(fred).get(url).status_code == 404
    assert api(fred).post(f"{url}/ack").status_code == 404

    company = announce(api(cm), "company", title="Salaries of all staff")
    assert api(employee).get(f"{API}/announcements/{company['id']}").status_code == 200
    assert api(cm).delete(f"{API}/posts/{company['post_id']}").status_code == 204
    assert api(employee).get(f"{API}/announcements/{company['id']}").status_code == 404


def test_a_scheduled_announcement_is_cancelled_when_its_sender_lost_the_right(
    api, admin, cm, employee
):
    later = (utcnow() + timedelta(minutes=5)).isoformat() + "Z"
    sent = announce(api(cm), "company", title="From a CM since removed", publish_at=later)
    assert sent["status"] == "scheduled"
    demoted = api(admin).patch(f"{API}/users/{cm.id}", {"role": "employee"})
    assert demoted.status_code == 200

    assert publish_due(now=utcnow() + timedelta(minutes=10)) == 0
    db.session.commit()
    announcement = db.session.get(Announcement, sent["id"])
    assert announcement.published_at is None and announcement.cancelled_at is not None
    assert api(employee).get(f"{API}/feed").get_json()["pinned"] == []
    assert publish_due(now=utcnow() + timedelta(minutes=20)) == 0  # stays cancelled


def test_revoking_a_token_disconnects_the_sockets_opened_with_it(api, socket_for, employee):
    me = api(employee)
    created = me.post(f"{API}/tokens", {"name": "laptop", "password": PASSWORD}).get_json()
    sock = socket_for(None, token=created["token"])
    assert sock.is_connected()
    assert me.delete(f"{API}/tokens/{created['id']}").status_code == 204
    assert not sock.is_connected()


def test_catch_up_forgets_an_invitation_to_a_secret_group_one_was_removed_from(
    api, socket_for, manager, employee
):
    secret = create_group(api(manager), "Project Falcon (acquisition)", "secret")
    added = api(manager).post(f"{API}/groups/{secret['id']}/members", {"user_id": employee.id})
    assert added.status_code == 201
    removed = api(manager).delete(f"{API}/groups/{secret['id']}/members/{employee.id}")
    assert removed.status_code == 204

    listed = api(employee).get(f"{API}/notifications").get_json()
    assert listed["items"] == [] and listed["unread_count"] == 0
    replay = _catchup(socket_for(employee, last_event_id=0))
    assert all("Falcon" not in str(event) for event in replay), replay


def test_catch_up_replays_posts_as_they_read_now(api, socket_for, employee, fred):
    post = api(employee).post(f"{API}/posts", {"body": "VPN password is Hunter2!"}).get_json()
    edited = api(employee).patch(f"{API}/posts/{post['id']}", {"body": "ask IT"})
    assert edited.status_code == 200
    replay = _catchup(socket_for(fred, last_event_id=0))
    bodies = [e["data"]["body"] for e in replay if e["type"].startswith("post.")]
    assert bodies and set(bodies) == {"ask IT"}
    assert "Hunter2" not in str(replay)
    assert db.session.query(Group).count() == 0
