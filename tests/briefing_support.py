"""Shared setup of the manager-cascade tests: an org chart and a briefing helper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from socialnet.extensions import db
from socialnet.models import Briefing, GroupMembership, User
from socialnet.models._time import utcnow

API = "/api/v1"


@dataclass
class Org:
    """Ceo ← (manager ← employee, lead ← worker); paris_boss ← paris_worker; fred alone;
    a guest in a group."""

    cm: User
    ceo: User
    manager: User
    employee: User
    lead: User
    worker: User
    paris_boss: User
    paris_worker: User
    fred: User
    guest: User


def build_org(make_user, make_group, cm, fred) -> Org:
    ceo = make_user("Cécile Ceo", role="manager", site="Lyon")
    manager = make_user("Marc Manager", role="manager", manager_id=ceo.id)
    employee = make_user("Emma Employee", manager_id=manager.id)
    lead = make_user("Luc Lead", manager_id=manager.id)
    worker = make_user("Wanda Worker", manager_id=lead.id)
    paris_boss = make_user("Paul Paris", role="manager", site="Paris")
    paris_worker = make_user("Pia Paris", site="Paris", manager_id=paris_boss.id)
    group = make_group("Projet", "private", members=(employee,))
    guest = make_user(
        "Gabe Guest",
        email="gabe@agency.example",
        guest_company="Agency",
        guest_expires_on=date.today() + timedelta(days=30),
    )
    db.session.add(GroupMembership(group_id=group.id, user_id=guest.id))
    db.session.commit()
    return Org(cm, ceo, manager, employee, lead, worker, paris_boss, paris_worker, fred, guest)


def briefing_body(**change: Any) -> dict[str, Any]:
    body = {
        "title": "Réorganisation de la production",
        "key_messages": ["Two plants merge in March", "No job is cut"],
        "talking_points": "Start with the why.\nThen the calendar.",
        "qa": [{"question": "Will I move?", "answer": "No: teams stay where they are."}],
        "embargo_at": (utcnow() + timedelta(hours=2)).isoformat() + "Z",
    }
    body.update(change)
    return body


def lift_embargo(briefing_id: int, hours_ago: float = 1) -> None:
    """Move the embargo into the past (as if its time had come)."""
    briefing = db.session.get(Briefing, briefing_id)
    briefing.embargo_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()


def sent_briefing(api, cm, **change: Any) -> dict[str, Any]:
    """A briefing drafted and sent by ``cm`` through the API."""
    created = api(cm).post(f"{API}/briefings", briefing_body(**change))
    assert created.status_code == 201, created.get_json()
    sent = api(cm).post(f"{API}/briefings/{created.get_json()['id']}/send")
    assert sent.status_code == 200, sent.get_json()
    return sent.get_json()
