"""Browser security (issue #7): CSRF on every cookie-authenticated change, response
headers on every kind of response, cookies, the socket Origin rule, and appeals that
race each other.

The route lists are read from ``app.url_map``, so a route added later is covered
without touching this file.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from socialnet import PROJECT_ROOT
from socialnet.config import check_socket_origins, finalize, load_config
from socialnet.extensions import db, socketio
from socialnet.models import ModerationCase, Post, User
from socialnet.services import cases
from socialnet.services.tokens import do_create_token
from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.moderation_fixtures import act, reported_case
from tests.web import csrf_from

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
#: Create a session rather than act for one: JSON only, which no cross-site form can send.
SESSION_STARTERS = {"api.login", "api.signup"}
#: Authorized by a signed token in their URL, never by the cookie: RFC 8058's one-click
#: unsubscribe is posted by mail clients, without cookies or CSRF token. Forged here
#: (no token), they must refuse and change nothing all the same.
TOKEN_AUTHORIZED = {"digest.unsubscribe_submit", "newsletters.unsubscribe_submit"}


# --- helpers ---------------------------------------------------------------------------


def _url(rule, ids: dict[str, int]) -> str:
    """``rule`` with its arguments filled: ids from ``ids`` (else 1), sensible words."""
    values: dict[str, Any] = {}
    for arg in rule.arguments:
        if arg in ids:
            values[arg] = ids[arg]
        elif arg == "kind":
            values[arg] = "like"
        elif arg == "decision":
            values[arg] = "approve"
        elif arg == "table":
            values[arg] = "daily"
        elif arg == "filename":
            values[arg] = "js/app.js"
        elif hasattr(rule._converters.get(arg), "items"):  # <any(a, b):arg>: its first word
            values[arg] = sorted(rule._converters[arg].items)[0]
        else:
            values[arg] = 1
    return rule.build(values, append_unknown=False)[1]


def _rules(app, methods) -> list[tuple[str, Any]]:
    out = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule.methods & set(methods)):
            out.append((method, rule))
    return out


#: Audit entries that record a read, not a change: a download of personal data is
#: logged on purpose (who saw whose data), even though it is a GET.
READ_AUDITS = ("personal_data.exported",)


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read afresh: the whole database, for "nothing changed"."""
    db.session.rollback()
    out = {}
    for table in db.metadata.sorted_tables:
        query = select(table)
        if table.name == "audit_log":
            query = query.where(table.c.action.not_in(READ_AUDITS))
        rows = db.session.execute(query).all()
        out[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return out


@pytest.fixture
def world(make_post, make_group, employee, fred, cm):
    """Something for every kind of id to point at, so refusals are not mere 404s."""
    group = make_group("Formation", members=(employee,))
    post = make_post(employee, "Hello colleagues")
    return {
        "post_id": post.id,
        "group_id": group.id,
        "user_id": fred.id,
        "person_id": fred.id,
    }


def _signed_in_api(auth, user: User):
    """A cookie client signed in through the JSON sign-in (holds ``csrf_token``)."""
    return auth.login(user)


# --- 1. CSRF ---------------------------------------------------------------------------


def test_every_cookie_authenticated_change_needs_the_csrf_token(app, auth, employee, world):
    client = _signed_in_api(auth, employee)
    before = _snapshot()
    checked = 0
    for method, rule in _rules(app, UNSAFE):
        if rule.endpoint in SESSION_STARTERS:
            continue
        url = _url(rule, world)
        if rule.endpoint in TOKEN_AUTHORIZED:
            response = client.open(url, method=method, data={"body": "forged"})
            assert response.status_code == 400, (method, url, response.status_code)
        elif rule.rule.startswith("/api/"):
            response = client.open(url, method=method, json={})
            assert_error(response, 403, "csrf_failed")
            assert "CSRF" in response.get_json()["message"], (method, url)
        else:
            response = client.open(url, method=method, data={"body": "forged"})
            assert response.status_code in (400, 403), (method, url, response.status_code)
            assert "did not come from socialnet" in response.get_data(as_text=True), (method, url)
        checked += 1
    assert checked >= 90, checked  # both blueprints' forms and the whole API
    assert _snapshot() == before  # nothing changed, anywhere
    # still signed in: /sign-out and revoke-all were refused too
    assert client.get("/api/v1/me").status_code == 200


def test_a_forged_or_foreign_token_is_refused_too(app, auth, employee, fred, world):
    client = _signed_in_api(auth, employee)
    other = _signed_in_api(auth, fred)
    for token in ("forged", other.csrf_token):  # another session's token is not this one's
        refused = client.post("/api/v1/posts", json={"body": "x"}, headers={"X-CSRFToken": token})
        assert_error(refused, 403, "csrf_failed")
        form = client.post("/posts", data={"body": "x", "csrf_token": token})
        assert form.status_code == 400
    assert db.session.scalar(select(db.func.count()).select_from(Post)) == 1
    # and the right token works, so the refusals above are about the token alone
    ok = client.post(
        "/api/v1/posts", json={"body": "x"}, headers={"X-CSRFToken": client.csrf_token}
    )
    assert ok.status_code == 201


def test_session_starters_accept_json_only(app, employee):
    client = app.test_client()
    for path in ("/api/v1/auth/login", "/api/v1/auth/signup"):
        response = client.post(path, data={"email": employee.email, "password": PASSWORD})
        assert_error(response, 400)
    assert client.get("/api/v1/me").status_code == 401


def test_bearer_calls_need_no_csrf_token(app, employee, world):
    """The same changes with ``Authorization: Bearer`` (which no browser adds by itself)
    pass the CSRF gate: whatever the answer, it is never a CSRF refusal."""
    client = app.test_client()
    for method, rule in _rules(app, UNSAFE):
        if not rule.rule.startswith("/api/") or rule.endpoint in SESSION_STARTERS:
            continue
        _token, secret = do_create_token(employee, {"name": "csrf"})
        db.session.commit()
        response = client.open(
            _url(rule, world),
            method=method,
            json={},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert response.status_code < 500, (method, rule.rule)
        body = response.get_json(silent=True) or {}
        assert body.get("error") != "csrf_failed", (method, rule.rule, body)
    _token, secret = do_create_token(employee, {"name": "post"})
    db.session.commit()
    created = client.post(
        "/api/v1/posts", json={"body": "by token"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert created.status_code == 201


def test_no_get_route_changes_state(app, auth, employee, world):
    client = _signed_in_api(auth, employee)
    before = _snapshot()
    for _method, rule in _rules(app, {"GET"}):
        response = client.get(_url(rule, world))
        response.close()
        assert response.status_code < 500, (rule.rule, response.status_code)
    assert _snapshot() == before
    assert client.get("/api/v1/me").status_code == 200  # no GET signed us out
    # the obvious suspects have no GET at all
    for path in ("/sign-out", "/sign-out-everywhere", "/api/v1/auth/logout", "/notifications/read"):
        assert client.get(path).status_code == 405, path


# --- 2. headers ------------------------------------------------------------------------


def _directives(csp: str) -> dict[str, list[str]]:
    out = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _assert_common_headers(response, what: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Referrer-Policy") == "same-origin", what
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", what
    policy = headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy, (what, policy)
    csp = _directives(headers.get("Content-Security-Policy", ""))
    assert csp.get("frame-ancestors") == ["'none'"], (what, csp)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts and not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(scripts), (what, csp)
    assert "Strict-Transport-Security" not in headers, what  # served over http here


@pytest.fixture
def response_kinds(app, auth, api, employee, cm, monkeypatch):
    """One response of every kind the app sends, as ``{name: response}``."""
    client = _signed_in_api(auth, employee)
    poll = api(employee).post("/api/v1/polls", {"question": "Lunch?", "options": ["Yes", "No"]})
    assert poll.status_code == 201, poll.get_json()
    poll_id = poll.get_json()["poll"]["id"]
    kinds = {
        "html page": client.get("/"),
        "json": client.get("/api/v1/me"),
        "csv": client.get(f"/api/v1/polls/{poll_id}/results.csv"),
        "analytics csv": api(cm).get("/api/v1/analytics/daily.csv"),
        "zip download": client.get("/api/v1/me/export"),
        "static js": client.get("/static/js/app.js"),
        "static css": client.get("/static/css/app.css"),
        "404 page": client.get("/no/such/page"),
        "404 json": client.get("/api/v1/no/such"),
        "405 page": client.get("/sign-out"),
        "csrf page": client.post("/posts", data={"body": "x"}),
        "anonymous page": app.test_client().get("/sign-in"),
        "healthz": app.test_client().get("/healthz"),
        "engine.io polling": app.test_client().get("/socket.io/?EIO=4&transport=polling"),
    }
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer a crash with the 500 page

    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.view_functions, "feed.home", crash)
    kinds["500 page"] = client.get("/")
    yield kinds
    for response in kinds.values():
        response.close()  # static files are streamed from an open file


def test_every_kind_of_response_carries_the_security_headers(response_kinds):
    expected = {
        "html page": (200, "text/html"),
        "json": (200, "application/json"),
        "csv": (200, "text/csv"),
        "analytics csv": (200, "text/csv"),
        "zip download": (200, "application/zip"),
        "static js": (200, "text/javascript"),
        "static css": (200, "text/css"),
        "404 page": (404, "text/html"),
        "404 json": (404, "application/json"),
        "405 page": (405, "text/html"),
        "csrf page": (400, "text/html"),
        "anonymous page": (200, "text/html"),
        "healthz": (200, "application/json"),
        "engine.io polling": (200, "text/plain"),
        "500 page": (500, "text/html"),
    }
    for name, response in response_kinds.items():
        status, mimetype = expected[name]
        assert (response.status_code, response.mimetype) == (status, mimetype), name
        _assert_common_headers(response, name)
        if mimetype == "text/html":
            csp = _directives(response.headers["Content-Security-Policy"])
            assert csp["script-src"] == ["'self'"] and csp["object-src"] == ["'none'"], name
        else:
            assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_private_responses_are_never_stored_static_files_may_be(response_kinds):
    for name, response in response_kinds.items():
        if name.startswith("static"):
            assert "no-store" not in response.headers.get("Cache-Control", ""), name
        else:
            assert response.headers.get("Cache-Control") == "no-store", name


def test_hsts_only_when_served_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    for path in ("/sign-in", "/api/v1/openapi.json", "/static/js/app.js", "/nowhere"):
        response = client.get(path)
        response.close()
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert hsts.startswith("max-age=31536000"), path


class _InlineCode(HTMLParser):
    """Collects what a script-src 'self' / style-src 'self' policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._script_without_src = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if re.fullmatch(r"on[a-z]+", name):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=…> inline style")
            if value and re.match(r"\s*javascript:", value, re.IGNORECASE):
                self.problems.append(f"<{tag} {name}='javascript:…'>")
        if tag == "script" and "src" not in attributes:
            if attributes.get("type") != "application/json":  # a data island is never run
                self.problems.append("<script> with an inline body")
            self._script_without_src = True
        if tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_without_src = False


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.problems


def test_the_parser_finds_inline_code():
    html = (
        '<a href="javascript:go()">x</a><button onclick="go()">b</button>'
        '<p style="color:red"></p><script>go()</script><style>p{}</style>'
        '<script id="d" type="application/json">{}</script><script src="/a.js"></script>'
    )
    assert len(_inline_code(html)) == 5


def test_templates_have_no_inline_scripts_handlers_or_styles():
    templates = sorted((PROJECT_ROOT / "templates").glob("*.html"))
    assert len(templates) > 20
    found = {t.name: _inline_code(t.read_text()) for t in templates}
    assert {name: p for name, p in found.items() if p} == {}


def test_rendered_pages_have_no_inline_code(auth, employee, cm, world, make_post):
    make_post(employee, "A [link](https://example.com) and **bold** with <b onclick=x>html</b>")
    client = _signed_in_api(auth, employee)
    moderator = _signed_in_api(auth, cm)
    pages = [
        client.get("/"),
        client.get(f"/posts/{world['post_id']}"),
        client.get(f"/groups/{world['group_id']}"),
        client.get(f"/people/{world['person_id']}"),
        client.get("/notifications"),
        moderator.get("/moderation"),
        moderator.get("/analytics"),
    ]
    for page in pages:
        assert page.status_code == 200, page.request.path
        assert _inline_code(page.get_data(as_text=True)) == [], page.request.path


def test_our_javascript_builds_no_inline_code():
    """What app.js and friends do at run time is subject to the same policy."""
    forbidden = re.compile(
        r"eval\(|new Function\(|javascript:|setAttribute\(\s*[\"'](on\w+|style)[\"']"
        r"|\.on\w+\s*=\s*[\"']|insertAdjacentHTML|document\.write"
    )
    scripts = sorted((PROJECT_ROOT / "static" / "js").glob("*.js"))
    assert scripts
    hits = [
        f"{path.name}:{n}: {line.strip()}"
        for path in scripts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line)
    ]
    assert hits == []


# --- 3. cookies ------------------------------------------------------------------------


def _set_cookies(response) -> dict[str, str]:
    out = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        out[name] = header
    return out


def _sign_in_by_form(app, user: User):
    client = app.test_client()
    token = csrf_from(client.get("/sign-in"))
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token, "remember": "on"},
    )
    assert response.status_code == 302
    return response


def _sign_in_by_api(app, user: User):
    response = app.test_client().post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD, "remember": True}
    )
    assert response.status_code == 200
    return response


def _assert_cookie_flags(response, *, secure: bool) -> None:
    cookies = _set_cookies(response)
    assert {"session", "remember_token"} <= set(cookies), cookies
    for name in ("session", "remember_token"):
        attributes = {a.strip().split("=")[0].lower(): a for a in cookies[name].split(";")[1:]}
        assert "httponly" in attributes, cookies[name]
        assert attributes.get("samesite", "").strip().lower() in ("samesite=lax", "samesite=strict")
        assert ("secure" in attributes) is secure, cookies[name]


def test_keep_me_signed_in_lasts_thirty_days_not_a_year(app, employee):
    cookie = _set_cookies(_sign_in_by_form(app, employee))["remember_token"]
    expires = next(a for a in cookie.split(";") if a.strip().lower().startswith("expires="))
    when = parsedate_to_datetime(expires.split("=", 1)[1])
    days = (when - datetime.now(UTC)).total_seconds() / 86400
    assert 29.9 < days <= 30, cookie
    assert "Expires" not in _set_cookies(_sign_in_by_form(app, employee))["session"]


def test_cookies_over_http_are_httponly_and_samesite(app, employee):
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    _assert_cookie_flags(_sign_in_by_form(app, employee), secure=False)
    _assert_cookie_flags(_sign_in_by_api(app, employee), secure=False)


def test_session_cookie_secure_makes_both_cookies_secure(app, employee, monkeypatch, tmp_path):
    # The setting as deployed: the environment, or create_app's config mapping.
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    from_env = load_config(tmp_path)
    finalize(from_env, None)
    monkeypatch.delenv("SESSION_COOKIE_SECURE")
    overrides = {"SESSION_COOKIE_SECURE": True}
    from_mapping = {**load_config(tmp_path), **overrides}  # what create_app does
    finalize(from_mapping, overrides)
    for config in (from_env, from_mapping):
        assert config["SESSION_COOKIE_SECURE"] is True
        assert config["REMEMBER_COOKIE_SECURE"] is True
    # … and a real sign-in under those settings.
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    _assert_cookie_flags(_sign_in_by_form(app, employee), secure=True)
    _assert_cookie_flags(_sign_in_by_api(app, employee), secure=True)


# --- 4. socket Origin ------------------------------------------------------------------


def test_socket_origin_rule(app, auth, employee, token_for):
    token = token_for(employee)
    cookie_client = _signed_in_api(auth, employee)

    def connects(headers: dict[str, str] | None = None, *, cookie: bool = False) -> bool:
        kwargs: dict[str, Any] = {"headers": headers or {}}
        if cookie:
            kwargs["flask_test_client"] = cookie_client
        else:
            kwargs["auth"] = {"token": token}
        sock = socketio.test_client(app, **kwargs)
        connected = sock.is_connected()
        if connected:
            sock.disconnect()
        return connected

    evil = {"Origin": "https://evil.example"}
    same = {"Origin": "http://localhost"}
    assert not connects(evil) and not connects(evil, cookie=True)
    assert connects(same) and connects(same, cookie=True)
    assert connects(), "a non-browser client (no Origin) with a token"
    assert connects({"Sec-Fetch-Site": "same-origin"}, cookie=True)
    # no Origin, but the browser says the request comes from another site
    for site in ("cross-site", "same-site"):
        assert not connects({"Sec-Fetch-Site": site}, cookie=True), site
    # a '*' smuggled into the configuration is not honoured by the connect handler
    app.config["SOCKETIO_CORS_ORIGINS"] = ["*"]
    assert not connects(evil)


def test_engineio_checks_origin_with_the_same_rule(app):
    """The real transport: Engine.IO's handshake refuses a foreign Origin itself."""
    eio = socketio.server.eio
    assert callable(eio.cors_allowed_origins) and eio.cors_allowed_origins != "*"
    client = app.test_client()
    path = "/socket.io/?EIO=4&transport=polling"
    foreign = client.get(path, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 400
    assert "Access-Control-Allow-Origin" not in foreign.headers
    own = client.get(path, headers={"Origin": "http://localhost"})
    assert own.status_code == 200
    assert own.headers["Access-Control-Allow-Origin"] == "http://localhost"
    assert client.get(path).status_code == 200  # no Origin: not a browser


def test_a_wildcard_socket_origin_is_refused_at_start_up():
    for origins in ("*", ["https://a.example", "*"], [" * "]):
        with pytest.raises(RuntimeError, match="cannot be"):
            check_socket_origins(origins)
    check_socket_origins(None)
    check_socket_origins(["https://intranet.example.com"])


# --- 5. appeals racing each other ------------------------------------------------------


def _appealable_case(api, employee, fred, cm, make_post) -> int:
    post = make_post(employee)
    case_id = reported_case(api(fred), "post", post.id)
    assert act(api(cm), case_id, "hide").status_code == 200
    return case_id


def _commit_competing_appeal(case_id: int, user_id: int) -> None:
    """Another request's appeal, committed on its own connection."""
    with db.engine.begin() as connection:
        connection.execute(
            insert(ModerationCase).values(
                kind="appeal",
                target_type="post",
                target_id=0,
                subject_user_id=user_id,
                severity=2,
                summary="the other request",
                appeal_of_id=case_id,
            )
        )


def test_two_appeals_racing_make_one_case_and_a_409(
    app, api, employee, fred, cm, make_post, monkeypatch
):
    case_id = _appealable_case(api, employee, fred, cm, make_post)
    real_check = cases.already_appealed

    def check_then_lose_the_race(checked_id: int) -> bool:
        answer = real_check(checked_id)  # nothing yet…
        _commit_competing_appeal(checked_id, employee.id)  # …then the other request commits
        return answer

    monkeypatch.setattr(cases, "already_appealed", check_then_lose_the_race)
    response = api(employee).post(f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "Why?"})
    body = assert_error(response, 409, "conflict")
    assert body["message"] == "You have already appealed this decision."
    db.session.rollback()
    appeals = db.session.scalars(
        select(ModerationCase.summary).where(ModerationCase.appeal_of_id == case_id)
    ).all()
    assert appeals == ["the other request"]


def test_racing_appeal_through_the_form_is_a_message_not_a_crash(
    app, api, signed_in, employee, fred, cm, make_post, monkeypatch
):
    case_id = _appealable_case(api, employee, fred, cm, make_post)
    client = signed_in(employee)
    real_check = cases.already_appealed

    def check_then_lose_the_race(checked_id: int) -> bool:
        answer = real_check(checked_id)
        _commit_competing_appeal(checked_id, employee.id)
        return answer

    monkeypatch.setattr(cases, "already_appealed", check_then_lose_the_race)
    response = client.post(
        f"/moderation/mine/{case_id}/appeal", data={"text": "Why?", "csrf_token": client.csrf}
    )
    assert response.status_code == 409
    assert "already appealed this decision" in response.get_data(as_text=True)


def test_an_appeal_still_works_and_is_whole(api, employee, fred, cm, make_post):
    case_id = _appealable_case(api, employee, fred, cm, make_post)
    response = api(employee).post(f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "Why?"})
    assert response.status_code == 201
    appeal = db.session.get(ModerationCase, response.get_json()["id"])
    assert (appeal.kind, appeal.status, appeal.appeal_of_id, appeal.appeal_text) == (
        "appeal",
        "open",
        case_id,
        "Why?",
    )
    assert appeal.opened_at is not None and appeal.updated_at is not None
    again = api(employee).post(f"/api/v1/moderation/cases/{case_id}/appeal", {"text": "Again"})
    assert_error(again, 409, "conflict")


def test_source_tree_paths_exist():
    """The scans above read real directories (a moved folder must not make them vacuous)."""
    assert Path(PROJECT_ROOT / "templates" / "base.html").exists()
    assert Path(PROJECT_ROOT / "static" / "js" / "app.js").exists()
