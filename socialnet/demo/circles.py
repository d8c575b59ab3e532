"""The demo company's peer-learning circle: the communication team's circle in Lyon,
facilitated by the community manager, with topics and votes, a session whose synthesis
was published and shared company-wide, one whose synthesis is still owed, and one to
come — so every part of the circle's page has something to show.

Everything goes through the services; only the sessions' dates are moved into the past
afterwards (a session can only be planned in the future).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import CircleSession, EventDetails, User
from ..models._time import utcnow
from ..services import circles

FACILITATOR = "zoe.lefort"
MEMBERS = ("romain.andre", "aicha.traore", "nathalie.blanc", "julie.moreau")
SYNTHESIS = {
    "context": "L'intranet datait de 2015 ; personne n'y trouvait les procédures.",
    "what_was_done": "Trois ateliers avec les équipes terrain, puis une arborescence "
    "par besoin (« je veux… ») plutôt que par service.",
    "what_worked": "Tester chaque menu avec cinq personnes de l'atelier avant de publier.",
    "tips": "Commencer par les dix pages les plus consultées. #intranet",
    "open_questions": "Comment garder les pages à jour sans relecteur dédié ?",
}


def _person(handle: str) -> User:
    return db.session.scalar(select(User).where(User.handle == handle))


def _plan(facilitator: User, circle_id: int, topic: dict, presenter: User, scribe: User):
    _circle, session = circles.do_create_session(
        facilitator,
        circle_id,
        {
            **topic,
            "starts_at": (utcnow() + timedelta(days=10)).isoformat() + "Z",
            "presenter_id": presenter.id,
            "scribe_id": scribe.id,
            "location": "Lyon, salle Lumière",
        },
    )
    return session


def _move(session: CircleSession, days_ago: int) -> None:
    details = db.session.get(EventDetails, session.event_post_id)
    details.starts_at = (utcnow() - timedelta(days=days_ago)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    details.ends_at = details.starts_at + timedelta(minutes=90)
    db.session.flush()


def seed_circles() -> int:
    """Create the circle; returns how many sessions it has."""
    facilitator = _person(FACILITATOR)
    people = [_person(h) for h in MEMBERS]
    romain, aicha, nathalie, julie = people
    circle = circles.do_create_circle(
        facilitator,
        {
            "name": "Cercle com' Lyon",
            "description": "Les communicants de Lyon : une réussite présentée par séance, "
            "une synthèse le lendemain.",
            "facilitator_id": facilitator.id,
            "member_ids": [p.id for p in people],
            "cadence": "monthly",
        },
    )
    cid = circle.group_id
    _c, breakfasts = circles.do_propose_topic(julie, cid, {"title": "Nos petits-déjeuners métier"})
    circles.do_propose_topic(aicha, cid, {"title": "La charte graphique des affiches"})
    circles.do_vote(romain, cid, breakfasts.id)
    circles.do_vote(nathalie, cid, breakfasts.id)
    _c, podcast = circles.do_propose_topic(romain, cid, {"title": "Notre podcast interne"})
    circles.do_pick_topic(facilitator, cid, podcast.id)
    held = _plan(facilitator, cid, {"topic": "La refonte de l'intranet"}, romain, aicha)
    _move(held, 9)
    circles.do_take_attendance(
        facilitator, cid, held.id, {"user_ids": [romain.id, aicha.id, julie.id, facilitator.id]}
    )
    circles.do_publish_synthesis(aicha, cid, held.id, SYNTHESIS)
    circles.do_share_synthesis(facilitator, cid, held.id)
    owed = _plan(facilitator, cid, {"topic_id": podcast.id}, romain, julie)
    _move(owed, 1)
    _plan(facilitator, cid, {"topic_id": breakfasts.id}, julie, nathalie)
    return 3
