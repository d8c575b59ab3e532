"""The pain-point register (issue #17): file, vote, triage, merge, lists, totals, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from socialnet.extensions import db
from socialnet.models import Notification, PainPoint, PainPointFollower, PainPointVote, Post
from socialnet.models._time import utcnow
from tests.group_fixtures import notifications_of
from tests.helpers import assert_error, count_rows, table_counts

API = "/api/v1"
TABLES = (Post, PainPoint, PainPointVote, PainPointFollower, Notification)


@pytest.fixture
def file_one(api):
    def file(user, **fields):
        body = {"title": "The badge reader at gate B", "description": "Fails **daily**"}
        body.update(fields)
        answer = api(user).post(f"{API}/pain-points", body)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    return file


def test_filing_returns_the_same_dict_everywhere_and_counts_the_filer(api, employee, file_one):
    item = file_one(employee, hours_per_week=0.5)
    assert item["status"] == "new" and item["votes"] == 1 and item["my_vote"]
    assert item["following"] and item["can_edit"] and not item["can_triage"]
    assert (item["site"], item["department"]) == ("Lyon", "Engineering")  # the filer's
    assert item["hours_per_week"] == 0.5 and item["hours_at_stake"] == 0.5
    assert "<strong>daily</strong>" in item["description_html"]
    me = api(employee)
    assert me.get(f"{API}/pain-points/{item['id']}").get_json() == item
    assert me.get(f"{API}/posts/{item['id']}").get_json()["pain_point"] == item
    assert me.get(f"{API}/feed").get_json()["items"][0]["pain_point"] == item
    assert me.get(f"{API}/pain-points").get_json()["items"] == [item]


def test_one_vote_per_person_and_voting_twice_is_refused(api, employee, fred, file_one):
    item = file_one(employee)
    fred_api = api(fred)
    voted = fred_api.put(f"{API}/pain-points/{item['id']}/vote")
    assert voted.status_code == 200 and voted.get_json()["votes"] == 2
    assert voted.get_json()["my_vote"] and voted.get_json()["following"]
    before = table_counts(*TABLES)
    assert_error(fred_api.put(f"{API}/pain-points/{item['id']}/vote"), 409)
    assert table_counts(*TABLES) == before
    unvoted = fred_api.delete(f"{API}/pain-points/{item['id']}/vote")
    assert unvoted.get_json()["votes"] == 1 and not unvoted.get_json()["following"]
    assert_error(fred_api.delete(f"{API}/pain-points/{item['id']}/vote"), 409)


def test_status_changes_tell_every_voter_and_follower_once(
    api, cm, employee, fred, make_user, file_one, capture_events
):
    item = file_one(employee)
    follower = make_user("Fiona Follower")
    api(fred).put(f"{API}/pain-points/{item['id']}/vote")
    assert api(follower).put(f"{API}/pain-points/{item['id']}/follow").status_code == 200
    moved = api(cm).patch(
        f"{API}/pain-points/{item['id']}", {"status": "acknowledged", "owner_id": cm.id}
    )
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["status"] == "acknowledged"
    assert moved.get_json()["owner"]["id"] == cm.id
    for person in (employee, fred, follower):
        [told] = [n for n in notifications_of(api(person)) if n["type"] == "pain_point_status"]
        assert told["post_id"] == item["id"]
        assert "Acknowledged" in told["summary"]
    assert not [n for n in notifications_of(api(cm)) if n["type"] == "pain_point_status"]
    [event] = capture_events.of_type("pain_point.updated")[-1:]
    assert event.room == "company" and event.payload["data"]["status"] == "acknowledged"
    assert "my_vote" not in event.payload["data"]


def test_closing_needs_a_note_and_solving_gives_time_back(api, cm, employee, fred, file_one):
    item = file_one(employee, hours_per_week=2)
    api(fred).put(f"{API}/pain-points/{item['id']}/vote")
    cm_api = api(cm)
    before = table_counts(*TABLES)
    body = assert_error(cm_api.patch(f"{API}/pain-points/{item['id']}", {"status": "solved"}), 400)
    assert body["fields"] == {"resolution_note": "required"}
    assert table_counts(*TABLES) == before
    solved = cm_api.patch(
        f"{API}/pain-points/{item['id']}",
        {"status": "solved", "resolution_note": "New readers installed."},
    ).get_json()
    assert solved["hours_at_stake"] == 0 and solved["hours_given_back"] == 4
    assert_error(cm_api.patch(f"{API}/pain-points/{item['id']}", {"status": "new"}), 409)
    assert_error(api(fred).put(f"{API}/pain-points/{item['id']}/vote"), 409)  # closed


def test_an_employee_cannot_triage_but_the_owner_moves_the_status(
    api, cm, employee, fred, file_one
):
    item = file_one(employee)
    url = f"{API}/pain-points/{item['id']}"
    for change in ({"status": "acknowledged"}, {"owner_id": employee.id}):
        assert_error(api(employee).patch(url, change), 403)
    assert_error(api(fred).patch(url, {"title": "Mine now"}), 403)
    assert api(cm).patch(url, {"owner_id": fred.id}).status_code == 200
    moved = api(fred).patch(url, {"status": "in_progress"})
    assert moved.status_code == 200 and moved.get_json()["can_triage"]
    assert_error(api(fred).patch(url, {"owner_id": None}), 403)  # the owner does not reassign
    reworded = api(employee).patch(url, {"title": "Badge reader, gate B", "hours_per_week": 1})
    assert reworded.get_json()["title"] == "Badge reader, gate B"


def test_a_manager_by_reports_triages(api, manager, employee, file_one):
    item = file_one(employee)
    assert api(manager).get(f"{API}/pain-points/{item['id']}").get_json()["can_triage"]
    done = api(manager).patch(f"{API}/pain-points/{item['id']}", {"status": "acknowledged"})
    assert done.status_code == 200


def test_merging_unites_votes_and_followers_without_double_counting(
    api, cm, employee, fred, make_user, file_one
):
    zoe = make_user("Zoé Both")
    original = file_one(employee, title="Gate B badge reader", hours_per_week=1)
    duplicate = file_one(fred, title="Badge reader broken again", hours_per_week=1)
    api(zoe).put(f"{API}/pain-points/{original['id']}/vote")
    api(zoe).put(f"{API}/pain-points/{duplicate['id']}/vote")  # counted once after the merge
    merged = api(cm).post(f"{API}/pain-points/{duplicate['id']}/merge", {"into_id": original["id"]})
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["id"] == original["id"]
    assert merged.get_json()["votes"] == 3  # employee, zoe, fred
    assert merged.get_json()["hours_at_stake"] == 3
    assert count_rows(PainPointVote) == 3
    gone = api(fred).get(f"{API}/pain-points/{duplicate['id']}").get_json()
    assert gone["merged_into_id"] == original["id"] and gone["votes"] == 0
    listed = [p["id"] for p in api(fred).get(f"{API}/pain-points").get_json()["items"]]
    assert listed == [original["id"]]
    told = [n for n in notifications_of(api(fred)) if n["type"] == "pain_point_merged"]
    assert [n["post_id"] for n in told] == [original["id"]]
    assert api(fred).get(f"{API}/pain-points/{original['id']}").get_json()["my_vote"]
    body = assert_error(api(fred).put(f"{API}/pain-points/{duplicate['id']}/vote"), 409)
    assert f"#{original['id']}" in body["message"]


def test_merge_refusals_write_nothing(api, cm, employee, fred, make_group, file_one):
    first = file_one(employee)
    second = file_one(employee, title="Another")
    third = file_one(employee, title="A third")
    team = make_group("Team", "private", members=(employee, cm))
    in_group = file_one(employee, title="Team only", group_id=team.id)
    cm_api = api(cm)
    cm_api.post(f"{API}/pain-points/{second['id']}/merge", {"into_id": first["id"]})
    before = table_counts(*TABLES)
    cases = [
        (first["id"], {"into_id": first["id"]}, 400),  # into itself
        (third["id"], {"into_id": second["id"]}, 409),  # into a merged one
        (second["id"], {"into_id": third["id"]}, 409),  # already merged
        (first["id"], {"into_id": in_group["id"]}, 400),  # into a narrower audience
        (first["id"], {"into_id": 999_999}, 400),
        (first["id"], {}, 400),
        (first["id"], {"into_id": "2"}, 400),
    ]
    for source, body, status in cases:
        assert_error(cm_api.post(f"{API}/pain-points/{source}/merge", body), status)
    assert_error(
        api(employee).post(f"{API}/pain-points/{third['id']}/merge", {"into_id": first["id"]}), 403
    )
    assert_error(
        api(fred).post(f"{API}/pain-points/{in_group['id']}/merge", {"into_id": first["id"]}), 404
    )
    assert table_counts(*TABLES) == before


def test_lists_by_votes_growth_site_and_status(api, cm, employee, fred, make_user, file_one):
    old = file_one(employee, title="Old and loud", site="Paris")
    new = file_one(employee, title="New and growing", department="Sales")
    voters = [make_user(f"Voter {n}") for n in range(3)]
    for voter in voters:
        api(voter).put(f"{API}/pain-points/{old['id']}/vote")
    api(voters[0]).put(f"{API}/pain-points/{new['id']}/vote")
    long_ago = utcnow() - timedelta(days=30)
    db.session.execute(
        update(PainPointVote).where(PainPointVote.post_id == old["id"]).values(created_at=long_ago)
    )
    db.session.commit()
    me = api(fred)

    def listed(query: str) -> list[int]:
        answer = me.get(f"{API}/pain-points?{query}")
        assert answer.status_code == 200, answer.get_json()
        return [p["id"] for p in answer.get_json()["items"]]

    assert listed("sort=votes") == [old["id"], new["id"]]
    assert listed("sort=growth") == [new["id"], old["id"]]
    assert listed("sort=recent") == [new["id"], old["id"]]
    assert listed("site=Paris") == [old["id"]]
    assert listed("department=Sales") == [new["id"]]
    api(cm).patch(f"{API}/pain-points/{new['id']}", {"status": "wont_fix", "resolution_note": "No"})
    assert listed("status=open") == [old["id"]]
    assert listed("status=closed") == [new["id"]]
    assert listed("status=wont_fix") == [new["id"]]
    first = me.get(f"{API}/pain-points?limit=1").get_json()
    second = me.get(f"{API}/pain-points?limit=1&cursor={first['next_cursor']}").get_json()
    assert [p["id"] for p in first["items"] + second["items"]] == [old["id"], new["id"]]
    assert second["next_cursor"] is None
    foreign = me.get(f"{API}/pain-points?sort=recent&cursor={first['next_cursor']}")
    assert_error(foreign, 400)


def test_summary_shows_time_at_stake_and_given_back_by_site(api, cm, employee, fred, file_one):
    lyon = file_one(employee, hours_per_week=1.5)
    paris = file_one(fred, hours_per_week=2, site="Paris")
    file_one(fred, site="Paris")  # no estimate: counts for no time
    api(fred).put(f"{API}/pain-points/{lyon['id']}/vote")
    api(cm).patch(
        f"{API}/pain-points/{paris['id']}", {"status": "solved", "resolution_note": "Fixed"}
    )
    summary = api(employee).get(f"{API}/pain-points/summary").get_json()
    assert summary["totals"]["hours_at_stake"] == 3.0
    assert summary["totals"]["hours_given_back"] == 2.0
    assert summary["totals"]["open"] == 2 and summary["totals"]["solved"] == 1
    by_site = {g["key"]: g for g in summary["groups"]}
    assert by_site["Lyon"]["hours_at_stake"] == 3.0
    assert by_site["Paris"]["hours_given_back"] == 2.0 and by_site["Paris"]["count"] == 2
    by_status = api(employee).get(f"{API}/pain-points/summary?group_by=status").get_json()
    assert {g["key"] for g in by_status["groups"]} == {"new", "solved"}


def test_csv_export_is_safe_and_shows_only_what_the_reader_sees(
    api, employee, fred, make_group, file_one
):
    file_one(employee, title="=HYPERLINK(1)", hours_per_week=1)
    team = make_group("Team", "private", members=(employee,))
    file_one(employee, title="Secret team trouble", group_id=team.id)
    answer = api(fred).get(f"{API}/pain-points.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert [r["title"] for r in rows] == ["'=HYPERLINK(1)"]
    assert rows[0]["votes"] == "1" and rows[0]["hours_at_stake"] == "1.0"
    mine = api(employee).get(f"{API}/pain-points.csv").get_data(as_text=True)
    assert "Secret team trouble" in mine


def test_a_private_groups_pain_point_is_invisible_outside(
    api, employee, fred, make_group, file_one
):
    team = make_group("Team", "private", members=(employee,))
    item = file_one(employee, group_id=team.id)
    url = f"{API}/pain-points/{item['id']}"
    outsider = api(fred)
    before = table_counts(*TABLES)
    assert_error(outsider.get(url), 404)
    assert_error(outsider.put(f"{url}/vote"), 404)
    assert_error(outsider.put(f"{url}/follow"), 404)
    assert_error(outsider.patch(url, {"title": "x"}), 404)
    assert outsider.get(f"{API}/pain-points").get_json()["items"] == []
    assert outsider.get(f"{API}/pain-points/summary").get_json()["totals"]["count"] == 0
    assert_error(outsider.get(f"{API}/pain-points?group_id={team.id}"), 404)
    assert table_counts(*TABLES) == before


@pytest.mark.parametrize(
    "body, field",
    [
        ({"title": ""}, "title"),
        ({"title": "ok", "hours_per_week": 41}, "hours_per_week"),
        ({"title": "ok", "hours_per_week": -1}, "hours_per_week"),
        ({"title": "ok", "hours_per_week": True}, "hours_per_week"),
        ({"title": "ok", "hours_per_week": "2"}, "hours_per_week"),
        ({"title": "ok", "status": "solved"}, "status"),
        ({"title": "ok", "group_id": 999_999}, "group_id"),
        ({"title": "ok", "site": 3}, "site"),
    ],
)
def test_filing_refuses_bad_input(api, employee, body, field):
    before = table_counts(*TABLES)
    answer = assert_error(api(employee).post(f"{API}/pain-points", body), 400)
    assert field in answer["fields"]
    assert table_counts(*TABLES) == before


@pytest.mark.parametrize(
    "query", ["sort=loud", "status=maybe", "group_id=abc", "limit=0", "cursor=forged", "site=%01"]
)
def test_list_refuses_bad_filters(api, employee, query):
    assert_error(api(employee).get(f"{API}/pain-points?{query}"), 400)


def test_triage_refuses_bad_values(api, cm, employee, fred, make_group, file_one):
    item = file_one(employee)
    url = f"{API}/pain-points/{item['id']}"
    team = make_group("Team", "private", members=(employee,))
    stranger = file_one(employee, group_id=team.id)
    cm_api = api(cm)
    assert_error(cm_api.patch(url, {"status": "done"}), 400)
    assert_error(cm_api.patch(url, {"owner_id": 999_999}), 400)
    assert_error(cm_api.patch(url, {"resolution_note": "x" * 2001}), 413)
    assert_error(cm_api.patch(url, {"colour": "red"}), 400)
    assert_error(
        api(employee).patch(f"{API}/pain-points/{stranger['id']}", {"owner_id": fred.id}), 403
    )
    assert api(cm).get(url).get_json()["status"] == "new"
