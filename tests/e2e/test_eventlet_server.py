"""The real eventlet server: HTTP API and Socket.IO delivery to a python-socketio client."""

import threading

import pytest
import socketio

pytestmark = pytest.mark.e2e


def _client(server, token, **auth):
    received: list[dict] = []
    arrived = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("*")
    def any_event(event, data):
        received.append({"name": event, "data": data})
        arrived.set()

    client.connect(
        server.url, auth={"token": token, **auth}, transports=["websocket"], wait_timeout=10
    )
    return client, received, arrived


def test_post_reaches_a_websocket_client(live_server):
    live_server.create_user("ana.e2e@lumen.example", "Ana E2E")
    token = live_server.token_for("ana.e2e@lumen.example")
    client, received, _ = _client(live_server, token)
    try:
        response = live_server.api("POST", "/api/v1/posts", json={"body": "Bonjour **Lyon**"})
        assert response.status_code == 201, response.text
        post_id = response.json()["id"]
        deadline = threading.Event()
        for _ in range(50):
            if any(r["name"] == "post.created" for r in received):
                break
            deadline.wait(0.1)
        created = [r["data"] for r in received if r["name"] == "post.created"]
        assert created and created[0]["data"]["id"] == post_id
        assert created[0]["data"]["body_html"] == "<p>Bonjour <strong>Lyon</strong></p>\n"
    finally:
        client.disconnect()
