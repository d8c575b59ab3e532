"""Signing out ends the session on the server, not only in the browser.

A copy of the session cookie (or of the remember-me cookie) saved before sign-out,
through the API or the web form, no longer reads anything; sockets opened with it
are disconnected; the person's other sessions stay signed in.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from socialnet.extensions import db, socketio
from socialnet.models import ApiToken, User, UserSession
from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.web import csrf_from

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"


def _replay(app, name: str, value: str):
    """A new browser holding only a saved copy of one cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def _api_login(app, user: User, *, remember: bool = False):
    client = app.test_client()
    response = client.post(
        LOGIN, json={"email": user.email, "password": PASSWORD, "remember": remember}
    )
    assert response.status_code == 200, response.get_json()
    client.csrf_token = response.get_json()["csrf_token"]
    return client


def _form_login(app, user: User, *, remember: bool = False):
    client = app.test_client()
    data = {
        "email": user.email,
        "password": PASSWORD,
        "csrf_token": csrf_from(client.get("/sign-in")),
    }
    if remember:
        data["remember"] = "on"
    assert client.post("/sign-in", data=data).status_code == 302
    return client


def test_a_cookie_saved_before_api_logout_reads_nothing_after(app, employee):
    client = _api_login(app, employee)
    saved = client.get_cookie("session").value
    assert _replay(app, "session", saved).get(ME).get_json()["id"] == employee.id

    assert client.post(LOGOUT, headers={"X-CSRFToken": client.csrf_token}).status_code == 204
    assert_error(_replay(app, "session", saved).get(ME), 401, "unauthenticated")
    assert _replay(app, "session", saved).get("/").status_code == 302  # to the sign-in page


def test_a_cookie_saved_before_the_web_sign_out_reads_nothing_after(app, employee):
    client = _form_login(app, employee)
    saved = client.get_cookie("session").value
    token = csrf_from(client.get("/"))
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert_error(_replay(app, "session", saved).get(ME), 401, "unauthenticated")


def test_a_remember_me_cookie_saved_before_sign_out_dies_with_the_session(app, employee):
    for login, sign_out in (
        (_api_login, lambda c: c.post(LOGOUT, headers={"X-CSRFToken": c.csrf_token})),
        (_form_login, lambda c: c.post("/sign-out", data={"csrf_token": csrf_from(c.get("/"))})),
    ):
        client = login(app, employee, remember=True)
        remember = client.get_cookie("remember_token").value
        restored = _replay(app, "remember_token", remember)
        assert restored.get(ME).get_json()["id"] == employee.id  # it works until sign-out
        assert sign_out(client).status_code in (204, 302)
        assert_error(_replay(app, "remember_token", remember).get(ME), 401)
        # nor does the browser that was restored from it before stay signed in
        assert_error(restored.get(ME), 401)


def test_signing_out_ends_this_session_only(app, employee):
    here, elsewhere = _api_login(app, employee), _api_login(app, employee)
    assert here.post(LOGOUT, headers={"X-CSRFToken": here.csrf_token}).status_code == 204
    assert elsewhere.get(ME).get_json()["id"] == employee.id
    rows = db.session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert [row.ended_at is not None for row in rows] == [True, False]


def test_sockets_opened_with_the_cookie_are_disconnected_at_sign_out(app, employee):
    here, elsewhere = _api_login(app, employee), _api_login(app, employee)
    mine = socketio.test_client(app, flask_test_client=here)
    other = socketio.test_client(app, flask_test_client=elsewhere)
    assert mine.is_connected() and other.is_connected()
    assert here.post(LOGOUT, headers={"X-CSRFToken": here.csrf_token}).status_code == 204
    assert not mine.is_connected()
    assert other.is_connected()
    other.disconnect()


def test_sign_out_everywhere_ends_every_session_row(app, employee):
    here, elsewhere = _api_login(app, employee), _api_login(app, employee, remember=True)
    remember = elsewhere.get_cookie("remember_token").value
    response = here.post("/api/v1/me/sessions/revoke-all", headers={"X-CSRFToken": here.csrf_token})
    assert response.status_code == 204
    assert_error(elsewhere.get(ME), 401)
    assert_error(_replay(app, "remember_token", remember).get(ME), 401)
    assert all(row.ended_at for row in db.session.scalars(select(UserSession)))


def test_a_session_from_before_server_side_sessions_must_sign_in_again(app, employee):
    """Cookies issued before the ``user_sessions`` table name no session row: refused."""
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = f"{employee.id}:{employee.session_epoch}"
        cookie["_fresh"] = True
    assert_error(client.get(ME), 401)


def test_a_forged_or_foreign_session_key_is_refused(app, employee, fred):
    client = _api_login(app, employee)
    with client.session_transaction() as cookie:
        user_id = cookie["_user_id"]
    _uid, epoch, key = user_id.split(":", 2)
    for forged in (f"{fred.id}:{epoch}:{key}", f"{employee.id}:{epoch}:{key}x", "x:y:z", ""):
        thief = app.test_client()
        with thief.session_transaction() as cookie:
            cookie["_user_id"] = forged
        assert_error(thief.get(ME), 401)
    assert client.get(ME).get_json()["id"] == employee.id


def test_account_deletion_removes_the_session_rows(api, app, employee):
    _api_login(app, employee)
    assert api(employee).delete(ME, json_body={"password": PASSWORD}).status_code == 204
    assert db.session.scalars(select(UserSession).filter_by(user_id=employee.id)).all() == []


def test_the_data_export_lists_the_persons_sessions_without_their_keys(app, api, employee):
    client = _api_login(app, employee)
    with client.session_transaction() as cookie:
        key = cookie["_user_id"].rsplit(":", 1)[1]
    assert client.post(LOGOUT, headers={"X-CSRFToken": client.csrf_token}).status_code == 204
    _api_login(app, employee)
    response = api(employee).get("/api/v1/me/export")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = json.loads(archive.read("data.json"))
        readme = archive.read("README.txt").decode()
    assert [s["ended_at"] is not None for s in data["sessions"]] == [True, False]
    assert set(data["sessions"][0]) == {"created_at", "last_seen_at", "ended_at"}
    assert "sessions" in readme and key not in json.dumps(data)


def test_last_seen_is_refreshed_every_few_minutes_not_on_every_request(app, employee):
    client = _api_login(app, employee)
    row = db.session.scalars(select(UserSession)).one()
    first = row.last_seen_at
    assert client.get(ME).status_code == 200
    db.session.refresh(row)
    assert row.last_seen_at == first  # just started: not rewritten
    row.last_seen_at = first - timedelta(minutes=6)
    db.session.commit()
    assert client.get(ME).status_code == 200
    db.session.refresh(row)
    assert row.last_seen_at > first - timedelta(minutes=6)


def test_signing_in_again_in_the_same_browser_ends_its_previous_session(app, employee, fred):
    client = _api_login(app, employee)
    saved = client.get_cookie("session").value
    response = client.post(LOGIN, json={"email": fred.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get(ME).get_json()["id"] == fred.id
    assert_error(_replay(app, "session", saved).get(ME), 401)


def test_a_socket_cannot_leave_the_rooms_that_end_it(app, employee, api, token_for):
    """Leaving ``session:<id>`` or ``token:<id>`` would keep a socket receiving live
    events after sign-out or revocation: those rooms cannot be left."""
    client = _api_login(app, employee)
    sock = socketio.test_client(app, flask_test_client=client)
    row = db.session.scalars(select(UserSession)).one()
    answer = sock.emit("leave", {"room": f"session:{row.id}"}, callback=True)
    assert answer["error"] == "invalid"
    assert client.post(LOGOUT, headers={"X-CSRFToken": client.csrf_token}).status_code == 204
    assert not sock.is_connected()

    secret = token_for(employee)
    by_token = socketio.test_client(app, auth={"token": secret})
    token_id = db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first().id
    answer = by_token.emit("leave", {"room": f"token:{token_id}"}, callback=True)
    assert answer["error"] == "invalid"
    assert api(employee).delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert not by_token.is_connected()
