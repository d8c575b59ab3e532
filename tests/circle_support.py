"""Helpers for the circles tests: a circle with a facilitator, members and an outsider,
and moving a session's event into the past."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from socialnet.extensions import db
from socialnet.models import CircleSession, EventDetails, User
from socialnet.models._time import utcnow

API = "/api/v1"


def at(**delta) -> str:
    return (utcnow() + timedelta(**delta)).replace(microsecond=0).isoformat() + "Z"


@dataclass
class Circle:
    id: int
    facilitator: User
    scribe: User
    presenter: User
    member: User
    url: str


def make_circle(api, make_user, name: str = "Lyon comms circle") -> Circle:
    facilitator = make_user("Fanny Facilitator")
    scribe, presenter = make_user("Sam Scribe"), make_user("Paul Presenter")
    member = make_user("Mia Member")
    answer = api(facilitator).post(
        f"{API}/circles",
        {
            "name": name,
            "description": "Peers of the Lyon site",
            "facilitator_id": facilitator.id,
            "member_ids": [scribe.id, presenter.id, member.id],
            "cadence": "monthly",
        },
    )
    assert answer.status_code == 201, answer.get_json()
    circle_id = answer.get_json()["id"]
    return Circle(circle_id, facilitator, scribe, presenter, member, f"{API}/circles/{circle_id}")


def plan_session(api, circle: Circle, **overrides) -> dict:
    body = {
        "topic": "How we run our podcast",
        "starts_at": at(days=2),
        "presenter_id": circle.presenter.id,
        "scribe_id": circle.scribe.id,
    }
    body.update(overrides)
    body = {k: v for k, v in body.items() if v is not None}
    answer = api(circle.facilitator).post(f"{circle.url}/sessions", body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def move_session(session_id: int, starts_at: datetime, minutes: int = 90) -> None:
    """Put a session's event at ``starts_at`` (naive UTC), as if time had passed."""
    session = db.session.get(CircleSession, session_id)
    details = db.session.get(EventDetails, session.event_post_id)
    details.starts_at = starts_at
    details.ends_at = starts_at + timedelta(minutes=minutes)
    db.session.commit()


SYNTHESIS = {
    "context": "The Lyon team started a podcast in March.",
    "what_was_done": "Twelve episodes, **15 minutes** each.",
    "what_worked": "A fixed day and a guest from another team.",
    "tips": "Record in the quiet room.",
    "open_questions": "How do we measure listening?",
}
