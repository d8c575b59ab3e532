"""Account security: password rules, password change, sign out everywhere, reset by email.

The reset tests run a real SMTP server (aiosmtpd) on a free local port and read
what it received, as a person would read their inbox.
"""

from __future__ import annotations

import re
import time
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from socialnet.extensions import db, socketio
from socialnet.models import ApiToken, User
from socialnet.services import password_reset
from tests import mail_sink
from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.mail_sink import PUBLIC_URL
from tests.test_openapi import Checker
from tests.web import csrf_from, form, html_of

LOGIN = "/api/v1/auth/login"
CHANGE = "/api/v1/me/password"
REVOKE_ALL = "/api/v1/me/sessions/revoke-all"
RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "plum orchard at dawn"


smtp = mail_sink.smtp  # the real SMTP server fixture, shared with the digest's tests


def _link_in(message: Message) -> str:
    body = message.get_payload(decode=True).decode()
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


def _token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def _local(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _reload(user: User) -> User:
    db.session.rollback()
    return db.session.get(User, user.id)


# --------------------------------------------------------------------- password rules


@pytest.mark.parametrize(
    ("password", "code", "says"),
    [
        ("short one", "too_short", "it has 9 characters; at least 12 are needed"),
        ("emma employee forever", "personal", "contains your name"),
        ("EmmaEmployee@2024", "personal", "contains your name"),
        ("emma.employee@lumen.example", "personal", "your email address"),
        ("lumen & co rocks!", "personal", "the company's name"),
        ("password1234", "common", "commonly used password"),
        ("Password2024!", "common", "commonly used password"),
        ("!!Welcome123456", "common", "commonly used password"),
        ("qwertyuiop12", "common", "commonly used password"),
        ("abababababab", "common", "repeats one or two characters"),
        ("x" * 257, "too_long", "at most 256 characters"),
    ],
)
def test_each_password_rule_is_refused_with_a_message_saying_what_is_wrong(
    api, employee, password, code, says
):
    body = assert_error(
        api(employee).post(CHANGE, {"current_password": PASSWORD, "password": password}), 400
    )
    assert body["fields"] == {"password": code}
    assert says in body["message"], body["message"]
    assert _reload(employee).password_hash == employee.password_hash


def test_a_password_breaking_two_rules_is_told_both_in_one_message(api, employee):
    body = assert_error(
        api(employee).post(CHANGE, {"current_password": PASSWORD, "password": "LumenCo1"}), 400
    )
    assert body["fields"] == {"password": "too_short"}
    assert "at least 12 are needed" in body["message"]
    assert "the company's name" in body["message"]


@pytest.mark.parametrize("password", ["plum orchard at dawn", "Tr0mb0ne-Lagoon", "été à Lyon 1987"])
def test_good_passwords_are_accepted(api, employee, password):
    response = api(employee).post(CHANGE, {"current_password": PASSWORD, "password": password})
    assert response.status_code == 204, response.get_json()


def test_admin_created_accounts_and_sign_up_follow_the_same_rules(app, api, admin, client):
    user = {"email": "nina.new@lumen.example", "display_name": "Nina New"}
    body = assert_error(
        api(admin).post("/api/v1/users", {**user, "password": "Nina New 2024"}), 400
    )
    assert body["fields"] == {"password": "personal"}
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    token = password_reset.make_signup_token(user["email"], user["display_name"])
    response = client.post(
        "/api/v1/auth/signup/confirm", json={"token": token, "password": "NinaNew!!"}
    )
    body = assert_error(response, 400)
    assert body["fields"] == {"password": "too_short"} and "contains your name" in body["message"]


# --------------------------------------------------------------------- password change


def test_changing_the_password_needs_the_current_one(api, employee):
    me = api(employee)
    body = assert_error(
        me.post(CHANGE, {"current_password": "wrong", "password": NEW_PASSWORD}), 400
    )
    assert body["fields"] == {"current_password": "incorrect"}
    body = assert_error(me.post(CHANGE, {"password": NEW_PASSWORD}), 400)
    assert body["fields"] == {"current_password": "incorrect"}
    body = assert_error(me.post(CHANGE, {"current_password": PASSWORD, "password": PASSWORD}), 400)
    assert body["fields"] == {"password": "unchanged"}
    assert_error(
        me.post(CHANGE, {"current_password": PASSWORD, "password": NEW_PASSWORD, "x": 1}), 400
    )
    assert me.get("/api/v1/me").status_code == 200  # nothing ended
    assert_error(
        api(None).post(CHANGE, {"current_password": PASSWORD, "password": NEW_PASSWORD}), 401
    )


def test_password_change_ends_other_sessions_tokens_and_sockets_but_keeps_this_browser(
    app, auth, api, employee, token_for, socket_for
):
    here = auth.login(employee)
    elsewhere = auth.login(employee)
    remembered = app.test_client()
    assert (
        remembered.post(
            LOGIN, json={"email": employee.email, "password": PASSWORD, "remember": True}
        ).status_code
        == 200
    )
    remember_cookie = remembered.get_cookie("remember_token").value
    token_client = api(employee)
    token_socket = socket_for(employee, token=token_for(employee))
    cookie_socket = socketio.test_client(app, flask_test_client=elsewhere)
    assert token_socket.is_connected() and cookie_socket.is_connected()

    response = here.post(
        CHANGE,
        json={"current_password": PASSWORD, "password": NEW_PASSWORD},
        headers={"X-CSRFToken": here.csrf_token},
    )
    assert response.status_code == 204, response.get_json()

    assert here.get("/api/v1/me").get_json()["id"] == employee.id  # a fresh session
    assert socketio.test_client(app, flask_test_client=here).is_connected()
    assert_error(elsewhere.get("/api/v1/me"), 401)
    assert_error(token_client.get("/api/v1/me"), 401)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember_cookie)
    assert_error(fresh.get("/api/v1/me"), 401)
    assert not token_socket.is_connected() and not cookie_socket.is_connected()
    assert (
        db.session.scalar(
            db.select(db.func.count(ApiToken.id)).where(
                ApiToken.user_id == employee.id, ApiToken.revoked_at.is_(None)
            )
        )
        == 0
    )
    assert_error(
        app.test_client().post(LOGIN, json={"email": employee.email, "password": PASSWORD}), 401
    )
    assert (
        app.test_client()
        .post(LOGIN, json={"email": employee.email, "password": NEW_PASSWORD})
        .status_code
        == 200
    )


def test_password_change_with_a_bearer_token_revokes_that_token_too(api, employee):
    me = api(employee)
    assert (
        me.post(CHANGE, {"current_password": PASSWORD, "password": NEW_PASSWORD}).status_code == 204
    )
    assert_error(me.get("/api/v1/me"), 401)


def test_password_change_over_the_api_with_a_cookie_needs_the_csrf_token(auth, employee):
    client = auth.login(employee)
    response = client.post(CHANGE, json={"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert_error(response, 403, "csrf_failed")
    assert _reload(employee).password_hash == employee.password_hash


def test_password_change_page_works_without_javascript(app, signed_in, employee):
    browser, other = signed_in(employee), signed_in(employee)
    page = browser.get("/settings/password")
    assert page.status_code == 200
    html = html_of(page)
    assert 'name="current_password"' in html and 'autocomplete="new-password"' in html
    assert "at least 12 characters" in html

    refused = form(browser, "/settings/password", current_password=PASSWORD, password="short")
    assert refused.status_code == 400
    assert "at least 12 are needed" in html_of(refused)
    wrong = form(browser, "/settings/password", current_password="nope", password=NEW_PASSWORD)
    assert wrong.status_code == 400 and "current password is not correct" in html_of(wrong)
    no_csrf = browser.post(
        "/settings/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD}
    )
    assert no_csrf.status_code == 400
    assert _reload(employee).password_hash == employee.password_hash

    done = form(browser, "/settings/password", current_password=PASSWORD, password=NEW_PASSWORD)
    assert done.status_code == 302 and done.location == "/settings/preferences"
    assert "Every other session" in html_of(browser.get("/settings/preferences"))
    assert browser.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_password_pages_need_sign_in(client):
    assert client.get("/settings/password").status_code == 302
    token = csrf_from(client.get("/sign-in"))
    response = client.post("/sign-out-everywhere", data={"csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/sign-in")


# --------------------------------------------------------------------- sign out everywhere


def test_sign_out_everywhere_over_the_api(app, auth, api, employee, fred, socket_for):
    here, elsewhere = auth.login(employee), auth.login(employee)
    token_client = api(employee)
    sock = socket_for(employee)
    fred_client = api(fred)
    assert_error(here.post(REVOKE_ALL), 403, "csrf_failed")
    assert here.get("/api/v1/me").status_code == 200

    response = here.post(REVOKE_ALL, headers={"X-CSRFToken": here.csrf_token})
    assert response.status_code == 204
    for client in (here, elsewhere):
        assert_error(client.get("/api/v1/me"), 401)
    assert_error(token_client.get("/api/v1/me"), 401)
    assert not sock.is_connected()
    assert fred_client.get("/api/v1/me").status_code == 200  # nobody else
    assert auth.login(employee).get("/api/v1/me").status_code == 200  # the password still works
    assert_error(api(None).post(REVOKE_ALL), 401)


def test_sign_out_everywhere_with_a_token_ends_that_token_too(api, employee):
    me = api(employee)
    assert me.post(REVOKE_ALL).status_code == 204
    assert_error(me.get("/api/v1/me"), 401)


def test_sign_out_everywhere_button_on_the_preferences_page(signed_in, employee, api):
    browser, other = signed_in(employee), signed_in(employee)
    token_client = api(employee)
    page = html_of(browser.get("/settings/preferences"))
    assert 'action="/sign-out-everywhere"' in page and "Sign out everywhere" in page
    assert 'href="/settings/password"' in page
    assert browser.post("/sign-out-everywhere").status_code == 400  # no CSRF token
    assert other.get("/").status_code == 200

    response = form(browser, "/sign-out-everywhere")
    assert response.status_code == 302 and response.location == "/sign-in"
    assert "signed out on every device" in html_of(browser.get("/sign-in"))
    for client in (browser, other):
        assert client.get("/").status_code == 302
    assert_error(token_client.get("/api/v1/me"), 401)


# --------------------------------------------------------------------- reset by email


def test_reset_by_email_end_to_end(app, client, smtp, employee, auth, api, socket_for):
    session = auth.login(employee)
    token_client = api(employee)
    sock = socket_for(employee)

    page = client.get("/password-reset")
    assert page.status_code == 200 and 'name="email"' in html_of(page)
    sent = client.post(
        "/password-reset", data={"email": employee.email.upper(), "csrf_token": csrf_from(page)}
    )
    assert sent.status_code == 200 and "Check your inbox" in html_of(sent)

    message = smtp.wait_for(1)[0]
    assert message["To"] == employee.email
    assert message["X-Envelope-To"] == employee.email
    assert message["From"] == "socialnet@lumen.example"
    assert "Reset your Lumen & Co password" in message["Subject"]
    link = _link_in(message)
    assert link.startswith(f"{PUBLIC_URL}/password-reset/confirm?token=")
    assert "30 minutes" in message.get_payload(decode=True).decode()

    form_page = client.get(_local(link))
    assert form_page.status_code == 200
    html = html_of(form_page)
    assert 'name="password"' in html and _token_of(link) in html
    refused = client.post(
        "/password-reset/confirm",
        data={"token": _token_of(link), "password": "short", "csrf_token": csrf_from(form_page)},
    )
    assert refused.status_code == 400 and "at least 12 are needed" in html_of(refused)
    done = client.post(
        "/password-reset/confirm",
        data={
            "token": _token_of(link),
            "password": NEW_PASSWORD,
            "csrf_token": csrf_from(form_page),
        },
    )
    assert done.status_code == 302 and done.location == "/sign-in"

    assert_error(session.get("/api/v1/me"), 401)
    assert_error(token_client.get("/api/v1/me"), 401)
    assert not sock.is_connected()
    assert_error(client.post(LOGIN, json={"email": employee.email, "password": PASSWORD}), 401)
    signed = client.post(LOGIN, json={"email": employee.email, "password": NEW_PASSWORD})
    assert signed.status_code == 200

    again = client.get(_local(link))
    assert again.status_code == 400 and "already been used" in html_of(again)
    anonymous = app.test_client()
    body = assert_error(
        anonymous.post(CONFIRM, json={"token": _token_of(link), "password": "another fine pass"}),
        400,
    )
    assert body["fields"] == {"token": "used"}


def test_reset_over_the_api(client, smtp, employee):
    response = client.post(RESET, json={"email": employee.email})
    assert response.status_code == 202
    token = _token_of(_link_in(smtp.wait_for(1)[0]))
    body = assert_error(
        client.post(CONFIRM, json={"token": token, "password": "emma employee 1"}), 400
    )
    assert body["fields"] == {"password": "personal"}  # the link still works after a refusal
    assert client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD}).status_code == 204
    assert_error(client.post(CONFIRM, json={"token": token, "password": "yet another secret"}), 400)
    assert (
        client.post(LOGIN, json={"email": employee.email, "password": NEW_PASSWORD}).status_code
        == 200
    )


def test_unknown_email_gets_the_identical_answer_and_no_email(client, smtp, employee, make_user):
    sleeper = make_user("Sleeping Account", active=False)
    answers = [
        client.post(RESET, json={"email": address})
        for address in ("nobody@lumen.example", sleeper.email, employee.email)
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({a.get_data() for a in answers}) == 1
    headers = [
        sorted((k, v) for k, v in a.headers.items() if k not in ("Date", "X-Request-ID"))
        for a in answers
    ]
    assert headers[0] == headers[1] == headers[2]
    assert len({a.get_data(as_text=True) for a in answers}) == 1

    smtp.wait_for(1)
    time.sleep(0.3)  # give a (wrong) second email time to arrive
    assert [m["To"] for m in smtp.messages] == [employee.email]

    page = client.get("/password-reset")
    pages = [
        client.post("/password-reset", data={"email": e, "csrf_token": csrf_from(page)})
        for e in ("nobody@lumen.example", employee.email)
    ]
    assert [p.status_code for p in pages] == [200, 200]
    assert html_of(pages[0]) == html_of(pages[1])


def test_the_answer_does_not_wait_for_the_mail_server(client, smtp, employee):
    smtp.delay = 1.5
    started = time.monotonic()
    response = client.post(RESET, json={"email": employee.email})
    elapsed = time.monotonic() - started
    assert response.status_code == 202
    assert elapsed < 1.0, elapsed
    assert smtp.wait_for(1)[0]["To"] == employee.email


def test_a_malformed_email_is_a_400_that_says_nothing_about_accounts(client):
    for body in ({"email": "not an email"}, {"email": 5}, {}, {"email": "a@b.example", "x": 1}):
        assert_error(client.post(RESET, json=body), 400)
    assert_error(client.post(RESET, data={"email": "a@lumen.example"}), 400)


def test_the_rate_limit_hook_sees_every_request_alike(client, employee, monkeypatch):
    seen = []
    monkeypatch.setattr(password_reset, "before_reset_request", [seen.append])
    client.post(RESET, json={"email": " Nobody@Lumen.example"})
    client.post(RESET, json={"email": employee.email})
    assert seen == ["nobody@lumen.example", employee.email]


def test_the_link_ignores_a_forged_host_header(client, smtp, employee):
    """A Host that is not allowed is refused (tests/test_hosts.py); an allowed one that is
    not the public URL's still gets a link on the public URL."""
    refused = client.post(RESET, json={"email": employee.email}, headers={"Host": "evil.example"})
    assert refused.status_code == 400
    client.post(RESET, json={"email": employee.email}, headers={"Host": "localhost:8000"})
    assert _link_in(smtp.wait_for(1)[0]).startswith(f"{PUBLIC_URL}/")


def _token_issued(app, user: User, seconds_ago: int, monkeypatch) -> str:
    issued = int(time.time()) - seconds_ago
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        return password_reset.make_token(user)


def test_an_expired_link_is_a_clear_400(app, client, employee, monkeypatch):
    old = _token_issued(app, employee, 31 * 60, monkeypatch)
    body = assert_error(client.post(CONFIRM, json={"token": old, "password": NEW_PASSWORD}), 400)
    assert body["fields"] == {"token": "expired"} and "expired" in body["message"]
    page = client.get(f"/password-reset/confirm?token={old}")
    assert page.status_code == 400 and "expired" in html_of(page)
    recent = _token_issued(app, employee, 29 * 60, monkeypatch)
    assert client.post(CONFIRM, json={"token": recent, "password": NEW_PASSWORD}).status_code == 204


def test_a_tampered_or_foreign_token_is_a_clear_400(app, client, employee, fred):
    token = password_reset.make_token(employee)
    payload, _, rest = token.partition(".")
    fred_payload = password_reset.make_token(fred).partition(".")[0]
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        f"{fred_payload}.{rest}",  # someone else's payload under this signature
        URLSafeTimedSerializer("another key", salt=password_reset.SALT).dumps({"u": fred.id}),
        URLSafeTimedSerializer("test-secret-key", salt="other").dumps({"u": fred.id}),
        "not-a-token",
        "",
        "é" * 10,
    ]
    for bad in forged:
        body = assert_error(
            client.post(CONFIRM, json={"token": bad, "password": NEW_PASSWORD}), 400
        )
        assert body["fields"] == {"token": "invalid"}, (bad, body)
    assert_error(client.post(CONFIRM, json={"token": 5, "password": NEW_PASSWORD}), 400)
    db.session.rollback()
    assert {u.password_hash for u in db.session.scalars(db.select(User))} == {
        employee.password_hash
    }


def test_a_link_dies_once_the_password_changes_or_everyone_is_signed_out(client, api, employee):
    first = password_reset.make_token(employee)
    assert (
        api(employee)
        .post(CHANGE, {"current_password": PASSWORD, "password": NEW_PASSWORD})
        .status_code
        == 204
    )
    body = assert_error(
        client.post(CONFIRM, json={"token": first, "password": "third password"}), 400
    )
    assert body["fields"] == {"token": "used"}

    second = password_reset.make_token(_reload(employee))
    assert api(employee).post(REVOKE_ALL).status_code == 204
    body = assert_error(
        client.post(CONFIRM, json={"token": second, "password": "third password"}), 400
    )
    assert body["fields"] == {"token": "used"}


def test_a_link_for_a_deactivated_account_is_refused(api, client, admin, employee):
    token = password_reset.make_token(employee)
    assert api(admin).patch(f"/api/v1/users/{employee.id}", {"active": False}).status_code == 200
    assert_error(client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD}), 400)


def test_reset_pages_need_the_csrf_token(client, employee):
    assert client.post("/password-reset", data={"email": employee.email}).status_code == 400
    token = password_reset.make_token(employee)
    response = client.post(
        "/password-reset/confirm", data={"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert _reload(employee).password_hash == employee.password_hash


def test_sign_in_page_links_to_the_reset_page(client):
    assert 'href="/password-reset"' in html_of(client.get("/sign-in"))


# --------------------------------------------------------------------- sign-up


SIGNUP = "/api/v1/auth/signup"


def test_sign_up_answers_the_same_for_a_taken_address_and_tells_its_owner_by_email(
    app, client, smtp, employee
):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    taken = client.post(SIGNUP, json={"email": employee.email, "display_name": "Emma Again"})
    new = client.post(SIGNUP, json={"email": "sam.new@lumen.example", "display_name": "Sam New"})
    assert taken.status_code == new.status_code == 202
    assert taken.get_data() == new.get_data()
    headers = [
        sorted((k, v) for k, v in r.headers.items() if k not in ("Date", "X-Request-ID"))
        for r in (taken, new)
    ]
    assert headers[0] == headers[1]
    assert "session" not in (taken.headers.get("Set-Cookie") or "")

    by_recipient = {m["To"]: m for m in smtp.wait_for(2)}
    owner_note = by_recipient[employee.email].get_payload(decode=True).decode()
    assert "already has an account" in owner_note
    assert f"{PUBLIC_URL}/password-reset" in owner_note and "token=" not in owner_note

    link = _link_in(by_recipient["sam.new@lumen.example"])
    assert link.startswith(f"{PUBLIC_URL}/sign-up/confirm?token=")
    page = client.get(_local(link))
    assert page.status_code == 200 and "sam.new@lumen.example" in html_of(page)
    refused = client.post(
        "/sign-up/confirm",
        data={"token": _token_of(link), "password": "sam new 12345", "csrf_token": csrf_from(page)},
    )
    assert refused.status_code == 400 and "contains your name" in html_of(refused)
    done = client.post(
        "/sign-up/confirm",
        data={"token": _token_of(link), "password": NEW_PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert done.status_code == 302 and done.location == "/"
    me = client.get("/api/v1/me").get_json()
    assert me["email"] == "sam.new@lumen.example" and me["role"] == "employee"

    again = app.test_client().get(_local(link))
    assert again.status_code == 400 and "already been used" in html_of(again)


def test_a_sign_up_link_is_not_a_reset_link_and_expires(app, client, employee, monkeypatch):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    signup_token = password_reset.make_signup_token("new.one@lumen.example", "New One")
    body = assert_error(
        client.post(CONFIRM, json={"token": signup_token, "password": NEW_PASSWORD}), 400
    )
    assert body["fields"] == {"token": "invalid"}
    reset_token = password_reset.make_token(employee)
    body = assert_error(
        client.post(SIGNUP + "/confirm", json={"token": reset_token, "password": NEW_PASSWORD}),
        400,
    )
    assert body["fields"] == {"token": "invalid"}
    issued = int(time.time()) - 25 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        old = password_reset.make_signup_token("new.one@lumen.example", "New One")
    body = assert_error(
        client.post(SIGNUP + "/confirm", json={"token": old, "password": NEW_PASSWORD}), 400
    )
    assert body["fields"] == {"token": "expired"}
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2  # employee, manager


# --------------------------------------------------------------------- OpenAPI


def test_new_routes_answer_as_documented(app, client, api, auth, employee, smtp):
    document = client.get("/api/v1/openapi.json").get_json()
    check = Checker(document)
    check(
        client.post(RESET, json={"email": "nobody@lumen.example"}), "post", "/auth/password-reset"
    )
    check(client.post(RESET, json={"email": "nope"}), "post", "/auth/password-reset")
    check(
        client.post(CONFIRM, json={"token": "x", "password": NEW_PASSWORD}),
        "post",
        "/auth/password-reset/confirm",
    )
    token = password_reset.make_token(employee)
    check(
        client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD}),
        "post",
        "/auth/password-reset/confirm",
    )

    me = api(employee)
    check(me.post(CHANGE, {"current_password": "nope", "password": "x"}), "post", "/me/password")
    check(
        api(None).post(CHANGE, {"current_password": "x", "password": "y"}), "post", "/me/password"
    )
    check(
        me.post(CHANGE, {"current_password": NEW_PASSWORD, "password": "fresh new password"}),
        "post",
        "/me/password",
    )
    other = api(_reload(employee))
    check(other.post(REVOKE_ALL), "post", "/me/sessions/revoke-all")
    check(other.post(REVOKE_ALL), "post", "/me/sessions/revoke-all")  # 401: its token is gone
    cookie = auth.app.test_client()
    cookie.post(LOGIN, json={"email": employee.email, "password": "fresh new password"})
    check(cookie.post(REVOKE_ALL), "post", "/me/sessions/revoke-all")  # 403: no CSRF token
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    anonymous = app.test_client()
    body = {"email": "sign.up@lumen.example", "display_name": "Sign Up"}
    check(anonymous.post(SIGNUP, json=body), "post", "/auth/signup")
    check(anonymous.post(SIGNUP, json={**body, "password": "x"}), "post", "/auth/signup")
    signup_token = password_reset.make_signup_token("sign.up@lumen.example", "Sign Up")
    finish = {"token": signup_token, "password": NEW_PASSWORD}
    check(anonymous.post(SIGNUP + "/confirm", json=finish), "post", "/auth/signup/confirm")
    check(app.test_client().post(SIGNUP + "/confirm", json=finish), "post", "/auth/signup/confirm")
    statuses = {(path, status) for _m, path, status in check.checked}
    assert {
        ("/auth/password-reset", "202"),
        ("/auth/password-reset", "400"),
        ("/auth/password-reset/confirm", "204"),
        ("/auth/password-reset/confirm", "400"),
        ("/me/password", "204"),
        ("/me/password", "400"),
        ("/me/password", "401"),
        ("/me/sessions/revoke-all", "204"),
        ("/me/sessions/revoke-all", "401"),
        ("/me/sessions/revoke-all", "403"),
        ("/auth/signup", "202"),
        ("/auth/signup", "400"),
        ("/auth/signup/confirm", "201"),
        ("/auth/signup/confirm", "400"),
    } <= statuses
