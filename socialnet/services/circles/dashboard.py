"""A circle's dashboard: sessions held, attendance rate, syntheses on time, topics
waiting — what a facilitator shows when asked how the circle is doing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ...extensions import db
from ...models import CircleAttendance, CircleSession, CircleTopic, User
from ...models._time import utcnow
from .reading import access_circle, session_dicts


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def dashboard(user: User, circle_id: int) -> dict[str, Any]:
    """The circle's figures, for its members.

    ``attendance_rate``: present / recorded over the sessions whose attendance was taken;
    ``syntheses_on_time_rate``: published by the due time / syntheses due so far (owed
    ones not yet late are not counted). Rates are None when there is nothing to divide.

    :raise NotFound: not a member.
    """
    circle = access_circle(user, circle_id)
    now = utcnow()
    sessions = list(
        db.session.scalars(select(CircleSession).where(CircleSession.circle_id == circle.group_id))
    )
    items = session_dicts(user, circle, sessions, now=now)
    held = [s for s in items if not s["cancelled"] and s["synthesis_state"] != "upcoming"]
    published = [s for s in held if s["synthesis"] is not None]
    on_time = [s for s in published if s["synthesis"]["on_time"]]
    late = [s for s in held if s["synthesis_state"] == "late"]
    due_so_far = len(published) + len(late)
    present, recorded = db.session.execute(
        select(
            func.count().filter(CircleAttendance.attended.is_(True)),
            func.count(),
        )
        .join(CircleSession, CircleSession.id == CircleAttendance.session_id)
        .where(CircleSession.circle_id == circle.group_id)
    ).one()
    waiting = db.session.scalar(
        select(func.count()).where(
            CircleTopic.circle_id == circle.group_id, CircleTopic.status != "held"
        )
    )
    return {
        "circle_id": circle.group_id,
        "sessions_held": len(held),
        "sessions_planned": sum(1 for s in items if s["synthesis_state"] == "upcoming"),
        "attendance_rate": _rate(present, recorded),
        "syntheses_published": len(published),
        "syntheses_on_time": len(on_time),
        "syntheses_owed": sum(1 for s in held if s["synthesis_state"] == "owed"),
        "syntheses_late": len(late),
        "syntheses_on_time_rate": _rate(len(on_time), due_so_far),
        "topics_waiting": waiting,
    }
