"""The real server in a subprocess, driven by python-socketio clients over websockets."""

from __future__ import annotations

import threading
import time

import pytest
import requests
import socketio

from tests.live_server import start_live_server

pytestmark = pytest.mark.e2e


class Listener:
    """A python-socketio client that records every event it receives."""

    def __init__(self, server, token: str | None = None, headers: dict | None = None, **auth):
        self.events: list[tuple[str, dict]] = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        payload = {"token": token, **auth} if token else auth
        self.client.connect(
            server.url,
            auth=payload,
            headers=headers or {},
            transports=["websocket"],
            wait_timeout=10,
        )

    def _record(self, event, data):
        with self.changed:
            self.events.append((event, data))
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0):
        """Block until ``predicate(events)`` is truthy; return its value (None on timeout)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not (result := predicate(self.events)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.changed.wait(remaining)
            return result

    def of_type(self, event_type: str) -> list[dict]:
        return [data for name, data in self.events if name == event_type]

    def close(self):
        if self.client.connected:
            self.client.disconnect()


@pytest.fixture(scope="module")
def people(live_server):
    live_server.create_user("ana.e2e@lumen.example", "Ana E2E")
    live_server.create_user("bob.e2e@lumen.example", "Bob E2E")
    return {
        "ana": live_server.token_for("ana.e2e@lumen.example"),
        "bob": live_server.token_for("bob.e2e@lumen.example"),
    }


def _post(server, token, body):
    response = server.api("POST", "/api/v1/posts", token=token, json={"body": body})
    assert response.status_code == 201, response.text
    return response.json()


def test_post_reaches_another_users_websocket(live_server, people):
    bob = Listener(live_server, people["bob"])
    try:
        post = _post(live_server, people["ana"], "Bonjour **Lyon**")
        got = bob.wait_for(lambda evs: [d for n, d in evs if n == "post.created"])
        assert got, bob.events
        assert got[0]["data"]["id"] == post["id"]
        assert got[0]["data"]["body_html"] == "<p>Bonjour <strong>Lyon</strong></p>\n"
        assert got[0]["type"] == "post.created" and got[0]["id"] > 0
    finally:
        bob.close()


def test_reconnect_with_last_event_id_replays_missed_events_in_order(live_server, people):
    first = Listener(live_server, people["bob"])
    head = first.wait_for(lambda evs: [d for n, d in evs if n == "catchup"])[0]["head"]
    first.close()
    missed = [_post(live_server, people["ana"], f"missed {i}")["id"] for i in range(3)]
    again = Listener(live_server, people["bob"], last_event_id=head)
    try:
        catchup = again.wait_for(lambda evs: [d for n, d in evs if n == "catchup"])[0]
        replayed = [e["data"]["id"] for e in catchup["events"] if e["type"] == "post.created"]
        assert replayed == missed
        ids = [e["id"] for e in catchup["events"]]
        assert ids == sorted(set(ids)) and ids[0] > head
    finally:
        again.close()


def test_unauthenticated_and_foreign_origin_connections_are_refused(live_server, people):
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server)
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server, "snt_forged-token")
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(live_server, people["bob"], headers={"Origin": "http://evil.example"})


def test_deactivation_closes_the_open_socket_at_once(live_server):
    user = live_server.create_user("carl.e2e@lumen.example", "Carl E2E")
    token = live_server.token_for("carl.e2e@lumen.example")
    carl = Listener(live_server, token)
    assert carl.client.connected
    response = live_server.api("PATCH", f"/api/v1/users/{user['id']}", json={"active": False})
    assert response.status_code == 200, response.text
    deadline = time.monotonic() + 5
    while carl.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not carl.client.connected
    assert live_server.api("GET", "/api/v1/me", token=token).status_code == 401


@pytest.mark.parametrize("async_mode", ["gevent", "threading"])
def test_other_async_modes_serve_api_and_sockets(tmp_path, async_mode):
    server = start_live_server(tmp_path, async_mode=async_mode)
    listener = None
    try:
        server.create_user("dina.e2e@lumen.example", "Dina E2E")
        token = server.token_for("dina.e2e@lumen.example")
        listener = Listener(server, token)
        post = _post(server, server.admin_token, f"served by {async_mode}")
        got = listener.wait_for(lambda evs: [d for n, d in evs if n == "post.created"])
        assert got and got[0]["data"]["id"] == post["id"], server.log()
        assert requests.get(server.url + "/api/v1/openapi.json", timeout=5).status_code == 200
    finally:
        if listener:
            listener.close()
        server.stop()


def test_the_listener_queues_a_reconnect_storm(live_server):
    """After a restart every open page reconnects at once: the eventlet listener's accept
    queue is ``wsgi.LISTEN_BACKLOG`` long (eventlet's default, 50, dropped handshakes).
    wsgi.py is read, not imported: importing it monkey-patches this process."""
    import re
    import subprocess
    from pathlib import Path
    from urllib.parse import urlsplit

    source = (Path(__file__).resolve().parents[2] / "wsgi.py").read_text()
    backlog = int(re.search(r"^LISTEN_BACKLOG = (\d+)$", source, re.M).group(1))
    port = urlsplit(live_server.url).port
    listing = subprocess.run(
        ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert listing[0] == "LISTEN", listing
    somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
    assert int(listing[2]) == min(backlog, somaxconn) > 50
