"""Events in a real browser: someone's seat freeing up moves the next person's own
waiting-list answer live, without a reload."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_my_waiting_list_position_moves_live(signed_in, person, web_server):
    ana, ben, cleo = person("Ana Seats"), person("Ben Seats"), person("Cleo Seats")
    tokens = {u["email"]: web_server.token_for(u["email"], u["password"]) for u in (ana, ben, cleo)}
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    title = f"Breakfast {uuid.uuid4().hex[:8]}"
    created = web_server.api(
        "POST",
        "/api/v1/events",
        token=tokens[ana["email"]],
        json={
            "title": title,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "capacity": 1,
        },
    )
    assert created.status_code == 201, created.text
    event_id = created.json()["id"]

    def rsvp(user, status):
        answer = web_server.api(
            "PUT",
            f"/api/v1/events/{event_id}/rsvp",
            token=tokens[user["email"]],
            json={"status": status},
        )
        assert answer.status_code == 200, answer.text

    rsvp(ana, "going")
    rsvp(ben, "going")  # waiting, number 1
    rsvp(cleo, "going")  # waiting, number 2
    page = signed_in(cleo)
    page.goto(f"{web_server.url}/posts/{event_id}")
    page.evaluate("window.__sameDocument = true")
    mine = page.locator(f'[data-event-id="{event_id}"] [data-field="event-mine"]')
    expect(mine).to_have_text("You are on the waiting list, number 2.")

    rsvp(ana, "declined")  # Ben is promoted; Cleo moves up
    expect(mine).to_have_text("You are on the waiting list, number 1.")
    rsvp(ben, "declined")  # Cleo gets the seat
    expect(mine).to_have_text("You are going.")
    assert page.evaluate("window.__sameDocument") is True
    assert page.dialogs == []
