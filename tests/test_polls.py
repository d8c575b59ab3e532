"""Polls and date polls: creation, votes, results rules, anonymity, export, realtime, load."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from socialnet.extensions import db
from socialnet.models import Ballot, BallotChoice, Notification, Poll, PollOption, Post
from socialnet.models._time import utcnow
from tests.helpers import assert_error, table_counts
from tests.test_feed import count_statements
from tests.test_openapi import Checker

POLLS = "/api/v1/polls"


def _future(days: float = 3, hours: int = 0) -> str:
    return (utcnow() + timedelta(days=days, hours=hours)).replace(microsecond=0).isoformat() + "Z"


def _past(days: float = 1) -> str:
    return (utcnow() - timedelta(days=days)).isoformat() + "Z"


def make_poll(client, **fields) -> dict:
    """Create a poll through the API; returns its ``poll`` object."""
    body = {"question": "Lunch?", "options": ["Pizza", "Sushi", "Salad"], **fields}
    response = client.post(POLLS, body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["poll"]


def make_date_poll(client, **fields) -> dict:
    body = {
        "question": "Team offsite",
        "kind": "date",
        "slots": [_future(3), _future(4), _future(5)],
        **fields,
    }
    response = client.post(POLLS, body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["poll"]


def vote(client, poll: dict, *indexes: int):
    ids = [poll["options"][i]["id"] for i in indexes]
    return client.put(f"{POLLS}/{poll['id']}/vote", {"option_ids": ids})


def counts(body: dict) -> list[int]:
    return [o["votes"] for o in body["options"]]


def _nothing_written() -> dict[str, int]:
    return table_counts(Post, Poll, PollOption)


# --- creation --------------------------------------------------------------------------


def test_create_poll_answers_the_post_with_its_poll(api, employee):
    me = api(employee)
    response = me.post(
        POLLS,
        {
            "question": " Where shall we eat? ",
            "options": [" Pizza ", "Sushi"],
            "multiple": True,
            "max_choices": 2,
            "closes_at": _future(2),
            "results": "after_vote",
        },
    )
    assert response.status_code == 201, response.get_json()
    post = response.get_json()
    assert post["kind"] == "poll"
    assert post["body"] == "Where shall we eat?"
    poll = post["poll"]
    assert [o["text"] for o in poll["options"]] == ["Pizza", "Sushi"]
    assert poll["multiple"] is True and poll["max_choices"] == 2
    assert poll["results"] == "after_vote" and poll["closed"] is False
    assert poll["voters"] == 0 and poll["my_choices"] == []
    assert poll["can_manage"] is True
    # The feed, the permalink and the profile carry the poll too.
    feed_item = me.get("/api/v1/feed").get_json()["items"][0]
    assert feed_item["poll"]["id"] == poll["id"]
    assert me.get(f"/api/v1/posts/{post['id']}").get_json()["poll"]["id"] == poll["id"]
    profile = me.get(f"/api/v1/users/{employee.id}/posts").get_json()["items"]
    assert profile[0]["poll"]["id"] == poll["id"]


BAD_POLLS = [
    ({"options": []}, 400, "options"),
    ({"options": ["Only one"]}, 400, "options"),
    ({"options": [f"o{i}" for i in range(21)]}, 400, "options"),
    ({"options": [f"o{i}" for i in range(1000)]}, 400, "options"),
    ({"options": ["Pizza", " pizza "]}, 400, "options"),
    ({"options": ["Pizza", ""]}, 400, "options"),
    ({"options": ["Pizza", 3]}, 400, "options"),
    ({"options": "Pizza, Sushi"}, 400, "options"),
    ({"options": ["Pizza", "x" * 201]}, 413, "options"),
    ({"question": ""}, 400, "question"),
    ({"question": "q" * 301}, 413, "question"),
    ({"closes_at": _past()}, 400, "closes_at"),
    ({"closes_at": "tomorrow"}, 400, "closes_at"),
    ({"max_choices": 2}, 400, "max_choices"),
    ({"multiple": True, "max_choices": 0}, 400, "max_choices"),
    ({"multiple": True, "max_choices": 4}, 400, "max_choices"),
    ({"multiple": True, "max_choices": True}, 400, "max_choices"),
    ({"multiple": "yes"}, 400, "multiple"),
    ({"anonymous": 1}, 400, "anonymous"),
    ({"results": "never"}, 400, "results"),
    ({"kind": "ranked"}, 400, "kind"),
    ({"slots": [_future(1), _future(2)]}, 400, "slots"),
    ({"voters": [1]}, 400, "voters"),
    ({"id": 5}, 400, "id"),
    ({"group_id": 999}, 400, "group_id"),
]


@pytest.mark.parametrize(("change", "status", "field"), BAD_POLLS)
def test_bad_polls_are_refused_and_nothing_is_written(api, employee, change, status, field):
    before = _nothing_written()
    body = {"question": "Lunch?", "options": ["Pizza", "Sushi", "Salad"], **change}
    error = assert_error(api(employee).post(POLLS, body), status)
    assert field in error.get("fields", {}), error
    assert _nothing_written() == before


BAD_DATE_POLLS = [
    ({"slots": [_past(), _future(2)]}, "slots"),
    ({"slots": [_future(2), _future(2)]}, "slots"),
    ({"slots": [_future(1)]}, "slots"),
    ({"slots": ["not a date", _future(2)]}, "slots"),
    ({"slots": [_future(1, h) for h in range(21)]}, "slots"),
    ({"options": ["a", "b"]}, "options"),
    ({"multiple": True}, "multiple"),
]


@pytest.mark.parametrize(("change", "field"), BAD_DATE_POLLS)
def test_bad_date_polls_are_refused(api, employee, change, field):
    body = {"question": "When?", "kind": "date", "slots": [_future(1), _future(2)], **change}
    error = assert_error(api(employee).post(POLLS, body), 400)
    assert field in error["fields"], error
    assert _nothing_written() == {"posts": 0, "polls": 0, "poll_options": 0}


def test_posting_rules_of_groups_apply(api, employee, fred, make_group):
    secret = make_group("Board", "secret", members=(employee,))
    private = make_group("Club", "private", members=(employee,))
    public = make_group("Open", "public", members=(employee,))
    body = {"question": "?", "options": ["a", "b"]}
    assert_error(api(fred).post(POLLS, {**body, "group_id": secret.id}), 400)
    assert_error(api(fred).post(POLLS, {**body, "group_id": private.id}), 403)
    assert_error(api(fred).post(POLLS, {**body, "group_id": public.id}), 403)
    db.session.get(type(public), public.id).archived_at = utcnow()
    db.session.commit()
    assert_error(api(employee).post(POLLS, {**body, "group_id": public.id}), 403)
    assert _nothing_written() == {"posts": 0, "polls": 0, "poll_options": 0}
    poll = make_poll(api(employee), group_id=secret.id)
    assert poll["post_id"]


# --- voting ----------------------------------------------------------------------------


def test_single_choice_vote_change_and_retract(api, employee, manager):
    poll = make_poll(api(employee))
    me = api(manager)
    body = vote(me, poll, 0).get_json()
    assert counts(body) == [1, 0, 0] and body["my_choices"] == [poll["options"][0]["id"]]
    body = vote(me, poll, 2).get_json()
    assert counts(body) == [0, 0, 1] and body["voters"] == 1
    assert table_counts(Ballot, BallotChoice) == {"ballots": 1, "ballot_choices": 1}
    assert_error(vote(me, poll, 0, 1), 400)  # single choice: exactly one
    body = me.delete(f"{POLLS}/{poll['id']}/vote").get_json()
    assert counts(body) == [0, 0, 0] and body["voters"] == 0 and body["my_choices"] == []
    assert me.delete(f"{POLLS}/{poll['id']}/vote").status_code == 200  # idempotent
    assert table_counts(Ballot, BallotChoice) == {"ballots": 0, "ballot_choices": 0}


def test_multiple_choice_respects_max_choices(api, employee, manager):
    poll = make_poll(api(employee), options=["a", "b", "c", "d"], multiple=True, max_choices=2)
    me = api(manager)
    assert counts(vote(me, poll, 0, 3).get_json()) == [1, 0, 0, 1]
    error = assert_error(vote(me, poll, 0, 1, 2), 400)
    assert error["fields"] == {"option_ids": "too_many"}
    assert counts(api(employee).get(f"{POLLS}/{poll['id']}").get_json()) == [1, 0, 0, 1]
    unlimited = make_poll(api(employee), options=["a", "b", "c"], multiple=True)
    assert counts(vote(me, unlimited, 0, 1, 2).get_json()) == [1, 1, 1]


@pytest.mark.parametrize(
    "body",
    [
        {"option_ids": []},
        {"option_ids": "1"},
        {"option_ids": [True]},
        {"answers": {"1": "yes"}},
        {},
        [],
        {"option_ids": [1], "user_id": 1},
    ],
)
def test_bad_votes_are_refused(api, employee, manager, body):
    poll = make_poll(api(employee))
    assert_error(api(manager).put(f"{POLLS}/{poll['id']}/vote", body), 400)
    assert table_counts(Ballot, BallotChoice) == {"ballots": 0, "ballot_choices": 0}


def test_duplicate_and_foreign_option_ids_are_refused(api, employee, manager):
    poll = make_poll(api(employee), multiple=True)
    other = make_poll(api(employee))
    me = api(manager)
    first = poll["options"][0]["id"]
    dup = me.put(f"{POLLS}/{poll['id']}/vote", {"option_ids": [first, first]})
    assert assert_error(dup, 400)["fields"] == {"option_ids": "duplicate"}
    foreign = me.put(f"{POLLS}/{poll['id']}/vote", {"option_ids": [other["options"][0]["id"]]})
    assert assert_error(foreign, 400)["fields"] == {"option_ids": "unknown_option"}
    huge = me.put(f"{POLLS}/{poll['id']}/vote", {"option_ids": [2**80]})
    assert_error(huge, 400)
    assert table_counts(Ballot, BallotChoice) == {"ballots": 0, "ballot_choices": 0}


def test_closed_polls_refuse_votes(api, employee, manager, cm, fred):
    poll = make_poll(api(employee))
    vote(api(manager), poll, 0)
    assert_error(api(fred).post(f"{POLLS}/{poll['id']}/close"), 403)
    assert_error(api(manager).post(f"{POLLS}/{poll['id']}/close"), 403)
    closed = api(cm).post(f"{POLLS}/{poll['id']}/close").get_json()
    assert closed["closed"] is True and closed["can_vote"] is False
    assert api(employee).post(f"{POLLS}/{poll['id']}/close").status_code == 200  # idempotent
    assert_error(vote(api(manager), poll, 1), 409)
    assert_error(api(manager).delete(f"{POLLS}/{poll['id']}/vote"), 409)
    assert counts(api(manager).get(f"{POLLS}/{poll['id']}").get_json()) == [1, 0, 0]


def test_votes_after_closes_at_are_refused(api, employee, manager):
    poll = make_poll(api(employee), closes_at=_future(1))
    db.session.get(Poll, poll["id"]).closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_error(vote(api(manager), poll, 0), 409)
    assert api(manager).get(f"{POLLS}/{poll['id']}").get_json()["closed"] is True
    assert table_counts(Ballot) == {"ballots": 0}


def test_a_poll_you_cannot_see_is_a_404(api, employee, fred, make_group):
    secret = make_group("Board", "private", members=(employee,))
    poll = make_poll(api(employee), group_id=secret.id)
    outsider = api(fred)
    for response in (
        outsider.get(f"{POLLS}/{poll['id']}"),
        vote(outsider, poll, 0),
        outsider.delete(f"{POLLS}/{poll['id']}/vote"),
        outsider.post(f"{POLLS}/{poll['id']}/close"),
        outsider.post(f"{POLLS}/{poll['id']}/final", {"option_id": poll["options"][0]["id"]}),
        outsider.get(f"{POLLS}/{poll['id']}/results.csv"),
        outsider.get(f"{POLLS}/99999"),
    ):
        assert_error(response, 404)
    assert table_counts(Ballot) == {"ballots": 0}


def test_deleted_poll_post_takes_the_poll_with_it(api, employee, manager):
    poll = make_poll(api(employee))
    assert api(employee).delete(f"/api/v1/posts/{poll['post_id']}").status_code == 204
    assert_error(vote(api(manager), poll, 0), 404)
    assert_error(api(employee).get(f"{POLLS}/{poll['id']}"), 404)


def test_archived_group_polls_are_read_only(api, employee, make_group):
    team = make_group("Team", "public", members=(employee,))
    poll = make_poll(api(employee), group_id=team.id)
    db.session.get(type(team), team.id).archived_at = utcnow()
    db.session.commit()
    assert_error(vote(api(employee), poll, 0), 403)
    assert api(employee).get(f"{POLLS}/{poll['id']}").status_code == 200


# --- results visibility ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # viewer → sees counts? (before close)
        ("always", {"author": True, "cm": True, "voter": True, "other": True}),
        ("after_vote", {"author": True, "cm": True, "voter": True, "other": False}),
        ("after_close", {"author": False, "cm": False, "voter": False, "other": False}),
    ],
)
def test_results_rules(api, employee, cm, manager, make_user, rule, expected):
    poll = make_poll(api(employee), results=rule, anonymous=False)
    vote(api(manager), poll, 1)
    viewers = {"author": employee, "cm": cm, "voter": manager, "other": make_user("Olga Other")}
    for name, user in viewers.items():
        body = api(user).get(f"{POLLS}/{poll['id']}").get_json()
        assert body["results_visible"] is expected[name], (name, body)
        assert ("votes" in body["options"][0]) is expected[name], name
        assert ("voters" in body["options"][1]) is expected[name], name
        assert body["voters"] == 1  # how many, never who
    # The voter's answer to PUT is their own view as well.
    answer = vote(api(manager), poll, 2).get_json()
    assert answer["results_visible"] is expected["voter"]
    # Once closed, everybody sees the results.
    api(employee).post(f"{POLLS}/{poll['id']}/close")
    for user in viewers.values():
        body = api(user).get(f"{POLLS}/{poll['id']}").get_json()
        assert body["results_visible"] is True and counts(body) == [0, 0, 1]


def test_feed_honours_the_results_rule(api, employee, manager):
    poll = make_poll(api(employee), results="after_vote")
    vote(api(employee), poll, 0)
    item = api(manager).get("/api/v1/feed").get_json()["items"][0]["poll"]
    assert item["results_visible"] is False and "votes" not in item["options"][0]
    vote(api(manager), poll, 1)
    item = api(manager).get("/api/v1/feed").get_json()["items"][0]["poll"]
    assert counts(item) == [1, 1, 0] and item["my_choices"] == [poll["options"][1]["id"]]


def test_named_polls_list_voters_to_those_who_see_results(api, employee, manager):
    poll = make_poll(api(employee))
    vote(api(manager), poll, 0)
    options = api(employee).get(f"{POLLS}/{poll['id']}").get_json()["options"]
    assert [v["id"] for v in options[0]["voters"]] == [manager.id]
    assert options[1]["voters"] == []


# --- anonymity -------------------------------------------------------------------------


def test_anonymous_polls_never_expose_voters(
    api, employee, manager, admin, cm, make_user, capture_events
):
    voter = make_user("Vera Secretvoter")
    poll = make_date_poll(api(employee), anonymous=True)
    slot = poll["options"][0]["id"]
    api(voter).put(f"{POLLS}/{poll['id']}/vote", {"answers": {str(slot): "yes"}})
    vote_of_manager = {"answers": {str(slot): "maybe"}}
    api(manager).put(f"{POLLS}/{poll['id']}/vote", vote_of_manager)
    api(employee).post(f"{POLLS}/{poll['id']}/final", {"option_id": slot})

    secrets = ("Secretvoter", f'"id": {voter.id}', f'"id":{voter.id}', "user_id")
    for viewer in (employee, admin, cm, manager):
        text = json.dumps(api(viewer).get(f"{POLLS}/{poll['id']}").get_json())
        assert not any(s in text for s in secrets), text
        assert "voters" not in text.replace('"voters": 2', "")
        feed = json.dumps(api(viewer).get("/api/v1/feed").get_json())
        assert "Secretvoter" not in feed
    csv_text = api(admin).get(f"{POLLS}/{poll['id']}/results.csv").get_data(as_text=True)
    assert "Secretvoter" not in csv_text and "voters" not in csv_text.splitlines()[0]
    for event in capture_events.events:
        if event.room in (f"user:{voter.id}",):
            continue  # the voter's own notification of the decision
        text = json.dumps(event.payload)
        assert "Secretvoter" not in text and f'"user_id": {voter.id}' not in text, event
    assert {e.room for e in capture_events.of_type("poll.updated")} == {"company"}
    # The author's notifications say nothing of who voted.
    author_rows = db.session.scalars(
        select(Notification).where(Notification.user_id == employee.id)
    ).all()
    assert author_rows == []


def test_anonymous_polls_cannot_be_made_named(api, employee, manager):
    poll = make_poll(api(employee), anonymous=True)
    vote(api(manager), poll, 0)
    me = api(employee)
    for response in (
        me.patch(f"{POLLS}/{poll['id']}", {"anonymous": False}),
        me.put(f"{POLLS}/{poll['id']}", {"anonymous": False}),
        me.post(f"{POLLS}/{poll['id']}", {"anonymous": False}),
    ):
        assert response.status_code == 405, response.status_code
    assert_error(me.patch(f"/api/v1/posts/{poll['post_id']}", {"anonymous": False}), 400)
    assert_error(me.post(f"{POLLS}/{poll['id']}/final", {"anonymous": False}), 400)
    assert_error(me.put(f"{POLLS}/{poll['id']}/vote", {"anonymous": False}), 400)
    db.session.expire_all()
    assert db.session.get(Poll, poll["id"]).anonymous is True
    options = me.get(f"{POLLS}/{poll['id']}").get_json()["options"]
    assert all("voters" not in o for o in options)


# --- date polls ------------------------------------------------------------------------


def test_date_poll_grid_best_slot_and_final_notifies_participants(
    api, employee, manager, cm, make_user, capture_events
):
    poll = make_date_poll(api(employee))
    assert [o["starts_at"] for o in poll["options"]] == sorted(
        o["starts_at"] for o in poll["options"]
    )
    a, b, c = (o["id"] for o in poll["options"])
    bystander = make_user("Bea Bystander")
    api(manager).put(f"{POLLS}/{poll['id']}/vote", {"answers": {str(a): "yes", str(b): "yes"}})
    api(cm).put(f"{POLLS}/{poll['id']}/vote", {"answers": {str(a): "no", str(b): "maybe"}})
    body = api(bystander).get(f"{POLLS}/{poll['id']}").get_json()
    grid = {o["id"]: (o["yes"], o["maybe"], o["no"]) for o in body["options"]}
    assert grid == {a: (1, 0, 1), b: (1, 1, 0), c: (0, 0, 0)}
    assert body["best_option_id"] == b
    mine = api(cm).get(f"{POLLS}/{poll['id']}").get_json()["my_answers"]
    assert mine == {str(a): "no", str(b): "maybe"}

    bad = api(manager).put(f"{POLLS}/{poll['id']}/vote", {"answers": {str(a): "perhaps"}})
    assert_error(bad, 400)
    assert_error(api(manager).put(f"{POLLS}/{poll['id']}/vote", {"answers": {"x": "yes"}}), 400)
    assert_error(api(manager).put(f"{POLLS}/{poll['id']}/vote", {"option_ids": [a]}), 400)

    final = f"{POLLS}/{poll['id']}/final"
    assert_error(api(cm).post(final, {"option_id": b}), 403)
    assert_error(api(employee).post(final, {"option_id": 10**9}), 400)
    assert_error(api(employee).post(final, {"option_id": "b"}), 400)
    body = api(employee).post(final, {"option_id": b}).get_json()
    assert body["final_option_id"] == b and body["closed"] is True
    rows = db.session.scalars(select(Notification).where(Notification.type == "poll_decided"))
    assert sorted(n.user_id for n in rows) == sorted([manager.id, cm.id])
    listed = api(manager).get("/api/v1/notifications").get_json()["items"][0]
    assert listed["type"] == "poll_decided" and "Team offsite" in listed["summary"]
    assert api(employee).post(final, {"option_id": b}).status_code == 200  # same: no re-notify
    assert db.session.query(Notification).count() == 2
    choice = make_poll(api(employee))
    choice_final = api(employee).post(
        f"{POLLS}/{choice['id']}/final", {"option_id": choice["options"][0]["id"]}
    )
    assert_error(choice_final, 400)


# --- CSV export ------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_permissions_and_content(api, employee, manager, cm, admin, fred):
    poll = make_poll(api(employee), options=["=SUM(A1)", "+33 6", "-1", "@cmd", "Plain"])
    vote(api(manager), poll, 0)
    vote(api(fred), poll, 4)
    url = f"{POLLS}/{poll['id']}/results.csv"
    rows = _csv(api(employee).get(url))
    assert rows[0] == ["option", "votes", "voters"]
    assert [r[0] for r in rows[1:]] == ["'=SUM(A1)", "'+33 6", "'-1", "'@cmd", "Plain"]
    assert rows[1][1:] == ["1", manager.display_name]
    assert rows[5][1:] == ["1", fred.display_name]
    assert _csv(api(cm).get(url)) == rows
    assert _csv(api(admin).get(url)) == rows
    assert_error(api(manager).get(url), 403)
    assert_error(api(fred).get(url), 403)

    hidden = make_poll(api(employee), results="after_close")
    assert_error(api(employee).get(f"{POLLS}/{hidden['id']}/results.csv"), 409)
    api(employee).post(f"{POLLS}/{hidden['id']}/close")
    assert _csv(api(employee).get(f"{POLLS}/{hidden['id']}/results.csv"))[1] == ["Pizza", "0", ""]


def test_csv_of_a_date_poll(api, employee, manager):
    poll = make_date_poll(api(employee))
    a = poll["options"][0]["id"]
    api(manager).put(f"{POLLS}/{poll['id']}/vote", {"answers": {str(a): "maybe"}})
    rows = _csv(api(employee).get(f"{POLLS}/{poll['id']}/results.csv"))
    assert rows[0] == ["option", "starts_at", "yes", "maybe", "no", "voters"]
    assert rows[1][2:] == ["0", "1", "0", f"{manager.display_name} (maybe)"]
    assert len(rows) == 4


def test_cell_sanitizer():
    from socialnet.services.csv_export import safe_cell

    assert [safe_cell(v) for v in ("=1", "+1", "-1", "@1", "\t=1", "ok", None, 3)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t=1",
        "ok",
        "",
        "3",
    ]


# --- realtime --------------------------------------------------------------------------


def test_poll_updated_goes_to_members_of_a_private_group_only(
    api, employee, manager, fred, make_group, socket_for, capture_events
):
    from tests.conftest import received_events

    team = make_group("Team", "private", members=(employee, manager))
    poll = make_poll(api(employee), group_id=team.id)
    member, outsider = socket_for(manager), socket_for(fred)
    member.get_received(), outsider.get_received()
    vote(api(employee), poll, 1)
    assert capture_events.rooms("poll.updated") == {f"group:{team.id}"}
    [event] = received_events(member, "poll.updated")
    assert received_events(outsider) == []
    data = event["data"]
    assert data["poll_id"] == poll["id"] and data["voters"] == 1
    assert counts(data["poll"]) == [0, 1, 0]  # results "always": counts for all
    assert "my_choices" not in data["poll"] and "voters" not in data["poll"]["options"][1]


@pytest.mark.parametrize("rule", ["after_vote", "after_close"])
def test_poll_updated_hides_counts_unless_public(api, employee, manager, capture_events, rule):
    poll = make_poll(api(employee), results=rule)
    vote(api(manager), poll, 0)
    api(manager).delete(f"{POLLS}/{poll['id']}/vote")
    vote(api(manager), poll, 2)
    events = [e.payload["data"] for e in capture_events.of_type("poll.updated")]
    assert [e["voters"] for e in events] == [1, 0, 1]
    assert all("poll" not in e and "options" not in e for e in events), events
    api(employee).post(f"{POLLS}/{poll['id']}/close")
    last = capture_events.of_type("poll.updated")[-1].payload["data"]
    assert last["closed"] is True and counts(last["poll"]) == [0, 0, 1]


def test_no_event_when_nothing_changed(api, employee, manager, capture_events):
    poll = make_poll(api(employee))
    api(manager).delete(f"{POLLS}/{poll['id']}/vote")
    assert_error(vote(api(manager), poll, 0, 1), 400)
    assert capture_events.of_type("poll.updated") == []


# --- concurrency -----------------------------------------------------------------------


def test_simultaneous_voters_end_with_exact_counts(api, make_user, employee, capture_events):
    poll = make_poll(api(employee), options=["a", "b", "c", "d"], multiple=True)
    option_ids = [o["id"] for o in poll["options"]]
    poll_id = poll["id"]
    voters = [make_user(f"Voter {i:02d}") for i in range(16)]
    clients = [api(v) for v in voters]
    barrier = threading.Barrier(16)
    statuses: list[int] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        client = clients[i]
        barrier.wait()
        first = client.put(f"{POLLS}/{poll_id}/vote", {"option_ids": [option_ids[i % 4]]})
        codes = [first.status_code]
        if i % 2:  # half of them change their mind: on top of the first ballot
            second = client.put(
                f"{POLLS}/{poll_id}/vote", {"option_ids": [option_ids[0], option_ids[3]]}
            )
            codes.append(second.status_code)
        with lock:
            statuses.extend(codes)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * 24, statuses

    db.session.rollback()
    assert table_counts(Ballot) == {"ballots": 16}
    per_user = db.session.execute(
        select(Ballot.user_id).where(Ballot.poll_id == poll_id).group_by(Ballot.user_id)
    ).all()
    assert len(per_user) == 16
    body = api(employee).get(f"{POLLS}/{poll_id}").get_json()
    # Even voters keep option i % 4 (i = 0, 2, …, 14 → a, c, a, c, …): 4 on a, 4 on c.
    # Odd voters end on a + d: 8 more on a, 8 on d.
    assert counts(body) == [12, 0, 4, 8] and body["voters"] == 16
    events = sorted(
        (e.payload for e in capture_events.of_type("poll.updated")), key=lambda p: p["id"]
    )
    assert len(events) == 24
    assert events[-1]["data"]["voters"] == 16
    assert counts(events[-1]["data"]["poll"]) == [12, 0, 4, 8]


# --- load ------------------------------------------------------------------------------


def _feed_statements(client) -> list[str]:
    db.session.rollback()
    with count_statements() as statements:
        response = client.get("/api/v1/feed?limit=50")
    assert response.status_code == 200
    return statements


def test_feed_costs_the_same_queries_for_1_and_10_polls(api, employee, manager, cm):
    me = api(employee)
    assert me.get("/api/v1/me").status_code == 200  # the token's last-use write, done

    def add_polls(n: int) -> None:
        for i in range(n):
            poll = make_poll(
                api(manager), question=f"Q{i}", results=("always", "after_vote")[i % 2]
            )
            vote(api(cm), poll, i % 3)

    add_polls(1)
    one = _feed_statements(me)
    add_polls(9)
    ten = _feed_statements(me)
    items = me.get("/api/v1/feed?limit=50").get_json()["items"]
    assert len(items) == 10 and all(item["poll"]["voters"] == 1 for item in items)
    assert len(ten) == len(one), "\n\n".join(ten)


# --- API document ----------------------------------------------------------------------


def test_poll_answers_match_the_openapi_document(api, client, employee, manager, fred):
    document = client.get("/api/v1/openapi.json").get_json()
    check = Checker(document)
    me, other = api(employee), api(manager)
    created = check(me.post(POLLS, {"question": "?", "options": ["a", "b"]}), "post", "/polls")
    check(me.post(POLLS, {"question": "?", "options": ["a"]}), "post", "/polls")
    poll = created.get_json()["poll"]
    pid, a = poll["id"], poll["options"][0]["id"]
    date = make_date_poll(me)
    check(other.get(f"{POLLS}/{pid}"), "get", "/polls/{poll_id}")
    check(other.get(f"{POLLS}/999"), "get", "/polls/{poll_id}")
    check(other.put(f"{POLLS}/{pid}/vote", {"option_ids": [a]}), "put", "/polls/{poll_id}/vote")
    check(other.put(f"{POLLS}/{pid}/vote", {"option_ids": []}), "put", "/polls/{poll_id}/vote")
    date_vote = {"answers": {str(date["options"][0]["id"]): "yes"}}
    check(other.put(f"{POLLS}/{date['id']}/vote", date_vote), "put", "/polls/{poll_id}/vote")
    check(other.get(f"{POLLS}/{date['id']}"), "get", "/polls/{poll_id}")
    check(other.delete(f"{POLLS}/{pid}/vote"), "delete", "/polls/{poll_id}/vote")
    check(other.post(f"{POLLS}/{pid}/close"), "post", "/polls/{poll_id}/close")
    check(api(fred).get(f"{POLLS}/{pid}/results.csv"), "get", "/polls/{poll_id}/results.csv")
    check(me.post(f"{POLLS}/{pid}/close"), "post", "/polls/{poll_id}/close")
    check(other.put(f"{POLLS}/{pid}/vote", {"option_ids": [a]}), "put", "/polls/{poll_id}/vote")
    final = {"option_id": date["options"][1]["id"]}
    check(other.post(f"{POLLS}/{date['id']}/final", final), "post", "/polls/{poll_id}/final")
    check(me.post(f"{POLLS}/{date['id']}/final", final), "post", "/polls/{poll_id}/final")
    check(me.post(f"{POLLS}/{date['id']}/final", {}), "post", "/polls/{poll_id}/final")
    statuses = {status for _m, _p, status in check.checked}
    assert {"200", "201", "400", "403", "404", "409"} <= statuses


def test_a_polls_question_cannot_be_rewritten_after_people_answered(api, employee):
    created = api(employee).post(
        "/api/v1/polls", {"question": "Pizza or sushi?", "options": ["Pizza", "Sushi"]}
    )
    assert created.status_code == 201, created.get_json()
    post_id = created.get_json()["id"]
    response = api(employee).patch(f"/api/v1/posts/{post_id}", {"body": "Sushi or nothing?"})
    assert response.status_code == 403
    assert "cannot be edited" in response.get_json()["message"]
