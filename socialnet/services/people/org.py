"""The org chart around one person: the manager chain to the top, peers, direct reports.

The chain cannot loop: every change of a manager is checked by
``accounts._check_manager`` (no self-manager, no cycle); the walk here is bounded anyway.
Only active people are listed as peers and reports; the chain shows whoever the
managers are (a deactivated manager still explains the line).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ... import policy
from ...errors import NotFound
from ...extensions import db
from ...models import User
from ...serializers import user_summary

#: Deepest chain walked (a company is far shallower; a bound against bad data).
CHAIN_MAX = 50


def _report_counts(ids: list[int]) -> dict[int, int]:
    """Active direct reports of each of ``ids`` (one query)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.manager_id, func.count(User.id))
        .where(User.manager_id.in_(ids), User.active.is_(True))
        .group_by(User.manager_id)
    )
    return {manager_id: count for manager_id, count in rows}


def _chain(person: User) -> list[User]:
    chain: list[User] = []
    seen = {person.id}
    manager_id = person.manager_id
    while manager_id is not None and manager_id not in seen and len(chain) < CHAIN_MAX:
        manager = db.session.get(User, manager_id)
        if manager is None:
            break
        chain.append(manager)
        seen.add(manager.id)
        manager_id = manager.manager_id
    return chain


def _team(manager_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.manager_id == manager_id, User.active.is_(True))
            .order_by(User.name_key, User.id)
        )
    )


def org_chart(person: User, viewer: User) -> dict[str, Any]:
    """``person``'s place in the organisation; every card carries ``report_count``.

    :raise NotFound: ``viewer`` may not see the organisation (a guest).

    ``chain`` runs from the direct manager up to the top; ``peers`` share ``person``'s
    manager (``person`` excluded); ``reports`` report to ``person``.
    """
    if not policy.can_see_org_chart(viewer):
        raise NotFound(_("No such person."))
    chain = _chain(person)
    peers = [p for p in _team(person.manager_id) if p.id != person.id] if chain else []
    reports = _team(person.id)
    everyone = [person, *chain, *peers, *reports]
    counts = _report_counts([p.id for p in everyone])

    def card(user: User) -> dict[str, Any]:
        return {
            **user_summary(user),
            "department": user.department,
            "site": user.site,
            "active": user.active,
            "report_count": counts.get(user.id, 0),
        }

    return {
        "person": card(person),
        "chain": [card(m) for m in chain],
        "peers": [card(p) for p in peers],
        "reports": [card(r) for r in reports],
    }
