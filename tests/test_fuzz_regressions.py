"""What the Schemathesis run (tests/test_fuzz_api.py) found, pinned as plain tests."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.moderation_fixtures import reported_case


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method != "parameters":
                yield method, path, op


def test_every_operation_with_a_body_documents_413(document, api, employee):
    missing = [(m, p) for m, p, op in _operations(document) if "requestBody" in op]
    missing = [(m, p) for m, p in missing if "413" not in document["paths"][p][m]["responses"]]
    assert missing == []
    answer = api(employee).post("/api/v1/tokens", {"name": "x" * 81, "password": PASSWORD})
    assert answer.status_code == 413  # was undocumented on POST /tokens


def test_optional_query_parameters_allow_an_empty_value(document, api, admin):
    for _m, _p, op in _operations(document):
        for param in op.get("parameters", []):
            if param["in"] == "query" and not param.get("required"):
                assert param.get("allowEmptyValue") is True, (_p, param["name"])
    client = api(admin)
    for url in ("/api/v1/analytics/overview?to=", "/api/v1/users?limit=", "/api/v1/groups?mine="):
        assert client.get(url).status_code == 200, url


def test_groups_mine_rejects_values_other_than_1(api, employee):
    answer = api(employee).get("/api/v1/groups?mine=yes")
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"mine": "invalid"}
    assert api(employee).get("/api/v1/groups?mine=1").status_code == 200


def test_audit_log_rejects_an_unknown_format(api, admin):
    answer = api(admin).get("/api/v1/audit-log?format=-58800")
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"format": "invalid"}
    assert api(admin).get("/api/v1/audit-log?format=csv").status_code == 200


def test_a_case_action_checks_duration_hours_whatever_the_action(
    api, cm, employee, fred, make_post
):
    case_id = reported_case(api(fred), "post", make_post(employee).id)
    answer = api(cm).post(
        f"/api/v1/moderation/cases/{case_id}/actions", {"action": "hide", "duration_hours": 8785}
    )
    assert answer.status_code == 400
    assert "duration_hours" in answer.get_json()["fields"]


def test_nullable_texts_and_optional_assignee_are_documented(document):
    schemas = document["components"]["schemas"]
    assert schemas["ReportCreate"]["properties"]["text"]["nullable"] is True
    assert "required" not in schemas["Assign"]


@pytest.mark.parametrize("role", [{}, []])
def test_a_non_string_role_is_a_400_not_a_500(api, admin, employee, role):
    answer = api(admin).patch(f"/api/v1/users/{employee.id}", {"role": role})
    assert answer.status_code == 400


def test_audit_log_documents_413_for_an_overlong_filter(document, api, admin):
    assert "413" in document["paths"]["/audit-log"]["get"]["responses"]
    assert api(admin).get(f"/api/v1/audit-log?action={'x' * 65}").status_code == 413


def test_audit_log_checks_limit_for_csv_too(api, admin):
    answer = api(admin).get("/api/v1/audit-log?format=csv&limit=false")
    assert answer.status_code == 400


def test_a_repeated_query_parameter_is_a_400(api, admin):
    answer = api(admin).get("/api/v1/users?department=a&department=b")
    assert answer.status_code == 400
    assert answer.get_json()["fields"] == {"department": "repeated"}


@pytest.mark.parametrize("file_id", [-5, 0, 2**31, -(2**90)])
def test_a_file_id_out_of_range_is_a_400_not_a_database_overflow(api, employee, file_id):
    client = api(employee)
    post = client.post("/api/v1/posts", {"body": "hello"}).get_json()
    for url in ("/api/v1/posts", f"/api/v1/posts/{post['id']}/comments"):
        answer = client.post(url, {"body": "with a file", "file_ids": [file_id]})
        assert assert_error(answer, 400)["fields"] == {"file_ids": "invalid"}
    assert client.get(f"/api/v1/posts/{post['id']}").get_json()["comment_count"] == 0


def test_analytics_dates_at_the_edge_of_the_calendar_are_a_400(api, admin):
    for query in ("to=0001-01-01", "from=9999-12-31", "to=0001-01-01&from=0001-01-01"):
        answer = api(admin).get(f"/api/v1/analytics/overview?{query}")
        assert answer.status_code == 400, query


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/kudos/leaderboard?at=9999-12-31", "at"),
        ("/api/v1/kudos/leaderboard?at=0001-01-01&period=quarter", "at"),
        ("/api/v1/kudos/leaderboard?at=0001-01-01", "at"),
        ("/api/v1/audit-log?format=csv&to=9999-12-31", "to"),
        ("/api/v1/audit-log?to=9999-12-31", "to"),
        ("/api/v1/audit-log?from=0001-01-01", "from"),
        ("/api/v1/audit-log?from=\uff12\uff10\uff12\uff16-01-01", "from"),  # fullwidth digits
        ("/kudos/leaderboard?at=9999-12-31", "at"),
        ("/moderation/audit?to=9999-12-31", "to"),
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_a_400_naming_the_parameter(
    api, signed_in, admin, url, name
):
    client = api(admin) if url.startswith("/api/") else signed_in(admin)
    answer = client.get(url)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    if url.startswith("/api/"):
        body = assert_error(answer, 400)
        assert list(body["fields"]) == [name] and f"'{name}'" in body["message"], body
    else:
        assert f"&#39;{name}&#39;" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "9999-12-31T23:00:00"]
)
def test_poll_instants_at_the_edge_of_the_calendar_are_a_400(api, employee, when):
    client = api(employee)
    closing = {"question": "Lunch?", "options": ["a", "b"], "closes_at": when}
    body = assert_error(client.post("/api/v1/polls", closing), 400)
    assert list(body["fields"]) == ["closes_at"], body
    slots = {"question": "When?", "kind": "date", "slots": ["2031-01-01T10:00:00Z", when]}
    body = assert_error(client.post("/api/v1/polls", slots), 400)
    assert list(body["fields"]) == ["slots"], body


def test_include_inactive_is_a_flag(api, admin, make_user):
    gone = make_user("Gone Person", active=False)
    answer = api(admin).get("/api/v1/users?include_inactive=yes")
    assert assert_error(answer, 400)["fields"] == {"include_inactive": "invalid"}
    listed = api(admin).get("/api/v1/users?include_inactive=1").get_json()["items"]
    assert gone.id in [person["id"] for person in listed]
