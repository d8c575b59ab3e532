"""Reports become cases: one case per target, one report per person, only what you can see."""

from __future__ import annotations

from socialnet.extensions import db
from socialnet.models import ModerationCase, Report
from tests.helpers import assert_error, count_rows, table_counts
from tests.moderation_fixtures import report


def test_reports_of_one_post_make_one_case_with_a_count_and_the_worst_severity(
    api, make_user, employee, make_post, cm
):
    post = make_post(employee, "Buy cheap watches")
    reporters = [make_user() for _ in range(3)]
    reasons = ["off_topic", "harassment", "spam"]
    case_ids = set()
    for person, reason in zip(reporters, reasons, strict=True):
        response = report(api(person), "post", post.id, reason)
        assert response.status_code == 201
        body = response.get_json()
        assert body["status"] == "received"
        case_ids.add(body["case_id"])
    assert len(case_ids) == 1
    case = api(cm).get(f"/api/v1/moderation/cases/{case_ids.pop()}").get_json()
    assert case["report_count"] == 3
    assert case["severity"] == 3  # harassment
    assert case["subject"]["id"] == employee.id
    assert sorted(r["reason"] for r in case["reports"]) == sorted(reasons)


def test_reporting_the_same_post_a_hundred_times_counts_once(api, employee, fred, make_post):
    post = make_post(employee)
    client = api(fred)
    assert report(client, "post", post.id).status_code == 201
    for _ in range(99):
        assert_error(report(client, "post", post.id), 409, "conflict")
    assert table_counts(Report, ModerationCase) == {"reports": 1, "moderation_cases": 1}
    db.session.rollback()
    assert db.session.get(ModerationCase, 1).report_count == 1


def test_nobody_reports_what_they_cannot_see(api, employee, fred, make_group, make_post):
    secret = make_group("Board", "secret", members=(employee,))
    private = make_group("HR", "private", members=(employee,))
    for group in (secret, private):
        post = make_post(employee, "confidential", group=group)
        body = assert_error(report(api(fred), "post", post.id), 404, "not_found")
        assert "No such post" in body["message"]
    missing = assert_error(report(api(fred), "post", 999_999), 404)
    assert missing["message"] == body["message"]  # a private post reads exactly like a missing one
    assert count_rows(Report) == 0


def test_a_comment_on_an_unseen_post_cannot_be_reported(api, employee, fred, make_group, make_post):
    team = make_group("Team", "private", members=(employee,))
    post = make_post(employee, "inside", group=team)
    comment = api(employee).post(f"/api/v1/posts/{post.id}/comments", {"body": "me too"})
    assert_error(report(api(fred), "comment", comment.get_json()["id"]), 404)


def test_a_poll_reported_by_its_id_and_by_its_post_meet_in_one_case(api, employee, fred, make_user):
    created = api(employee).post(
        "/api/v1/polls", {"question": "Lunch?", "options": ["Pizza", "Sushi"]}
    )
    poll_post = created.get_json()
    first = report(api(fred), "poll", poll_post["poll"]["id"]).get_json()
    second = report(api(make_user()), "post", poll_post["id"]).get_json()
    assert first["case_id"] == second["case_id"]
    assert_error(report(api(fred), "kudos", poll_post["poll"]["id"]), 404)


def test_people_can_be_reported_but_not_oneself(api, employee, fred, cm):
    response = report(api(fred), "user", employee.id, "harassment")
    assert response.status_code == 201
    case = api(cm).get(f"/api/v1/moderation/cases/{response.get_json()['case_id']}").get_json()
    assert case["target_type"] == "user" and case["subject"]["id"] == employee.id
    assert_error(report(api(fred), "user", fred.id), 400, "invalid")


def test_bad_reports_are_refused_with_a_message_and_write_nothing(api, employee, fred, make_post):
    post = make_post(employee)
    client = api(fred)
    cases = [
        ({"target_type": "planet", "target_id": post.id, "reason": "spam"}, "target_type"),
        ({"target_type": "post", "target_id": "1", "reason": "spam"}, "target_id"),
        ({"target_type": "post", "target_id": True, "reason": "spam"}, "target_id"),
        ({"target_type": "post", "target_id": 2**40, "reason": "spam"}, "target_id"),
        ({"target_type": "post", "target_id": post.id, "reason": "boring"}, "reason"),
        ({"target_type": "post", "target_id": post.id, "reason": "other"}, "text"),
        ({"target_type": "post", "target_id": post.id, "reason": "spam", "x": 1}, "x"),
        ({"target_type": "post", "target_id": post.id, "reason": "spam", "text": "a" * 1001}, None),
    ]
    for body, field in cases:
        response = client.post("/api/v1/reports", body)
        assert response.status_code in (400, 413), (body, response.get_json())
        if field:
            assert field in response.get_json().get("fields", {}), (body, response.get_json())
    assert table_counts(Report, ModerationCase) == {"reports": 0, "moderation_cases": 0}


def test_a_report_tells_moderators_live_and_nobody_else(
    api, employee, fred, cm, admin, make_post, capture_events
):
    post = make_post(employee)
    report(api(fred), "post", post.id, "harassment")
    rooms = capture_events.rooms("case.updated")
    assert rooms == {f"user:{cm.id}", f"user:{admin.id}"}
    payload = capture_events.of_type("case.updated")[0].payload
    assert payload["data"]["report_count"] == 1 and payload["data"]["severity"] == 3


def test_a_case_summary_lists_every_reason_reported(api, make_user, employee, cm, make_post):
    post = make_post(employee)
    for reason in ("spam", "harassment", "spam"):
        case_id = report(api(make_user()), "post", post.id, reason).get_json()["case_id"]
    summary = api(cm).get(f"/api/v1/moderation/cases/{case_id}").get_json()["summary"]
    assert summary == "Reported: spam, harassment"


def test_many_cases_in_a_row_keep_working_once_the_statement_is_prepared(
    api, make_user, employee, make_post
):
    """psycopg prepares a statement after five runs; a partial-index ON CONFLICT with bound
    parameters then fails on PostgreSQL ("no unique constraint matching")."""
    client = api(make_user())
    for i in range(14):  # prepared after 5 runs, then 5 custom plans, then the generic one
        assert report(client, "post", make_post(employee, f"post {i}").id).status_code == 201
