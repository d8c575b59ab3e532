"""Shared helpers of the onboarding tests: a template written by HR through the API."""

from __future__ import annotations

from typing import Any

API = "/api/v1"


def steps(group_id: int | None = None, person_id: int | None = None) -> list[dict[str, Any]]:
    """Four steps: meet someone (day 0), a link (day 1), a group (day 7), a question (30)."""
    found: list[dict[str, Any]] = [
        {"day_offset": 1, "title": "Read the handbook", "action": "link",
         "url": "https://intranet.example/handbook"},
        {"day_offset": 30, "title": "Your first impressions", "action": "question",
         "question": "What surprised you?"},
    ]  # fmt: skip
    if person_id is not None:
        found.insert(0, {"day_offset": 0, "title": "Meet your buddy", "action": "person",
                         "person_id": person_id})  # fmt: skip
    if group_id is not None:
        found.insert(-1, {"day_offset": 7, "title": "Join your site's group", "action": "group",
                          "group_id": group_id})  # fmt: skip
    return found


def make_template(client, **change: Any) -> dict[str, Any]:
    """A default template through ``client`` (HR's), with ``change`` applied."""
    body = {
        "name": "Welcome to Lumen",
        "is_default": True,
        "steps": steps(),
        "feedback_question": "What would have helped you most?",
        **change,
    }
    response = client.post(f"{API}/onboarding/templates", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()
