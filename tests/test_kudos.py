"""Kudos: giving, refusals that write nothing, profile counts, visibility, the leaderboard."""

from __future__ import annotations

from datetime import datetime

import pytest

from socialnet.extensions import db
from socialnet.models import CompanyValue, Event, Kudos, KudosRecipient, Notification, Post
from tests.helpers import assert_error, table_counts

WRITTEN = (Post, Kudos, KudosRecipient, Notification, Event)


@pytest.fixture
def values():
    rows = [
        CompanyValue(name="Expertise", emoji="🎓"),
        CompanyValue(name="Entraide", emoji="🤝"),
        CompanyValue(name="Audace", emoji="🚀", active=False),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return {v.name: v for v in rows}


def _give(api, giver, recipients, value="Entraide", message="Merci !", group=None, **extra):
    body = {
        "recipient_ids": [u.id if hasattr(u, "id") else u for u in recipients],
        "message": message,
        "value": value,
        **extra,
    }
    if group is not None:
        body["group_id"] = group.id
    return api(giver).post("/api/v1/kudos", body)


def test_give_kudos_creates_post_rows_notifications_and_event(
    api, values, employee, manager, fred, capture_events
):
    response = _give(api, employee, [manager, fred], value="entraide", message="Thanks **a lot**")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    kudos, post = body["kudos"], body["post"]
    assert post["kind"] == "kudos"
    assert {r["id"] for r in kudos["recipients"]} == {manager.id, fred.id}
    assert kudos["value"]["name"] == "Entraide" and kudos["giver"]["id"] == employee.id
    assert "<strong>a lot</strong>" in post["body_html"] and 'class="mention"' in post["body_html"]

    notified = db.session.query(Notification).filter_by(type="kudos").all()
    assert {n.user_id for n in notified} == {manager.id, fred.id}
    listed = api(manager).get("/api/v1/notifications").get_json()["items"]
    assert listed[0]["summary"] == "Emma Employee gave you kudos for Entraide"
    assert not db.session.query(Notification).filter_by(type="mentioned").count()

    events = capture_events.of_type("kudos.created")
    assert [e.room for e in events] == ["company"]
    assert events[0].payload["data"]["kudos"]["id"] == kudos["id"]
    assert events[0].payload["data"]["post"]["id"] == post["id"]

    feed = api(fred).get("/api/v1/feed").get_json()["items"]
    assert feed[0]["kudos"]["value"]["name"] == "Entraide"


@pytest.mark.parametrize(
    "case, field, code",
    [
        ("self", "recipient_ids", "self"),
        ("fifty", "recipient_ids", "too_many"),
        ("none", "recipient_ids", "missing"),
        ("deactivated", "recipient_ids", "unknown"),
        ("missing_user", "recipient_ids", "unknown"),
        ("unknown_value", "value", "unknown"),
        ("inactive_value", "value", "unknown"),
        ("empty_message", "message", "empty"),
    ],
)
def test_bad_kudos_are_refused_and_write_nothing(
    api, values, make_user, employee, manager, case, field, code
):
    before = table_counts(*WRITTEN)
    target = [manager]
    value, message = "Expertise", "Bravo"
    if case == "self":
        target = [employee, manager]
    elif case == "fifty":
        target = [make_user(f"Colleague {i}") for i in range(50)]
        before = table_counts(*WRITTEN)
    elif case == "none":
        target = []
    elif case == "deactivated":
        gone = make_user("Gone Person", active=False)
        target = [manager, gone]
        before = table_counts(*WRITTEN)
    elif case == "missing_user":
        target = [manager.id, 999_999]
    elif case == "unknown_value":
        value = "Laziness"
    elif case == "inactive_value":
        value = values["Audace"].id
    elif case == "empty_message":
        message = "   "
    body = assert_error(_give(api, employee, target, value=value, message=message), 400)
    assert body["fields"][field] == code
    assert table_counts(*WRITTEN) == before


def test_message_too_long_is_refused(api, values, employee, manager):
    response = _give(api, employee, [manager], message="x" * 1001)
    assert_error(response, 413)
    assert table_counts(Kudos)["kudos"] == 0


def test_kudos_in_a_group_you_are_not_in_is_refused(
    api, values, make_group, employee, manager, fred
):
    group = make_group("Atelier", members=(employee, manager))
    before = table_counts(*WRITTEN)
    assert_error(_give(api, fred, [manager], group=group), 403)
    secret = make_group("Secret", visibility="secret", members=(employee, manager))
    body = assert_error(_give(api, fred, [manager], group=secret), 400)
    assert body["fields"] == {"group_id": "unknown"}
    assert table_counts(*WRITTEN) == before


def test_recipients_must_read_a_private_group(api, values, make_group, employee, manager, fred):
    group = make_group("Codir", visibility="private", members=(employee, manager))
    body = assert_error(_give(api, employee, [manager, fred], group=group), 400)
    assert body["fields"]["recipient_ids"] == "not_member"


def test_profile_counts_per_value(api, values, employee, manager, fred):
    for value in ("Expertise", "Entraide", "Entraide"):
        assert _give(api, employee, [manager], value=value).status_code == 201
    assert _give(api, fred, [employee], value="Expertise").status_code == 201
    got = api(fred).get(f"/api/v1/users/{manager.id}/kudos").get_json()
    assert got["total"] == 3
    assert [(b["value"]["name"], b["count"]) for b in got["by_value"]] == [
        ("Entraide", 2),
        ("Expertise", 1),
    ]
    assert len(got["recent"]) == 3 and got["recent"][0]["recipients"][0]["id"] == manager.id
    assert_error(api(fred).get("/api/v1/users/999999/kudos"), 404)


def test_private_group_kudos_are_invisible_to_outsiders(
    api, values, make_group, employee, manager, fred, capture_events, socket_for
):
    group = make_group("Codir", visibility="private", members=(employee, manager))
    fred_socket = socket_for(fred)
    fred_socket.get_received()
    assert _give(api, employee, [manager], group=group).status_code == 201
    assert _give(api, fred, [manager]).status_code == 201

    outsider = api(fred).get(f"/api/v1/users/{manager.id}/kudos").get_json()
    insider = api(employee).get(f"/api/v1/users/{manager.id}/kudos").get_json()
    assert outsider["total"] == 1 and insider["total"] == 2
    assert all(k["post_id"] for k in outsider["recent"]) and len(outsider["recent"]) == 1

    feed = api(fred).get(f"/api/v1/users/{employee.id}/posts").get_json()["items"]
    assert not [p for p in feed if p["kind"] == "kudos"]
    assert capture_events.rooms("kudos.created") == {f"group:{group.id}", "company"}
    seen = [p["data"]["kudos"]["giver"]["id"] for p in _received(fred_socket, "kudos.created")]
    assert seen == [fred.id]


def _received(sock, event_type):
    return [p["args"][0] for p in sock.get_received() if p["name"] == event_type]


def test_feed_page_with_many_kudos_costs_bounded_queries(
    api, values, make_user, employee, manager, app
):
    from sqlalchemy import event

    def count_queries(n: int) -> int:
        for i in range(n):
            _give(api, employee, [manager, make_user(f"Extra {n}-{i}")])
        statements = []

        def listen(*_args):
            statements.append(1)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert api(manager).get("/api/v1/feed?limit=100").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    assert count_queries(1) == count_queries(6)


# --- values ------------------------------------------------------------------------------


def test_values_managed_by_admins_only(api, values, admin, employee):
    names = [v["name"] for v in api(employee).get("/api/v1/values").get_json()["items"]]
    assert names == ["Entraide", "Expertise"]
    assert len(api(admin).get("/api/v1/values").get_json()["items"]) == 3
    assert_error(api(employee).post("/api/v1/values", {"name": "Humour"}), 403)
    created = api(admin).post("/api/v1/values", {"name": "Humour", "emoji": "😄"})
    assert created.status_code == 201
    assert_error(api(admin).post("/api/v1/values", {"name": "humour"}), 409)
    value_id = created.get_json()["id"]
    assert_error(api(employee).patch(f"/api/v1/values/{value_id}", {"active": False}), 403)
    patched = api(admin).patch(f"/api/v1/values/{value_id}", {"active": False})
    assert patched.get_json()["active"] is False
    assert_error(api(admin).patch("/api/v1/values/99999", {"active": False}), 404)


# --- preferences -------------------------------------------------------------------------


def test_preferences(api, employee):
    assert api(employee).get("/api/v1/me/preferences").get_json() == {
        "leaderboard_opt_out": False,
        "celebrate_birthday": False,
        "language": None,
        "digest": "weekly",
    }
    response = api(employee).patch("/api/v1/me/preferences", {"leaderboard_opt_out": True})
    assert response.get_json()["leaderboard_opt_out"] is True
    assert_error(api(employee).patch("/api/v1/me/preferences", {"celebrate_birthday": "yes"}), 400)
    assert_error(api(employee).patch("/api/v1/me/preferences", {"role": "admin"}), 400)
    db.session.expire_all()
    assert employee.leaderboard_opt_out is True and employee.role == "employee"


# --- leaderboard -------------------------------------------------------------------------


def _at(kudos_id: int, when: datetime) -> None:
    db.session.get(Kudos, kudos_id).created_at = when
    db.session.commit()


def test_leaderboard_for_community_managers_only(api, values, cm, admin, employee, manager, fred):
    for user in (employee, manager, fred):
        assert_error(api(user).get("/api/v1/kudos/leaderboard"), 403)
    assert api(cm).get("/api/v1/kudos/leaderboard").status_code == 200
    assert api(admin).get("/api/v1/kudos/leaderboard?period=quarter").status_code == 200
    assert_error(api(cm).get("/api/v1/kudos/leaderboard?period=year"), 400)
    assert_error(api(cm).get("/api/v1/kudos/leaderboard?at=yesterday"), 400)


def test_leaderboard_ranks_respects_opt_out_visibility_and_periods(
    api, values, make_group, make_user, cm, employee, manager, fred
):
    ids = []
    for giver, recipients, value in [
        (employee, [manager, fred], "Entraide"),
        (fred, [manager], "Expertise"),
        (manager, [employee], "Entraide"),
        (employee, [manager], "Entraide"),
    ]:
        ids.append(_give(api, giver, recipients, value=value).get_json()["kudos"]["id"])
    # Paris is UTC+1 in winter: 31 Jan 23:30 UTC is already 1 February.
    _at(ids[0], datetime(2026, 1, 15, 12))
    _at(ids[1], datetime(2026, 1, 31, 23, 30))
    _at(ids[2], datetime(2026, 1, 31, 22, 30))
    _at(ids[3], datetime(2026, 3, 3, 9))
    private = make_group("Codir", visibility="private", members=(employee, manager))
    hidden = _give(api, employee, [manager], group=private).get_json()["kudos"]["id"]
    _at(hidden, datetime(2026, 1, 10))

    jan = api(cm).get("/api/v1/kudos/leaderboard?period=month&at=2026-01-20").get_json()
    assert (jan["start"], jan["end"]) == ("2026-01-01", "2026-02-01")
    assert [(r["user"]["id"], r["count"]) for r in jan["top_receivers"]] == [
        (manager.id, 1),
        (employee.id, 1),
        (fred.id, 1),
    ]
    assert [(g["user"]["id"], g["count"]) for g in jan["top_givers"]] == [
        (manager.id, 1),
        (employee.id, 1),
    ]
    feb = api(cm).get("/api/v1/kudos/leaderboard?at=2026-02-01").get_json()
    assert [r["user"]["id"] for r in feb["top_receivers"]] == [manager.id]

    quarter = api(cm).get("/api/v1/kudos/leaderboard?period=quarter&at=2026-02-10").get_json()
    assert (quarter["start"], quarter["end"]) == ("2026-01-01", "2026-04-01")
    top = quarter["top_receivers"][0]
    assert (top["user"]["id"], top["count"]) == (manager.id, 3)  # not the private-group one
    by_value = {v["value"]["name"]: v for v in quarter["by_value"]}
    assert by_value["Entraide"]["count"] == 3 and by_value["Expertise"]["count"] == 1
    assert by_value["Entraide"]["top_receivers"][0]["user"]["id"] == manager.id

    manager.leaderboard_opt_out = True
    db.session.commit()
    quarter = api(cm).get("/api/v1/kudos/leaderboard?period=quarter&at=2026-02-10").get_json()
    everyone = [r["user"]["id"] for r in quarter["top_receivers"] + quarter["top_givers"]]
    assert manager.id not in everyone and fred.id in everyone
    for value in quarter["by_value"]:
        assert manager.id not in [r["user"]["id"] for r in value["top_receivers"]]
