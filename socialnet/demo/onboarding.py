"""The demo company's onboarding: HR's default journey template (written by the
community manager, since the demo has no HR role), and the journey of the most recent
joiner, under way with its first step done — so the home checklist, the journey page and
the onboarding figures have something to show.

Everything goes through the services (the welcome post is the joiner's celebration).
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Group, OnboardingJourney, OnboardingStep, User
from ..services import onboarding
from ..services.company_day import company_today

AUTHOR = "zoe.lefort"


def _template_steps(hr: User | None, group: Group | None) -> list[dict]:
    steps: list[dict] = [
        {"day_offset": 0, "title": "Rencontrer votre parrain ou marraine",
         "description": "Un café le premier jour : il ou elle vous fait visiter le site."},
        {"day_offset": 1, "title": "Lire le livret d'accueil", "action": "link",
         "url": "https://intranet.lumen.example/livret-accueil"},
        {"day_offset": 30, "title": "Vos premières impressions", "action": "question",
         "question": "Qu'est-ce qui vous a le plus surpris ?"},
    ]  # fmt: skip
    if hr is not None:
        steps.insert(2, {"day_offset": 3, "title": "Rencontrer les RH", "action": "person",
                         "person_id": hr.id})  # fmt: skip
    if group is not None:
        steps.insert(-1, {"day_offset": 7, "title": "Rejoindre le groupe Formation",
                          "action": "group", "group_id": group.id})  # fmt: skip
    return steps


def seed_onboarding(people: list[User]) -> OnboardingJourney | None:
    """The template, then the journey of the latest joiner (not the author). Flushes."""
    author = next((u for u in people if u.handle == AUTHOR), None)
    if author is None:
        return None
    hr = next((u for u in people if u.department == "HR" and u.id != author.id), None)
    group = db.session.scalar(select(Group).where(Group.name == "Formation"))
    template = onboarding.do_create_template(
        author,
        {
            "name": "Bienvenue chez Lumen",
            "description": "Le parcours des 30 premiers jours, pour tous les sites.",
            "is_default": True,
            "steps": _template_steps(hr, group),
            "feedback_question": "Qu'est-ce qui vous aurait le plus aidé à vos débuts ?",
            "anonymous_feedback": True,
        },
    )
    joiners = sorted(
        (u for u in people if u.hire_date and u.id != author.id and not u.is_guest),
        key=lambda u: (u.hire_date, u.id),
    )
    if not joiners:
        return None
    newcomer = joiners[-1]
    today = company_today()
    # nobody of their site and department: their manager picks someone of the department
    buddy = onboarding.suggest_buddy(newcomer) or next(
        (
            u
            for u in people
            if u.department == newcomer.department
            and u.id not in (newcomer.id, newcomer.manager_id)
        ),
        None,
    )
    journey = onboarding.do_start_journey(newcomer, template=template, buddy=buddy, today=today)
    first = db.session.scalar(
        select(OnboardingStep)
        .where(OnboardingStep.journey_id == journey.id)
        .order_by(OnboardingStep.position)
        .limit(1)
    )
    onboarding.do_complete_step(newcomer, journey.id, first.id, None)
    return journey
