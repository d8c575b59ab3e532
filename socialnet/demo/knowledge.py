"""The demo company's knowledge: questions asked and answered, and people's skills.

Everything goes through the services, like the rest of the seed, so the questions are
indexed for search, their answers notify, and the best answers count for experts. One
question is left waiting, so the "waiting for an answer" page has something to show.
"""

from __future__ import annotations

import random

from ..models import User
from ..services.comments import do_create_comment
from ..services.people.skills import check_skill_names, do_set_skills
from ..services.posts import do_create_post
from ..services.questions import do_choose_best_answer

#: (title, body, answers); the first answer becomes the best one when ``answered``.
QUESTIONS: tuple[tuple[str, str, tuple[str, ...], bool], ...] = (
    (
        "Qui sait calibrer le luxmètre de l'atelier ?",
        "Le contrôle qualité de jeudi en a besoin. #qualite #entraide",
        (
            "Procédure dans le classeur QA, section 4 : zéro dans le noir, puis la "
            "référence 500 lx. Compte 10 minutes.",
            "Demande aussi à la maintenance, ils l'ont fait le mois dernier.",
        ),
        True,
    ),
    (
        "How do I book the demo room in Lyon?",
        "Customer visit next week, we need the big screen. #sales #lyon",
        ("Through the facilities calendar, resource 'LYO-Demo'. Book the setup time too.",),
        True,
    ),
    (
        "Quelqu'un a un modèle de plan de formation 5S ?",
        "Pour l'équipe de nuit, si possible en français et en anglais. #formation #qualite",
        (),
        False,
    ),
)

#: Skills declared by the first people of each department, in turn.
SKILLS: tuple[tuple[str, ...], ...] = (
    ("Qualité", "Métrologie", "5S"),
    ("Firmware", "Python", "DMX"),
    ("Logistique", "Douane"),
    ("Vente", "Salon professionnel"),
    ("Formation", "Onboarding"),
)


def seed_knowledge(rng: random.Random, people: list[User]) -> int:
    """Ask :data:`QUESTIONS` in the company space, answer them, choose best answers, and
    give some people :data:`SKILLS`. Flushes through the services; returns the number of
    questions asked."""
    active = [u for u in people if u.active]
    for title, body, answers, answered in QUESTIONS:
        asker = rng.choice(active)
        question = do_create_post(asker, {"kind": "question", "title": title, "body": body})
        others = [u for u in active if u.id != asker.id]
        comments = [
            do_create_comment(rng.choice(others), question.id, {"body": text}) for text in answers
        ]
        if answered and comments:
            do_choose_best_answer(asker, question.id, {"comment_id": comments[0].id})
    for person, skills in zip(rng.sample(active, len(SKILLS)), SKILLS, strict=True):
        do_set_skills(person, check_skill_names(list(skills)))
    return len(QUESTIONS)
