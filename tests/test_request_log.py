"""Every request is logged on one line (``socialnet.request``) under an id that the response
carries in ``X-Request-ID`` and error pages and JSON errors show, so support can find it."""

from __future__ import annotations

import logging
import re

import pytest

from tests.helpers import assert_error
from tests.web import html_of

LOGGER = "socialnet.request"
ID_RE = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_lines(caplog):
    """The request log lines emitted so far (a callable)."""
    caplog.set_level(logging.INFO, logger=LOGGER)

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == LOGGER]

    return lines


def _fields(line: str) -> dict[str, str]:
    return dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', line))


def test_a_request_is_one_line_with_its_id_template_status_duration_and_user(
    api, employee, make_post, request_lines
):
    post = make_post(employee)
    response = api(employee).get(f"/api/v1/posts/{post.id}")
    assert response.status_code == 200
    request_id = response.headers["X-Request-ID"]
    assert ID_RE.fullmatch(request_id)
    [line] = [line for line in request_lines() if request_id in line]
    assert "\n" not in line
    fields = _fields(line)
    assert fields["request_id"] == request_id
    assert fields["method"] == "GET"
    assert fields["path"] == "/api/v1/posts/<id:post_id>"
    assert fields["status"] == "200"
    assert float(fields["duration_ms"]) >= 0
    assert fields["user_id"] == str(employee.id)


def test_an_anonymous_page_is_logged_with_no_user(client, request_lines):
    response = client.get("/sign-in")
    [line] = request_lines()
    fields = _fields(line)
    assert fields["path"] == "/sign-in" and fields["status"] == "200"
    assert fields["user_id"] == "-"
    assert fields["request_id"] == response.headers["X-Request-ID"]


def test_each_request_has_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


def test_an_html_error_page_and_the_log_show_the_same_id(client, request_lines):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert request_id in html_of(response)
    [line] = request_lines()
    assert _fields(line)["request_id"] == request_id
    assert _fields(line)["status"] == "404"


def test_a_json_error_carries_the_same_id_as_the_header_and_the_log(api, request_lines):
    response = api(None).get("/api/v1/me")
    assert_error(response, 401)  # which checks the body's request_id against the header
    assert response.get_json()["request_id"] == response.headers["X-Request-ID"]
    assert _fields(request_lines()[-1])["request_id"] == response.headers["X-Request-ID"]


def test_a_domain_error_carries_the_id(api, employee):
    response = api(employee).get("/api/v1/posts/99999")
    assert_error(response, 404)
    assert ID_RE.fullmatch(response.get_json()["request_id"])
    assert response.get_json()["request_id"] == response.headers["X-Request-ID"]


def test_engineio_requests_are_logged_without_their_query_string(client, request_lines):
    response = client.get("/socket.io/?EIO=4&transport=polling")
    assert response.status_code == 200
    [line] = request_lines()
    fields = _fields(line)
    assert fields["path"] == "/socket.io/" and fields["status"] == "200"
    assert fields["request_id"] == response.headers["X-Request-ID"]
    assert "EIO" not in line and "polling" not in line


@pytest.mark.parametrize(
    "path",
    [
        "/password-reset/confirm?token=SECRET-TOKEN-123",
        "/sign-up/confirm?token=SECRET-TOKEN-123",
        "/api/v1/users?password=SECRET-TOKEN-123&access_token=SECRET-TOKEN-123",
        "/no/such/page?token=SECRET-TOKEN-123",
    ],
)
def test_query_strings_never_reach_the_log(client, request_lines, path):
    client.get(path)
    [line] = request_lines()
    assert "SECRET" not in line and "?" not in line, line


def test_a_hostile_path_stays_on_one_quoted_line(client, request_lines):
    client.get("/no/such\r\nstatus=200 user_id=1")
    [line] = request_lines()
    assert "\n" not in line and "\r" not in line
    fields = _fields(line)
    assert fields["status"] == "404" and fields["user_id"] == "-"


def test_an_incoming_request_id_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/healthz", headers={"X-Request-ID": "from-the-client-1234"})
    assert ID_RE.fullmatch(response.headers["X-Request-ID"])


def test_a_trusted_proxy_s_well_formed_request_id_is_kept(app, client, request_lines):
    app.config["TRUSTED_PROXIES"] = 1
    kept = client.get("/healthz", headers={"X-Request-ID": "0f3c2a9b7e6d4c1a9b8e7d6c5b4a3f2e"})
    assert kept.headers["X-Request-ID"] == "0f3c2a9b7e6d4c1a9b8e7d6c5b4a3f2e"
    assert _fields(request_lines()[-1])["request_id"] == "0f3c2a9b7e6d4c1a9b8e7d6c5b4a3f2e"
    for bad in ("", "x" * 201, "a b", "a\u00e9", 'a"b'):
        replaced = client.get("/healthz", headers={"X-Request-ID": bad})
        assert ID_RE.fullmatch(replaced.headers["X-Request-ID"]), bad
