"""Fifty people press "going" at once for ten seats, against the real database (SQLite or
TEST_DATABASE_URL's PostgreSQL): exactly ten go, forty wait at positions 1..40, in the
order their answers took the event's lock, and the last event carries the final counts."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select

from socialnet.extensions import db
from socialnet.models import EventRsvp
from socialnet.models._time import utcnow


def _at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


def test_fifty_press_going_at_once_for_ten_seats(api, make_user, employee, capture_events):
    event = api(employee).post(
        "/api/v1/events",
        {
            "title": "Field day",
            "starts_at": _at(days=3),
            "ends_at": _at(days=3, hours=8),
            "capacity": 10,
        },
    )
    event_id = event.get_json()["id"]
    clients = [api(make_user(f"Colleague {i}")) for i in range(50)]

    def press(client):
        answer = client.put(f"/api/v1/events/{event_id}/rsvp", {"status": "going"})
        return answer.status_code, answer.get_json()["my_rsvp"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(press, clients))

    assert [status for status, _mine in answers] == [200] * 50
    mine = [m for _s, m in answers]
    assert sum(m["status"] == "going" for m in mine) == 10
    assert sorted(m["waiting_position"] for m in mine if m["status"] == "waiting") == list(
        range(1, 41)
    )
    db.session.expire_all()
    rows = db.session.scalars(select(EventRsvp).where(EventRsvp.post_id == event_id)).all()
    by_lock_order = sorted(rows, key=lambda r: r.id)  # inserted under the lock, in turn
    assert [r.status for r in by_lock_order] == ["going"] * 10 + ["waiting"] * 40
    assert [r.waiting_position for r in by_lock_order[10:]] == list(range(1, 41))
    updates = sorted(
        (e.payload for e in capture_events.of_type("event.updated")), key=lambda p: p["id"]
    )
    assert len(updates) == 50
    assert [u["data"]["counts"]["going"] for u in updates] == list(range(1, 11)) + [10] * 40
    assert [u["data"]["counts"]["waiting"] for u in updates] == [0] * 10 + list(range(1, 41))
