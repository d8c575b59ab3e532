"""The demo company's manager cascade: the community manager briefs every manager on a
reorganisation of the Lyon plant; the embargo has just been lifted (moved into the past
after sending, since a briefing is only sent ahead of its embargo), the first manager
has relayed it and one of their team asked a question the team answered.

Everything else goes through the services, so the briefing page, its progress and the
managers' Briefings space all have something to show.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import Briefing, User
from ..models._time import utcnow
from ..services import briefings
from .circles import FACILITATOR

BRIEFING = {
    "title": "Réorganisation de l'atelier de Lyon",
    "key_messages": [
        "Les deux lignes d'assemblage de Lyon fusionnent au 1er mars.",
        "Aucun poste n'est supprimé ; les horaires restent les mêmes.",
        "Chaque équipe rencontre son nouveau responsable avant fin février.",
    ],
    "talking_points": "Commencer par le pourquoi : les commandes ont doublé en deux ans.\n"
    "Rassurer sur l'emploi avant de parler du calendrier.",
    "qa": [
        {
            "question": "Est-ce que je change de site ?",
            "answer": "Non : toutes les équipes restent à Lyon.",
        }
    ],
}


def seed_briefings() -> int:
    """Create the briefing; returns how many managers it briefed."""
    team = db.session.scalar(select(User).where(User.handle == FACILITATOR))
    embargo = (utcnow() + timedelta(hours=1)).isoformat() + "Z"
    briefing = briefings.do_create_briefing(team, {**BRIEFING, "embargo_at": embargo})
    briefed = briefings.do_send_briefing(team, briefing.id)
    db.session.get(Briefing, briefing.id).embargo_at = utcnow() - timedelta(hours=2)
    db.session.flush()
    manager = db.session.scalar(
        select(User)
        .where(policy.briefable_managers_filter(), User.manager_id.is_not(None))
        .order_by(User.name_key, User.id)
        .limit(1)
    )
    if manager is not None:
        briefings.do_relay(manager, briefing.id, {})
        report = db.session.scalar(
            select(User).where(User.manager_id == manager.id, User.active).limit(1)
        )
        question = briefings.do_ask(
            report, briefing.id, {"question": "Les congés posés en mars sont-ils maintenus ?"}
        )
        briefings.do_answer(
            team, briefing.id, question.id, {"answer": "Oui, tous les congés sont maintenus."}
        )
    return briefed
