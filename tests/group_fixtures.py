"""Helpers shared by the group, announcement and visibility-matrix tests."""

from __future__ import annotations

from typing import Any

from socialnet.extensions import db
from socialnet.models import Group, GroupMembership, User

API = "/api/v1"


def set_group_role(group: Group, user: User, role: str = "admin") -> None:
    """Make ``user`` a member of ``group`` with ``role`` (committed)."""
    membership = db.session.get(GroupMembership, (group.id, user.id))
    if membership is None:
        db.session.add(GroupMembership(group_id=group.id, user_id=user.id, role=role))
    else:
        membership.role = role
    db.session.commit()


def create_group(client, name: str = "Formation", type: str = "public", **fields: Any) -> dict:
    """Create a group through the API (its caller becomes its admin); returns the group."""
    response = client.post(f"{API}/groups", {"name": name, "type": type, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def announcement_body(kind: str, value: Any = None, **fields: Any) -> dict:
    audience = {"kind": kind} if value is None else {"kind": kind, "value": value}
    return {
        "title": fields.pop("title", "Quarterly update"),
        "body": fields.pop("body", "Please read this."),
        "audience": audience,
        "expires_in_days": fields.pop("expires_in_days", 7),
        **fields,
    }


def announce(client, kind: str, value: Any = None, **fields: Any) -> dict:
    """Send an announcement through the API; returns it (asserting 201)."""
    response = client.post(f"{API}/announcements", announcement_body(kind, value, **fields))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def notifications_of(client) -> list[dict]:
    response = client.get(f"{API}/notifications?limit=100")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]
