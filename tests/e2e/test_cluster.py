"""Two real server processes sharing PostgreSQL and Redis (the scale-out deployment).

The cluster gets its own PostgreSQL database (``socialnet_e2e_cluster``, dropped
and re-created) and its own throwaway ``redis-server`` on a free port, so that
stopping Redis here disturbs no other test. Both services must be present
(CI runs them): a missing one fails these tests, it never skips them.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import redis
import requests

from tests.e2e.test_eventlet_server import Listener
from tests.live_server import free_port, run_flask, start_live_server

pytestmark = pytest.mark.e2e

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CLUSTER_DB = "socialnet_e2e_cluster"
CHANNEL = "socialnet"


class ThrowawayRedis:
    """A ``redis-server`` of our own, which the tests may stop and start again."""

    def __init__(self, workdir):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--logfile", str(self.log)],
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not start: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class QueueSpy:
    """Subscribes to the Socket.IO channel and keeps every raw payload published on it."""

    def __init__(self, url: str):
        self.raw: list[bytes] = []
        self.pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(CHANNEL)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for message in self.pubsub.listen():
                if message["type"] == "message":
                    self.raw.append(message["data"])
        except Exception:  # Redis stopped by a later test: the spy's work is done
            return


def _recreate_database() -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {CLUSTER_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {CLUSTER_DB}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{CLUSTER_DB}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cluster")
    database_url = _recreate_database()
    queue = ThrowawayRedis(workdir)
    queue.start()
    spy = QueueSpy(queue.url)
    env = {
        "REDIS_URL": queue.url,
        "SOCIALNET_JOBS_IN_SERVER": "0",
        "SOCIALNET_QUEUE_RETRY_MAX": "1",
    }
    servers = []
    try:
        servers.append(start_live_server(workdir, database_url=database_url, **env))
        servers.append(start_live_server(workdir, database_url=database_url, prepare=False, **env))
        yield {"a": servers[0], "b": servers[1], "redis": queue, "spy": spy}
    finally:
        for server in servers:
            server.stop()
        queue.stop()


@pytest.fixture(scope="module")
def people(cluster):
    a = cluster["a"]
    tokens = {}
    for name in ("ana", "bob"):
        a.create_user(f"{name}.cluster@lumen.example", f"{name.title()} Cluster")
        tokens[name] = a.token_for(f"{name}.cluster@lumen.example")
    return tokens


def _post(server, token, body) -> dict:
    response = server.api("POST", "/api/v1/posts", token=token, json={"body": body})
    assert response.status_code == 201, response.text
    return response.json()


def _wait_delivery(listener: Listener, post_id: int, timeout: float) -> dict | None:
    return listener.wait_for(
        lambda evs: [d for n, d in evs if n == "post.created" and d["data"]["id"] == post_id],
        timeout=timeout,
    )


def _metric(server, name: str, labels: str = "") -> float:
    text = requests.get(server.url + "/metrics", timeout=5).text
    pattern = rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+-]+)$"
    match = re.search(pattern, text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_post_through_a_reaches_a_socket_on_b_within_one_second(cluster, people):
    bob = Listener(cluster["b"], people["bob"])
    try:
        bob.wait_for(lambda evs: [n for n, _d in evs if n == "catchup"])
        started = time.monotonic()
        post = _post(cluster["a"], people["ana"], "Hello from process A")
        got = _wait_delivery(bob, post["id"], timeout=1.0)
        elapsed = time.monotonic() - started
        assert got, (bob.events, cluster["b"].log())
        assert elapsed < 1.0
        assert got[0]["data"]["body_html"] == "<p>Hello from process A</p>\n"
        assert _metric(cluster["a"], "socialnet_events_emitted_total", '{type="post.created"}') >= 1
        assert _metric(cluster["b"], "socialnet_queue_lag_seconds_count") >= 1
        assert _metric(cluster["b"], "socialnet_open_sockets") >= 1
        assert _metric(cluster["a"], "socialnet_queue_listener_up") == 1
    finally:
        bob.close()


def test_emit_from_a_flask_command_reaches_sockets_on_both_servers(cluster, people):
    a, b = cluster["a"], cluster["b"]
    on_a, on_b = Listener(a, people["ana"]), Listener(b, people["bob"])
    try:
        publish_at = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        body = {
            "title": "Cluster drill",
            "body": "Sent by `flask jobs run`.",
            "audience": {"kind": "company"},
            "expires_in_days": 1,
            "publish_at": publish_at,
        }
        response = a.api("POST", "/api/v1/announcements", json=body)
        assert response.status_code == 201, response.text
        time.sleep(1.2)
        done = run_flask(a, "jobs", "run")  # an external process: servers run no jobs here
        assert "announcements_published: 1" in done.stdout, done.stdout + done.stderr
        for listener in (on_a, on_b):
            got = listener.wait_for(
                lambda evs: [d for n, d in evs if n == "announcement.created"], timeout=2
            )
            assert got and got[0]["data"]["announcement"]["title"] == "Cluster drill"
    finally:
        on_a.close()
        on_b.close()


def test_deactivating_through_a_disconnects_the_socket_on_b(cluster):
    a, b = cluster["a"], cluster["b"]
    user = a.create_user("carl.cluster@lumen.example", "Carl Cluster")
    carl = Listener(b, a.token_for("carl.cluster@lumen.example"))
    try:
        assert carl.client.connected
        response = a.api("PATCH", f"/api/v1/users/{user['id']}", json={"active": False})
        assert response.status_code == 200, response.text
        deadline = time.monotonic() + 2
        while carl.client.connected and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not carl.client.connected, b.log()
    finally:
        carl.close()


def test_group_membership_moves_sockets_held_by_the_other_process(cluster, people):
    a, b = cluster["a"], cluster["b"]
    created = a.api(
        "POST",
        "/api/v1/groups",
        token=people["ana"],
        json={"name": "Cluster secret", "type": "secret"},
    )
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    bob_id = b.api("GET", "/api/v1/me", token=people["bob"]).json()["id"]
    bob = Listener(b, people["bob"])
    try:
        added = a.api(
            "POST",
            f"/api/v1/groups/{group_id}/members",
            token=people["ana"],
            json={"user_id": bob_id},
        )
        assert added.status_code in (200, 201), added.text
        response = a.api(
            "POST",
            "/api/v1/posts",
            token=people["ana"],
            json={"body": "members only", "group_id": group_id},
        )
        assert response.status_code == 201, response.text
        assert _wait_delivery(bob, response.json()["id"], timeout=2), (bob.events, b.log())
    finally:
        bob.close()


def test_queue_payloads_are_json_never_pickle(cluster, people):
    _post(cluster["a"], people["ana"], "one more for the spy")
    spy: QueueSpy = cluster["spy"]
    deadline = time.monotonic() + 2
    while not any(b'"post.created"' in raw for raw in spy.raw) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert spy.raw, "nothing was published on the queue"
    methods, events = set(), set()
    for raw in spy.raw:
        assert not raw.startswith(b"\x80"), raw[:40]  # pickle protocol 2+ header
        with pytest.raises(pickle.UnpicklingError):
            pickle.loads(raw)
        message = json.loads(raw)
        assert isinstance(message, dict) and "method" in message and "sent_at" in message
        methods.add(message["method"])
        events.add(message.get("event"))
    assert {"emit", "socialnet.presence"} <= methods, methods
    assert "post.created" in events and "catchup" not in events  # sent directly, not broadcast


def _ready(server) -> tuple[int, float]:
    started = time.monotonic()
    status = requests.get(server.url + "/readyz", timeout=10).status_code
    return status, time.monotonic() - started


def test_redis_down_fails_readiness_within_5s_and_recovers_without_restart(cluster, people):
    """Runs last in this module: it stops and restarts the cluster's Redis."""
    a, b, queue = cluster["a"], cluster["b"], cluster["redis"]
    bob = Listener(b, people["bob"])
    try:
        assert _ready(a)[0] == _ready(b)[0] == 200
        queue.stop()
        stopped = time.monotonic()
        for server in (a, b):
            status, took = _ready(server)
            assert status == 503 and took < 5, (status, took)
        assert time.monotonic() - stopped < 5
        body = requests.get(a.url + "/readyz", timeout=10).json()
        assert body["failed"] == ["redis"] and body["checks"]["database"]["ok"]

        failures = _metric(a, "socialnet_emit_failures_total", '{reason="queue"}')
        _post(a, people["ana"], "while Redis is down")  # the request itself succeeds
        assert _metric(a, "socialnet_emit_failures_total", '{reason="queue"}') > failures
        assert "cannot publish" in a.log()

        queue.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (_ready(a)[0] == _ready(b)[0] == 200):
            time.sleep(0.1)
        assert _ready(a)[0] == _ready(b)[0] == 200, (a.log()[-2000:], b.log()[-2000:])
        post = _post(a, people["ana"], "Redis is back")
        assert _wait_delivery(bob, post["id"], timeout=1.0), (bob.events, b.log()[-2000:])
    finally:
        bob.close()
