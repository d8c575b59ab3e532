"""Abuse limits: 429 with Retry-After, per person / account / address, settings-driven."""

from __future__ import annotations

import time

import pytest

from socialnet import create_app
from socialnet.ratelimits import limiter
from tests.conftest import PASSWORD
from tests.helpers import assert_error
from tests.web import form


@pytest.fixture
def limits_on(app):
    """Limits on, with fresh counters, for this test only; ``limits_on(NAME=value)`` sets
    a bucket's limit."""
    changed: dict[str, object] = {}

    def set_limit(**buckets: str) -> None:
        for name, value in buckets.items():
            key = f"SOCIALNET_RATE_{name.upper()}"
            changed.setdefault(key, app.config.get(key))
            app.config[key] = value

    limiter.reset()
    app.config["RATE_LIMITS_ENABLED"] = True
    yield set_limit
    app.config["RATE_LIMITS_ENABLED"] = False
    for key, value in changed.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value
    limiter.reset()


def _login(client, email: str, password: str):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_posting_is_limited_per_person_with_retry_after(api, employee, fred, limits_on):
    limits_on(posts="3 per minute")
    client = api(employee)
    for i in range(3):
        assert client.post("/api/v1/posts", {"body": f"post {i}"}).status_code == 201
    refused = client.post("/api/v1/posts", {"body": "one too many"})
    body = assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    assert body["message"]
    # polls share the bucket; another person has their own
    assert_error(client.post("/api/v1/polls", {"question": "Q?", "options": ["a", "b"]}), 429)
    assert api(fred).post("/api/v1/posts", {"body": "mine"}).status_code == 201


def test_sign_in_failures_are_limited_per_account_not_successes(app, employee, limits_on):
    limits_on(signin_account="3 per 30 minutes")
    client = app.test_client()
    for _ in range(5):  # successes do not count
        assert _login(client, employee.email, PASSWORD).status_code == 200
    for _ in range(3):
        assert_error(_login(client, employee.email, "wrong guess"), 401)
    locked = _login(client, employee.email, PASSWORD)
    assert_error(locked, 429, "rate_limited")
    assert int(locked.headers["Retry-After"]) <= 30 * 60  # a window, never for good
    # another account from the same address is not affected
    assert_error(_login(client, "nobody@lumen.example", "wrong guess"), 401)


def test_sign_in_failures_are_limited_per_address(app, make_user, limits_on):
    limits_on(signin_ip="4 per 30 minutes", signin_account="100 per 30 minutes")
    client = app.test_client()
    for i in range(4):
        assert_error(_login(client, f"guess{i}@lumen.example", "x" * 12), 401)
    assert_error(_login(client, "guess9@lumen.example", "x" * 12), 429)


def test_the_sign_in_form_shares_the_account_limit(app, employee, limits_on):
    limits_on(signin_account="2 per 30 minutes")
    client = app.test_client()
    for _ in range(2):
        assert_error(_login(client, employee.email, "wrong guess"), 401)
    page = client.get("/sign-in")
    assert page.status_code == 200
    from tests.web import csrf_from

    response = client.post(
        "/sign-in",
        data={"email": employee.email, "password": PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_edits_share_the_posting_limit_and_opening_a_form_does_not_count(
    api, signed_in, employee, make_post, limits_on
):
    limits_on(posts="3 per minute")
    post = make_post(employee, "First draft")
    client, page = api(employee), signed_in(employee)
    for _ in range(5):  # reading the forms is free
        assert page.get(f"/posts/{post.id}/edit").status_code == 200
        assert page.get("/announcements/new").status_code in (200, 403)
    assert client.patch(f"/api/v1/posts/{post.id}", {"body": "Second draft"}).status_code == 200
    edited = form(page, f"/posts/{post.id}/edit", body="Third draft")
    assert edited.status_code == 302
    assert client.post("/api/v1/posts", {"body": "new"}).status_code == 201
    refused = client.patch(f"/api/v1/posts/{post.id}", {"body": "[" * 9999})
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    assert form(page, f"/posts/{post.id}/edit", body="x").status_code == 429
    assert client.get(f"/api/v1/posts/{post.id}").get_json()["body"] == "Third draft"


def test_reports_tokens_comments_and_reactions_have_their_limits(
    api, employee, fred, make_post, limits_on
):
    limits_on(
        reports="1 per hour", tokens="1 per hour", comments="1 per minute", reactions="1 per minute"
    )
    post, other = make_post(employee, "one"), make_post(employee, "two")
    client = api(fred)
    report = {"target_type": "post", "reason": "spam"}
    assert client.post("/api/v1/reports", {**report, "target_id": post.id}).status_code == 201
    assert_error(client.post("/api/v1/reports", {**report, "target_id": other.id}), 429)
    assert client.post(f"/api/v1/posts/{post.id}/comments", {"body": "a"}).status_code == 201
    assert_error(client.post(f"/api/v1/posts/{post.id}/comments", {"body": "b"}), 429)
    assert client.put(f"/api/v1/posts/{post.id}/reactions/like").status_code == 200
    assert_error(client.put(f"/api/v1/posts/{post.id}/reactions/celebrate"), 429)
    # token creation (api(fred) already made one outside the limit's window of this test)
    minted = {"name": "one", "password": PASSWORD}
    assert client.post("/api/v1/tokens", minted).status_code == 201
    assert_error(client.post("/api/v1/tokens", {**minted, "name": "two"}), 429)


def test_the_whole_api_is_limited_per_person(api, employee, fred, limits_on):
    limits_on(api="5 per minute")
    client = api(employee)
    for _ in range(5):
        assert client.get("/api/v1/feed").status_code == 200
    assert_error(client.get("/api/v1/me"), 429)
    assert api(fred).get("/api/v1/feed").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200  # the document is free


def test_socket_messages_are_limited_per_connection(socket_for, employee, limits_on):
    limits_on(socket="3 per 10 seconds")
    sock = socket_for(employee)
    answers = [sock.emit("join", {"room": "company"}, callback=True) for _ in range(4)]
    assert [a.get("ok") for a in answers[:3]] == [True, True, True]
    assert answers[3]["error"] == "rate_limited"
    other = socket_for(employee)  # a new connection has its own allowance
    assert other.emit("join", {"room": "company"}, callback=True)["ok"] is True


def test_limits_are_off_when_the_setting_says_so(api, employee, app):
    assert app.config["RATE_LIMITS_ENABLED"] is False
    client = api(employee)
    for i in range(40):
        assert client.post("/api/v1/posts", {"body": f"burst {i}"}).status_code == 201


def test_the_default_storage_counts_without_a_thread_per_hit(app, monkeypatch):
    """Without Redis the limits live in ``LazyExpiryMemoryStorage``: a hit starts no
    thread (limits' own memory storage starts a Timer at nearly every request), counts
    as limits' does, and a window that ended counts from zero again."""
    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    from socialnet.ratelimits import LazyExpiryMemoryStorage

    assert isinstance(limiter._storage, LazyExpiryMemoryStorage)
    storage = LazyExpiryMemoryStorage("socialnet-memory://")
    started: list[object] = []
    monkeypatch.setattr("threading.Timer.start", lambda timer: started.append(timer), raising=True)
    window = FixedWindowRateLimiter(storage)
    two_a_second = parse("2 per second")
    assert window.hit(two_a_second, "me") and window.hit(two_a_second, "me")
    assert not window.hit(two_a_second, "me")  # the third in the same second
    assert window.hit(two_a_second, "you")  # counters are per key
    assert started == []
    clock = {"now": time.time() + 1.5}
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: clock["now"])
    assert window.hit(two_a_second, "me")  # a new window
    expired = [key for key, ends in storage.expirations.items() if ends <= clock["now"]]
    assert len(expired) == 1 and "you" in expired[0]  # kept until a sweep
    storage._next_sweep = 0.0
    storage.incr("other", 1)  # a sweep, inline, drops what expired
    assert all(ends > clock["now"] for ends in storage.expirations.values())
    assert started == []


def test_a_limited_answer_reports_the_limit_and_an_unlimited_one_does_not(
    api, employee, app, limits_on
):
    """Flask-Limiter's headers come from its after-request hook, which socialnet runs only
    when the request checked a limit (``ratelimits._run_context_hooks_only_when_used``)."""
    limits_on(posts="3 per minute")
    created = api(employee).post("/api/v1/posts", {"body": "counted"})
    assert created.status_code == 201
    assert created.headers["X-RateLimit-Limit"] == "3"
    assert created.headers["X-RateLimit-Remaining"] == "2"
    probe = app.test_client().get("/healthz")
    assert "X-RateLimit-Limit" not in probe.headers
    wrapped = [
        hook
        for hook in [*app.after_request_funcs[None], *app.teardown_request_funcs[None]]
        if hasattr(hook, "wrapped_limiter_hook")
    ]
    assert len(wrapped) == 2  # both of Flask-Limiter's hooks were found and wrapped


def test_a_second_app_in_the_process_does_not_count_requests_twice(
    api, employee, limits_on, tmp_path
):
    """Flask-Limiter keeps each endpoint's limits on the one global limiter: another app
    built in the same process (a benchmark, a test) must not register them again, or
    every request would count twice against its limit."""
    create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}",
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "another-app",
        }
    )
    limits_on(posts="2 per minute")
    client = api(employee)
    statuses = [client.post("/api/v1/posts", {"body": f"post {i}"}).status_code for i in range(3)]
    assert statuses == [201, 201, 429]
