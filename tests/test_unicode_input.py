"""Lone UTF-16 surrogates ("\\ud800") decode from JSON into text that cannot be stored,
rendered or hashed: they are refused at the edge with a 400, never a 500."""

from __future__ import annotations

import pytest

from socialnet.errors import ValidationFailed
from socialnet.models import Comment, Group, Post, User
from socialnet.services.tokens import live_token, user_for_token
from socialnet.services.validation import check_filter_text, check_text
from tests.conftest import PASSWORD
from tests.helpers import assert_error, count_rows

API = "/api/v1"
BAD = "a\ud800b"
INVALID_UNICODE = "The request contains invalid Unicode text."


def _refused(response) -> None:
    body = assert_error(response, 400, "invalid")
    assert body["message"] == INVALID_UNICODE, body


def test_lone_surrogates_are_refused_everywhere(api, admin, employee, make_post, make_group):
    post = make_post(employee)
    group = make_group("Formation", members=(employee,))
    as_admin = api(admin)
    calls = [
        ("post", "/posts", {"body": BAD}),
        ("post", f"/posts/{post.id}/comments", {"body": BAD}),
        ("patch", f"/posts/{post.id}", {"body": BAD}),
        ("post", "/groups", {"name": BAD, "type": "public"}),
        ("patch", f"/groups/{group.id}", {"description": BAD}),
        ("post", "/tokens", {"name": BAD}),
        ("post", "/announcements", {"title": BAD, "body": "b", "audience": {"kind": "company"}}),
        ("post", "/users", {"email": "x@lumen.example", "display_name": BAD, "password": BAD}),
        ("patch", f"/users/{admin.id}", {"display_name": BAD}),
        # keys, and strings nested in lists and objects, are checked too
        ("post", "/posts", {"body": "fine", BAD: 1}),
        ("post", "/announcements", {"audience": {"kind": "site", "value": [[BAD]]}}),
    ]
    for method, path, body in calls:
        client = api(employee) if path.startswith(f"/posts/{post.id}") else as_admin
        _refused(getattr(client, method)(API + path, body))
    assert count_rows(Post) == 1
    assert count_rows(Comment) == 0
    assert count_rows(Group) == 1


def test_sign_in_and_sign_up_refuse_lone_surrogates(app, api, employee):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    anonymous = api(None)
    for body in (
        {"email": employee.email, "password": "pass\ud800word"},
        {"email": "emma\udfff@lumen.example", "password": PASSWORD},
    ):
        _refused(anonymous.post(f"{API}/auth/login", body))
    signup = {"email": "sam@lumen.example", "display_name": "Sam", "password": "x\udc00" * 12}
    _refused(anonymous.post(f"{API}/auth/signup", signup))
    assert count_rows(User) == 2  # employee and manager: nobody signed up


def test_deeply_nested_json_is_checked_without_recursion(api, employee):
    wide = {"body": "fine", "extra": [[[[[[[[[[{"k": BAD}]]]]]]]]]] * 1000}
    _refused(api(employee).post(f"{API}/posts", wide))
    depth = 800  # as deep as the parser goes inside a request: a recursive walk would not
    raw = '{"body": ' + "[" * depth + '"a\\ud800b"' + "]" * depth + "}"
    response = api(employee).post(f"{API}/posts", data=raw, content_type="application/json")
    _refused(response)


def test_validators_refuse_lone_surrogates():
    with pytest.raises(ValidationFailed):
        check_text(BAD, "name", max_len=80)
    with pytest.raises(ValidationFailed):
        check_text("line\n\udfffmore", "body", max_len=80, multiline=True)
    with pytest.raises(ValidationFailed):
        check_filter_text(BAD, "q")
    assert check_text("naïve 🎉", "name", max_len=80) == "naïve 🎉"


def test_a_token_that_cannot_be_encoded_is_unknown(app, employee, socket_for):
    assert live_token("snt_\ud800") is None
    assert user_for_token("snt_\ud800") is None
    sock = socket_for(None, token="snt_\ud800")
    assert not sock.is_connected()
