"""Accounts over the API: sessions, sign-up, tokens, admin management, deactivation."""

from __future__ import annotations

import pytest

from socialnet.extensions import db, socketio
from socialnet.models import ApiToken, User
from tests.conftest import PASSWORD
from tests.helpers import assert_error, count_rows

LOGIN = "/api/v1/auth/login"
SIGNUP = "/api/v1/auth/signup"


def _full_user(boss_id: int, **overrides) -> dict:
    data = {
        "email": "Nora.New@Lumen.example",
        "display_name": "Nora New",
        "password": "a long enough password",
        "role": "manager",
        "job_title": "Plant manager",
        "department": "Production",
        "site": "Lyon",
        "manager_id": boss_id,
        "hire_date": "2021-03-15",
        "birthday": "--05-17",
    }
    data.update(overrides)
    return data


# --- sign-in and sign-out ----------------------------------------------------------------


def test_login_sets_a_cookie_session_and_logout_ends_it(auth, employee):
    client = auth.login(employee)
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.get_json()["id"] == employee.id
    assert me.get_json()["role"] == "employee"

    response = client.post("/api/v1/auth/logout", headers={"X-CSRFToken": client.csrf_token})
    assert response.status_code == 204
    assert_error(client.get("/api/v1/me"), 401, "unauthenticated")


def test_wrong_password_unknown_email_and_inactive_account_get_the_same_401(
    client, employee, make_user
):
    sleeper = make_user("Sleeping Account", active=False)
    attempts = [
        {"email": employee.email, "password": "wrong password!"},
        {"email": "nobody@lumen.example", "password": PASSWORD},
        {"email": sleeper.email, "password": PASSWORD},
        {"email": 5, "password": PASSWORD},
    ]
    bodies = []
    for attempt in attempts:
        response = client.post(LOGIN, json=attempt)
        body = assert_error(response, 401, "unauthenticated")
        bodies.append(body)
        assert "session" not in (response.headers.get("Set-Cookie") or "")
    assert all(body == bodies[0] for body in bodies), bodies
    assert_error(client.get("/api/v1/me"), 401)


def test_login_email_is_case_and_space_insensitive(client, employee):
    response = client.post(
        LOGIN, json={"email": f"  {employee.email.upper()} ", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert response.get_json()["user"]["id"] == employee.id


def test_login_needs_a_json_body(client, employee):
    response = client.post(LOGIN, data={"email": employee.email, "password": PASSWORD})
    assert_error(response, 400, "invalid")
    assert_error(client.get("/api/v1/me"), 401)


def test_login_with_nul_in_email_is_a_401_not_a_crash(client, employee):
    response = client.post(LOGIN, json={"email": "emma\x00@lumen.example", "password": PASSWORD})
    assert_error(response, 401, "unauthenticated")


def test_login_rejects_unknown_fields(client, employee):
    response = client.post(
        LOGIN, json={"email": employee.email, "password": PASSWORD, "role": "admin"}
    )
    assert_error(response, 400, "invalid")


def test_cookie_mutation_without_csrf_token_is_refused_and_writes_nothing(auth, employee):
    client = auth.login(employee)
    response = client.post("/api/v1/posts", json={"body": "no csrf"})
    body = assert_error(response, 403)
    assert body["error"] == "csrf_failed"
    response = client.post(
        "/api/v1/posts", json={"body": "bad csrf"}, headers={"X-CSRFToken": "forged"}
    )
    assert_error(response, 403, "csrf_failed")
    from socialnet.models import Post

    assert count_rows(Post) == 0
    ok = client.post(
        "/api/v1/posts", json={"body": "with csrf"}, headers={"X-CSRFToken": client.csrf_token}
    )
    assert ok.status_code == 201


def test_me_needs_authentication(api):
    assert_error(api(None).get("/api/v1/me"), 401, "unauthenticated")


def test_me_with_a_malformed_authorization_header(client):
    for header in ("Basic abc", "Bearer ", "Bearer snt_not-a-token", "Bearer " + "x" * 500):
        assert_error(client.get("/api/v1/me", headers={"Authorization": header}), 401)


# --- sign-up ----------------------------------------------------------------------------


def _signup(client, **overrides):
    data = {"email": "sam.signup@lumen.example", "display_name": "Sam Signup"}
    data.update(overrides)
    return client.post(SIGNUP, json=data)


def _finish_signup(client, email="sam.signup@lumen.example", name="Sam Signup", **overrides):
    """Open the emailed link (its token, as the email would carry it) and choose a password."""
    from socialnet.services.password_reset import make_signup_token

    data = {"token": make_signup_token(email, name), "password": "a long enough password"}
    data.update(overrides)
    return client.post(SIGNUP + "/confirm", json=data)


def test_signup_is_closed_when_no_domain_is_allowed(app, client):
    app.config["ALLOWED_EMAIL_DOMAINS"] = []
    assert_error(_signup(client), 403, "forbidden")
    assert_error(_finish_signup(client), 403, "forbidden")  # a link from when it was open
    assert count_rows(User) == 0


def test_signup_with_an_allowed_domain_creates_a_signed_in_employee(app, client):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    response = _signup(client, email="Sam.Signup@LUMEN.example")
    assert response.status_code == 202, response.get_json()
    assert count_rows(User) == 0  # only once the emailed link is opened
    response = _finish_signup(client)
    assert response.status_code == 201, response.get_json()
    user = response.get_json()["user"]
    assert user["email"] == "sam.signup@lumen.example"
    assert user["display_name"] == "Sam Signup"
    assert user["role"] == "employee"
    assert user["handle"] == "sam.signup"
    assert response.get_json()["csrf_token"]
    assert client.get("/api/v1/me").get_json()["id"] == user["id"]


def test_signup_from_a_foreign_domain_is_refused(app, client):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    for email in ("sam@evil.example", "sam@lumen.example.evil.example", "sam@sub.lumen.example"):
        assert_error(_signup(client, email=email), 403, "forbidden")
        assert_error(_finish_signup(client, email=email), 403, "forbidden")
    assert count_rows(User) == 0


def test_signup_with_a_taken_email_answers_like_any_other(app, client, employee):
    """No enumeration: the same 202 and body; the owner is told by email (see
    test_account_security), and a link for a taken address cannot be used."""
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    taken = _signup(client, email=employee.email.upper())
    new = _signup(client, email="someone.new@lumen.example")
    assert taken.status_code == new.status_code == 202
    assert taken.get_data() == new.get_data()
    body = assert_error(_finish_signup(client, email=employee.email), 400, "invalid")
    assert body["fields"] == {"token": "used"}
    assert count_rows(User) == 2  # employee and their manager


@pytest.mark.parametrize(
    "extra",
    [
        {"role": "admin"},
        {"id": 1},
        {"created_at": "2020-01-01"},
        {"active": False},
        {"x": 1},
        {"password": "a long enough password"},
    ],
)
def test_signup_refuses_read_only_fields(app, client, extra):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    body = assert_error(_signup(client, **extra), 400, "invalid")
    assert set(body["fields"]) == set(extra)
    if "password" not in extra:  # which the second step does take
        body = assert_error(_finish_signup(client, **extra), 400, "invalid")
        assert set(body["fields"]) == set(extra)
    assert count_rows(User) == 0


def test_signup_validates_email_password_and_name(app, client):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["lumen.example"]
    assert_error(_signup(client, email="not-an-email"), 400)
    assert_error(_signup(client, email="nul\x00@lumen.example"), 400)
    assert_error(_signup(client, display_name="   "), 400)
    assert_error(_signup(client, display_name="Tab\x07Bell"), 400)
    assert_error(_finish_signup(client, password="short"), 400)
    assert_error(_finish_signup(client, name="Tab\x07Bell"), 400)
    assert count_rows(User) == 0


# --- personal tokens --------------------------------------------------------------------


def test_token_lifecycle(api, employee):
    me = api(employee)
    response = me.post("/api/v1/tokens", {"name": "laptop", "password": PASSWORD})
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) >= {"id", "token"}
    secret = created["token"]
    assert secret.startswith("snt_") and len(secret) > 40

    listing = me.get("/api/v1/tokens")
    assert listing.status_code == 200
    assert secret not in listing.get_data(as_text=True)
    listed = {t["id"]: t for t in listing.get_json()["items"]}
    assert created["id"] in listed
    assert all("token" not in t and "token_hash" not in t for t in listed.values())

    new_client = type(me)(me.client, secret)
    assert new_client.get("/api/v1/me").get_json()["id"] == employee.id

    assert me.delete(f"/api/v1/tokens/{created['id']}").status_code == 204
    assert_error(new_client.get("/api/v1/me"), 401, "unauthenticated")
    assert created["id"] not in {t["id"] for t in me.get("/api/v1/tokens").get_json()["items"]}
    # revoking twice, and using the revoked token to revoke anything: both refused
    assert_error(me.delete(f"/api/v1/tokens/{created['id']}"), 404, "not_found")
    assert_error(new_client.delete(f"/api/v1/tokens/{created['id']}"), 401)


def test_revoking_another_persons_token_is_a_404_and_changes_nothing(api, employee, fred):
    mine = api(employee)
    token_id = mine.post("/api/v1/tokens", {"name": "phone", "password": PASSWORD}).get_json()["id"]
    assert_error(api(fred).delete(f"/api/v1/tokens/{token_id}"), 404, "not_found")
    assert_error(api(fred).delete("/api/v1/tokens/999999"), 404, "not_found")
    db.session.rollback()
    assert db.session.get(ApiToken, token_id).revoked_at is None
    assert mine.get("/api/v1/me").status_code == 200


def test_token_creation_needs_a_name(api, employee):
    me = api(employee)
    before = count_rows(ApiToken)
    assert_error(me.post("/api/v1/tokens", {"password": PASSWORD}), 400)
    assert_error(me.post("/api/v1/tokens", {"name": "x", "token": "snt_mine"}), 400)
    assert count_rows(ApiToken) == before


def test_a_token_cannot_mint_tokens_without_the_password(api, auth, employee):
    """A stolen token must not outlive its revocation through tokens it created itself."""
    me = api(employee)
    before = count_rows(ApiToken)
    body = assert_error(me.post("/api/v1/tokens", {"name": "spare"}), 403, "forbidden")
    assert "password" in body["message"]
    body = assert_error(me.post("/api/v1/tokens", {"name": "spare", "password": "wrong"}), 400)
    assert body["fields"] == {"password": "incorrect"}
    assert count_rows(ApiToken) == before
    # with the password (proof of more than the token), or from a signed-in browser: allowed
    minted = me.post("/api/v1/tokens", {"name": "spare", "password": PASSWORD})
    assert minted.status_code == 201, minted.get_json()
    browser = auth.login(employee)
    made = browser.post(
        "/api/v1/tokens", json={"name": "cli"}, headers={"X-CSRFToken": browser.csrf_token}
    )
    assert made.status_code == 201, made.get_json()
    wrong = browser.post(
        "/api/v1/tokens",
        json={"name": "cli", "password": "wrong"},
        headers={"X-CSRFToken": browser.csrf_token},
    )
    assert assert_error(wrong, 400)["fields"] == {"password": "incorrect"}
    assert count_rows(ApiToken) == before + 2


# --- administration ---------------------------------------------------------------------


def test_admin_creates_a_user_with_the_full_shape(api, admin, manager):
    response = api(admin).post("/api/v1/users", _full_user(manager.id))
    assert response.status_code == 201, response.get_json()
    user = response.get_json()
    expected = {
        "email": "nora.new@lumen.example",
        "display_name": "Nora New",
        "role": "manager",
        "job_title": "Plant manager",
        "department": "Production",
        "site": "Lyon",
        "manager_id": manager.id,
        "hire_date": "2021-03-15",
        "birthday": "--05-17",
        "active": True,
        "handle": "nora.new",
    }
    assert {k: user[k] for k in expected} == expected
    assert "password" not in user and "password_hash" not in user
    login = api(None).client.post(
        LOGIN, json={"email": "nora.new@lumen.example", "password": "a long enough password"}
    )
    assert login.status_code == 200


@pytest.mark.parametrize("persona", ["manager", "cm", "fred"])
def test_only_admins_create_users(api, request, persona, admin):
    caller = request.getfixturevalue(persona)
    before = count_rows(User)
    assert_error(api(caller).post("/api/v1/users", _full_user(admin.id)), 403, "forbidden")
    assert_error(api(None).post("/api/v1/users", _full_user(admin.id)), 401)
    assert count_rows(User) == before


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"id": 77}, "id"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
        ({"role": "superuser"}, "role"),
        ({"manager_id": 999_999}, "manager_id"),
        ({"manager_id": "1"}, "manager_id"),
        ({"manager_id": 10**20}, "manager_id"),
        ({"hire_date": "yesterday"}, "hire_date"),
        ({"birthday": "02-30"}, "birthday"),
        ({"email": "nora"}, "email"),
    ],
)
def test_admin_create_rejects_bad_fields_and_writes_nothing(api, admin, override, field):
    before = count_rows(User)
    body = assert_error(api(admin).post("/api/v1/users", _full_user(admin.id, **override)), 400)
    assert field in body.get("fields", {}), body
    assert count_rows(User) == before


def test_admin_create_with_a_taken_email_is_a_conflict(api, admin, employee):
    before = count_rows(User)
    response = api(admin).post("/api/v1/users", _full_user(admin.id, email=employee.email))
    assert_error(response, 409, "conflict")
    assert count_rows(User) == before


def test_admin_changes_role_and_others_cannot(api, admin, employee, fred):
    response = api(admin).patch(f"/api/v1/users/{employee.id}", {"role": "community_manager"})
    assert response.status_code == 200
    assert response.get_json()["role"] == "community_manager"
    assert_error(api(fred).patch(f"/api/v1/users/{employee.id}", {"role": "employee"}), 403)
    assert_error(api(fred).patch(f"/api/v1/users/{fred.id}", {"role": "admin"}), 403)
    db.session.rollback()
    assert db.session.get(User, employee.id).role == "community_manager"
    assert db.session.get(User, fred.id).role == "employee"


def test_admin_cannot_demote_or_deactivate_themself(api, admin):
    me = api(admin)
    assert_error(me.patch(f"/api/v1/users/{admin.id}", {"role": "employee"}), 403)
    assert_error(me.patch(f"/api/v1/users/{admin.id}", {"active": False}), 403)
    assert me.get("/api/v1/me").get_json()["role"] == "admin"


def test_patch_refuses_read_only_fields(api, admin, employee):
    for data in ({"email": "x@lumen.example"}, {"id": 5}, {"password": "p" * 12}, {"active": 0}):
        assert_error(api(admin).patch(f"/api/v1/users/{employee.id}", data), 400)
    assert_error(api(admin).patch("/api/v1/users/424242", {"role": "employee"}), 404)


def test_manager_cycles_are_rejected(api, admin, manager, employee):
    client = api(admin)
    body = assert_error(
        client.patch(f"/api/v1/users/{manager.id}", {"manager_id": employee.id}), 400
    )
    assert body["fields"] == {"manager_id": "cycle"}
    body = assert_error(
        client.patch(f"/api/v1/users/{manager.id}", {"manager_id": manager.id}), 400
    )
    assert body["fields"] == {"manager_id": "cycle"}
    db.session.rollback()
    assert db.session.get(User, manager.id).manager_id is None
    # a longer chain: admin -> manager -> employee; making admin report to employee is a cycle
    assert client.patch(f"/api/v1/users/{manager.id}", {"manager_id": admin.id}).status_code == 200
    assert_error(client.patch(f"/api/v1/users/{admin.id}", {"manager_id": employee.id}), 400)


def test_html_in_display_name_is_stored_and_returned_as_text(api, admin, employee):
    name = '<img src=x onerror="alert(1)"> & <b>Bob</b>'
    response = api(admin).patch(f"/api/v1/users/{employee.id}", {"display_name": name})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == name
    assert api(employee).get("/api/v1/me").get_json()["display_name"] == name
    db.session.rollback()
    assert db.session.get(User, employee.id).display_name == name


# --- deactivation -----------------------------------------------------------------------


def test_deactivation_ends_cookie_sessions_tokens_and_sockets(
    api, app, auth, admin, employee, token_for, socket_for
):
    cookie_client = auth.login(employee)
    token = token_for(employee)
    token_client = type(api(None))(app.test_client(), token)
    token_socket = socket_for(employee)
    cookie_socket = socketio.test_client(app, flask_test_client=cookie_client)
    assert token_socket.is_connected() and cookie_socket.is_connected()
    assert cookie_client.get("/api/v1/me").status_code == 200
    assert token_client.get("/api/v1/me").status_code == 200

    response = api(admin).patch(f"/api/v1/users/{employee.id}", {"active": False})
    assert response.status_code == 200
    assert response.get_json()["active"] is False

    assert_error(cookie_client.get("/api/v1/me"), 401)
    assert_error(token_client.get("/api/v1/me"), 401)
    assert not token_socket.is_connected()
    assert not cookie_socket.is_connected()
    # nor can they come back
    assert_error(
        app.test_client().post(LOGIN, json={"email": employee.email, "password": PASSWORD}), 401
    )
    assert not socketio.test_client(app, auth={"token": token}).is_connected()
    assert not socketio.test_client(app, flask_test_client=cookie_client).is_connected()


def test_reactivated_user_signs_in_again_but_old_cookies_stay_dead(api, app, auth, admin, employee):
    old = auth.login(employee)
    client = api(admin)
    assert client.patch(f"/api/v1/users/{employee.id}", {"active": False}).status_code == 200
    assert client.patch(f"/api/v1/users/{employee.id}", {"active": True}).status_code == 200
    assert_error(old.get("/api/v1/me"), 401)
    assert auth.login(employee).get("/api/v1/me").status_code == 200


def test_a_lost_race_for_an_email_is_a_conflict_not_a_crash(api, admin, employee, monkeypatch):
    monkeypatch.setattr("socialnet.services.accounts._email_taken", lambda _email: False)
    before = count_rows(User)
    response = api(admin).post("/api/v1/users", _full_user(admin.id, email=employee.email))
    assert assert_error(response, 409, "conflict")["fields"] == {"email": "taken"}
    assert count_rows(User) == before


def test_remember_me_cookie_dies_with_deactivation(api, app, admin, employee):
    client = app.test_client()
    response = client.post(
        LOGIN, json={"email": employee.email, "password": PASSWORD, "remember": True}
    )
    assert response.status_code == 200
    remember = client.get_cookie("remember_token")
    assert remember is not None

    def fresh_client_with_only_the_remember_cookie():
        fresh = app.test_client()
        fresh.set_cookie("remember_token", remember.value)
        return fresh

    assert fresh_client_with_only_the_remember_cookie().get("/api/v1/me").status_code == 200
    admin_client = api(admin)
    assert admin_client.patch(f"/api/v1/users/{employee.id}", {"active": False}).status_code == 200
    assert admin_client.patch(f"/api/v1/users/{employee.id}", {"active": True}).status_code == 200
    assert_error(fresh_client_with_only_the_remember_cookie().get("/api/v1/me"), 401)


def test_token_last_use_is_recorded_to_the_hour(api, employee):
    from datetime import timedelta

    me = api(employee)
    assert me.get("/api/v1/me").status_code == 200
    token = db.session.scalars(db.select(ApiToken).filter_by(user_id=employee.id)).one()
    first_use = token.last_used_at
    assert first_use is not None
    assert me.get("/api/v1/me").status_code == 200
    db.session.refresh(token)
    assert token.last_used_at == first_use  # not rewritten on every call
    token.last_used_at = first_use - timedelta(hours=2)
    db.session.commit()
    assert me.get("/api/v1/me").status_code == 200
    db.session.refresh(token)
    assert token.last_used_at > first_use - timedelta(hours=2)
    listed = me.get("/api/v1/tokens").get_json()["items"]
    assert listed[0]["last_used_at"] is not None


@pytest.mark.parametrize("name", ["Ana\u202eevil", "Ana\x7f", "Ana\x85Martin", "Ana\u2066x"])
def test_display_names_refuse_direction_overrides_and_c1_controls(api, admin, name):
    body = {"email": "bidi@lumen.example", "display_name": name, "password": "long password 1"}
    before = count_rows(User)
    response = api(admin).post("/api/v1/users", body)
    assert_error(response, 400)
    assert count_rows(User) == before
