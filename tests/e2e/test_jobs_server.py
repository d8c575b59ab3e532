"""The real server publishes a scheduled announcement on its own, live to recipients."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.test_eventlet_server import Listener
from tests.live_server import start_live_server

pytestmark = pytest.mark.e2e


def test_server_job_loop_publishes_scheduled_announcement(tmp_path):
    server = start_live_server(tmp_path, SOCIALNET_JOBS_INTERVAL="0.3")
    listener = None
    try:
        server.create_user("eve.e2e@lumen.example", "Eve E2E")
        listener = Listener(server, server.token_for("eve.e2e@lumen.example"))
        publish_at = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
        body = {
            "title": "Fire drill at 11:00",
            "body": "Please follow the wardens.",
            "audience": {"kind": "company"},
            "expires_in_days": 1,
            "publish_at": publish_at,
        }
        response = server.api("POST", "/api/v1/announcements", json=body)
        assert response.status_code == 201, response.text
        assert response.json()["status"] == "scheduled"
        got = listener.wait_for(
            lambda evs: [d for n, d in evs if n == "announcement.created"], timeout=15
        )
        assert got, server.log()
        assert got[0]["data"]["announcement"]["title"] == "Fire drill at 11:00"
        assert got[0]["data"]["announcement"]["status"] == "published"
    finally:
        if listener:
            listener.close()
        server.stop()
