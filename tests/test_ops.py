"""Operations: /healthz, /readyz, /metrics, the message queue's wire format and failures,
cross-process presence messages, and the cluster-wide lock of the job loop.

Tests that need Redis use the local server on 6379 (CI runs one); without it they
fail, they never skip.
"""

from __future__ import annotations

import json
import logging
import pickle
import re
import threading
import time
import uuid

import pytest
import redis
from prometheus_client import REGISTRY

from socialnet.config import engine_options, load_config
from socialnet.extensions import db
from socialnet.jobs import cluster_lock, run_due_jobs
from socialnet.realtime import presence
from socialnet.realtime.queue import CONTROL_METHOD, ObservedRedisManager, decode
from tests.conftest import received_events
from tests.live_server import free_port

LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _bad_database_uri() -> str:
    if db.engine.dialect.name == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
    return "sqlite:////nonexistent-directory/socialnet.db"


# -- configuration ---------------------------------------------------------


def test_pool_is_sized_from_the_environment_for_a_server_database(monkeypatch, tmp_path):
    monkeypatch.setenv("SOCIALNET_DB_POOL_SIZE", "7")
    monkeypatch.setenv("SOCIALNET_DB_MAX_OVERFLOW", "3")
    monkeypatch.setenv("SOCIALNET_DB_POOL_TIMEOUT", "4.5")
    options = engine_options("postgresql+psycopg://u@db/socialnet")
    assert options["pool_size"] == 7 and options["max_overflow"] == 3
    assert options["pool_timeout"] == 4.5 and "pool_pre_ping" not in options  # see db_pool
    assert options["connect_args"]["connect_timeout"] == 5
    assert engine_options("sqlite:///x.db") == {}
    assert "prepare_threshold" not in options["connect_args"]  # psycopg's default: 5


def test_prepared_statements_can_be_turned_off_for_a_pooler(monkeypatch):
    """Behind PgBouncer in transaction mode without prepared-statement support."""
    monkeypatch.setenv("SOCIALNET_DB_PREPARED_STATEMENTS", "0")
    options = engine_options("postgresql+psycopg://u@db/socialnet")
    assert "prepare_threshold" in options["connect_args"]
    assert options["connect_args"]["prepare_threshold"] is None


def test_message_queue_defaults_to_redis_url(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k")
    monkeypatch.delenv("SOCKETIO_MESSAGE_QUEUE", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/2")
    assert load_config(tmp_path)["SOCKETIO_MESSAGE_QUEUE"] == "redis://cache:6379/2"
    monkeypatch.setenv("SOCKETIO_MESSAGE_QUEUE", "redis://queue:6379/0")
    assert load_config(tmp_path)["SOCKETIO_MESSAGE_QUEUE"] == "redis://queue:6379/0"


# -- probes ------------------------------------------------------------------


def test_healthz_answers_without_a_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready" and body["checks"]["database"]["ok"] is True
    assert "redis" not in body["checks"]  # no message queue configured


def test_readyz_fails_fast_when_the_database_is_down(app, client):
    app.config["SQLALCHEMY_DATABASE_URI"] = _bad_database_uri()
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unready" and body["failed"] == ["database"]
    assert "nowhere" not in response.text and "nonexistent" not in response.text  # no details


def test_readyz_checks_redis_when_configured(app, client):
    app.config["REDIS_URL"] = LOCAL_REDIS
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["checks"]["redis"]["ok"] is True

    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503 and response.get_json()["failed"] == ["redis"]


# -- metrics -----------------------------------------------------------------


def test_metrics_expose_latency_per_endpoint_sockets_and_events(client, api, employee, socket_for):
    assert api(employee).get("/api/v1/feed").status_code == 200
    before = _sample("socialnet_events_emitted_total", type="post.created")
    assert api(employee).post("/api/v1/posts", {"body": "counted"}).status_code == 201
    sock = socket_for(employee)
    try:
        text = client.get("/metrics").get_data(as_text=True)
    finally:
        sock.disconnect()
    feed = re.search(
        r'^socialnet_http_request_duration_seconds_count\{endpoint="([^"]*feed[^"]*)",'
        r'method="GET"\} ([0-9.]+)$',
        text,
        re.MULTILINE,
    )
    assert feed and float(feed.group(2)) >= 1, text[:3000]
    assert "/api/v1/feed" not in text  # labelled by endpoint name, not raw path
    assert float(re.search(r"^socialnet_open_sockets ([0-9.]+)$", text, re.M).group(1)) >= 1
    assert _sample("socialnet_events_emitted_total", type="post.created") == before + 1
    assert "socialnet_emit_failures_total" in text and "socialnet_queue_lag_seconds" in text


def test_metrics_token_is_required_when_configured(app, client):
    app.config["METRICS_TOKEN"] = "s3cret-scrape-token"
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape-token"})
    assert right.status_code == 200 and right.mimetype == "text/plain"
    assert "Set-Cookie" not in right.headers


# -- the message queue -------------------------------------------------------


def _spy(channel: str):
    pubsub = redis.Redis.from_url(LOCAL_REDIS).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=1)  # the subscription confirmation
    return pubsub


def _drain(pubsub, count: int) -> list[bytes]:
    raw, deadline = [], time.monotonic() + 5
    while len(raw) < count and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message and message["type"] == "message":
            raw.append(message["data"])
    return raw


def test_queue_payloads_are_json_not_pickle():
    channel = f"socialnet-test-{uuid.uuid4().hex}"
    pubsub = _spy(channel)
    manager = ObservedRedisManager(LOCAL_REDIS, channel=channel, write_only=True)
    try:
        manager.emit("post.created", {"type": "post.created", "id": 1, "data": {}}, room="company")
        manager.publish_control("disconnect_room", room="user:7")
        raw = _drain(pubsub, 2)
    finally:
        pubsub.close()
    assert len(raw) == 2
    for payload in raw:
        assert not payload.startswith(b"\x80")  # the pickle protocol 2+ header
        with pytest.raises(pickle.UnpicklingError):
            pickle.loads(payload)
    emitted, control = (json.loads(payload) for payload in raw)
    assert emitted["method"] == "emit" and emitted["data"][0]["type"] == "post.created"
    assert isinstance(emitted["sent_at"], float)
    assert control["method"] == CONTROL_METHOD and control["args"] == {"room": "user:7"}


def test_a_pickled_message_is_ignored_not_loaded():
    assert decode(pickle.dumps({"method": "emit"})) is None
    assert decode(b"[1, 2]") is None
    assert decode(b'{"method": "emit"}') == {"method": "emit"}


def test_publish_failure_is_logged_counted_and_does_not_raise(caplog):
    manager = ObservedRedisManager(
        f"redis://127.0.0.1:{free_port()}/0", channel="x", write_only=True, timeout=0.5
    )
    before = _sample("socialnet_emit_failures_total", reason="queue")
    with caplog.at_level(logging.ERROR, logger="socialnet.realtime.queue"):
        manager.emit("post.created", {"id": 1}, room="company")
        manager.emit("post.created", {"id": 2}, room="company")
    assert _sample("socialnet_emit_failures_total", reason="queue") == before + 2
    assert manager.state.failed_publishes == 2 and manager.state.publish_ok is False
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "cannot publish" in errors[0].getMessage()  # rate-limited


def test_listener_measures_lag_applies_presence_and_passes_emits_on(monkeypatch):
    applied = []
    manager = ObservedRedisManager(
        LOCAL_REDIS,
        channel="chan",
        write_only=True,
        on_control=lambda op, args: applied.append((op, args)),
    )
    now = time.time()
    messages = [
        {"method": "emit", "event": "post.created", "data": [{}], "sent_at": now - 0.05},
        {"method": CONTROL_METHOD, "op": "disconnect_room", "args": {"room": "user:9"},
         "host_id": "another-process", "sent_at": now},
        {"method": CONTROL_METHOD, "op": "disconnect_room", "args": {"room": "user:8"},
         "host_id": manager.host_id, "sent_at": now},
    ]  # fmt: skip
    raw = [json.dumps(m).encode() for m in messages] + [pickle.dumps({"method": "emit"})]
    monkeypatch.setattr(
        manager,
        "_redis_listen_with_retries",
        lambda: iter({"channel": b"chan", "type": "message", "data": r} for r in raw),
    )
    lag_count = _sample("socialnet_queue_lag_seconds_count")
    lag_sum = _sample("socialnet_queue_lag_seconds_sum")
    out = list(manager._listen())
    assert [m["method"] for m in out] == ["emit"]
    assert applied == [("disconnect_room", {"room": "user:9"})]  # not our own message
    assert _sample("socialnet_queue_lag_seconds_count") == lag_count + 3
    assert _sample("socialnet_queue_lag_seconds_sum") - lag_sum >= 0.05


# -- presence across processes -----------------------------------------------


def test_presence_operations_are_broadcast_when_a_queue_is_configured(monkeypatch):
    sent = []

    class Manager:
        def publish_control(self, op, **args):
            sent.append((op, args))

    monkeypatch.setattr(presence, "current_manager", lambda: Manager())
    presence.disconnect_user_sockets(3)
    presence.enter_room_for_users([1, 2], "group:5")
    presence.leave_room_for_users([2], "group:5")
    presence.keep_only_users_in_room({4, 1}, "group:5")
    assert sent == [
        ("disconnect_room", {"room": "user:3"}),
        ("enter_room", {"user_ids": [1, 2], "room": "group:5"}),
        ("leave_room", {"user_ids": [2], "room": "group:5"}),
        ("keep_only", {"user_ids": [1, 4], "room": "group:5"}),
    ]


def test_presence_messages_from_another_process_act_on_local_sockets(
    app, socket_for, employee, fred
):
    from socialnet.extensions import socketio

    emma, other = socket_for(employee), socket_for(fred)
    try:
        presence.apply_control("enter_room", {"user_ids": [employee.id, fred.id], "room": "x:1"})
        socketio.emit("ping", {"n": 1}, to="x:1")
        assert received_events(emma, "ping") and received_events(other, "ping")
        presence.apply_control("keep_only", {"user_ids": [employee.id], "room": "x:1"})
        socketio.emit("ping", {"n": 2}, to="x:1")
        assert received_events(emma, "ping") and not received_events(other, "ping")
        presence.apply_control("leave_room", {"user_ids": [employee.id], "room": "x:1"})
        socketio.emit("ping", {"n": 3}, to="x:1")
        assert not received_events(emma, "ping")
        presence.apply_control("disconnect_room", {"room": f"user:{fred.id}"})
        assert not other.is_connected() and emma.is_connected()
        with pytest.raises(ValueError):
            presence.apply_control("format_disk", {})
    finally:
        for sock in (emma, other):
            if sock.is_connected():
                sock.disconnect()


# -- the job loop's cluster lock --------------------------------------------


def test_a_job_pass_is_skipped_while_another_process_holds_the_lock():
    """On PostgreSQL the lock is an advisory lock held on another connection; on SQLite
    without Redis, a process-local lock. Either way the second pass does nothing."""
    before = _sample("socialnet_job_passes_total", result="locked")
    with cluster_lock() as held:
        assert held
        assert run_due_jobs()["skipped"] == 1
    assert _sample("socialnet_job_passes_total", result="locked") == before + 1
    assert run_due_jobs()["skipped"] == 0


def test_concurrent_passes_run_one_at_a_time(app):
    """Two threads start a pass at the same moment while the first holds the lock."""
    results, inside, release = [], threading.Event(), threading.Event()

    def first():
        with app.app_context(), cluster_lock() as held:
            results.append(("first", held))
            inside.set()
            release.wait(10)

    def second():
        inside.wait(10)
        with app.app_context():
            results.append(("second", run_due_jobs()["skipped"]))
            db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(10)
    release.set()
    threads[0].join(10)
    assert sorted(results) == [("first", True), ("second", 1)]


def test_redis_lock_is_used_without_postgresql(app):
    if db.engine.dialect.name == "postgresql":
        from socialnet.jobs import _redis_lock as lock  # PG prefers its own lock; test Redis's
    else:
        app.config["REDIS_URL"] = LOCAL_REDIS
        lock = None
    client = redis.Redis.from_url(LOCAL_REDIS)
    with lock(LOCAL_REDIS) if lock else cluster_lock() as held:
        assert held and client.exists("socialnet:jobs-lock")
        with lock(LOCAL_REDIS) if lock else cluster_lock() as again:
            assert not again
    assert not client.exists("socialnet:jobs-lock")
