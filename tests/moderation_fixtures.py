"""Helpers for the moderation tests: report something, act on its case."""

from __future__ import annotations

from typing import Any

from socialnet.extensions import db
from socialnet.models import GroupMembership


def report(client, target_type: str, target_id: int, reason: str = "spam", **extra: Any):
    return client.post(
        "/api/v1/reports",
        {"target_type": target_type, "target_id": target_id, "reason": reason, **extra},
    )


def reported_case(client, target_type: str, target_id: int, reason: str = "spam") -> int:
    response = report(client, target_type, target_id, reason)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["case_id"]


def act(client, case_id: int, action: str, **extra: Any):
    return client.post(f"/api/v1/moderation/cases/{case_id}/actions", {"action": action, **extra})


def make_group_admin(user, group) -> None:
    membership = db.session.get(GroupMembership, (group.id, user.id))
    if membership is None:
        db.session.add(GroupMembership(group_id=group.id, user_id=user.id, role="admin"))
    else:
        membership.role = "admin"
    db.session.commit()
