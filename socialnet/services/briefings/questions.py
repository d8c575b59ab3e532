"""Questions raised during the cascade: a manager briefed, or anyone their relay reached,
asks; the communication team answers; the answer joins the briefing's Q&A and the asker
is told. Whoever may not ask gets a 404, as for a missing briefing."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ... import policy
from ...errors import Conflict, NotFound
from ...extensions import db
from ...models import QA_TEXT_MAX, Briefing, BriefingQuestion, NotificationType, User
from ...models._time import utcnow
from ...serializers import iso, user_summary
from ..notifications import do_notify
from ..validation import check_known_fields, check_text
from .checks import unprocessable
from .reading import access_managed_briefing

QUESTIONS_MAX = 500


def _access_for_questions(user: User, briefing_id: int) -> Briefing:
    """:raise NotFound: missing, or ``user`` neither briefed, reached by a relay, nor of
    the team."""
    briefing = db.session.get(Briefing, briefing_id)
    if not policy.can_ask_about_briefing(user, briefing):
        raise NotFound(_("No such briefing."))
    return briefing


def question_dict(user: User, question: BriefingQuestion) -> dict[str, Any]:
    """A question as its reader sees it: who asked (and through whose relay) only for the
    team and the asker."""
    team = policy.can_manage_briefings(user)
    asker = None
    if question.asked_by_id is not None and (team or question.asked_by_id == user.id):
        person = db.session.get(User, question.asked_by_id)
        asker = user_summary(person) if person else None
    relay_manager = None
    if team and question.relay_manager_id is not None:
        person = db.session.get(User, question.relay_manager_id)
        relay_manager = user_summary(person) if person else None
    return {
        "id": question.id,
        "briefing_id": question.briefing_id,
        "question": question.question,
        "answer": question.answer,
        "asked_by": asker,
        "relay_manager": relay_manager,
        "mine": question.asked_by_id == user.id,
        "created_at": iso(question.created_at),
        "answered_at": iso(question.answered_at),
    }


def do_ask(user: User, briefing_id: int, data: Any) -> BriefingQuestion:
    """Ask ``{"question"}`` about a sent briefing. Flushes.

    :raise NotFound: see :func:`_access_for_questions`. :raise Conflict: a draft.
    :raise Unprocessable: empty. :raise TooLarge: over 2000 characters.
    """
    data = check_known_fields(data, {"question"})
    briefing = _access_for_questions(user, briefing_id)
    if briefing.sent_at is None:
        raise Conflict(_("This briefing is not sent yet."))
    with unprocessable():
        text = check_text(data.get("question"), "question", max_len=QA_TEXT_MAX, multiline=True)
    relay_manager_id = policy.received_relay(user, briefing)
    if relay_manager_id is None and policy.briefing_recipient(user, briefing) is not None:
        relay_manager_id = user.id
    question = BriefingQuestion(
        briefing_id=briefing.id,
        question=text,
        asked_by_id=user.id,
        relay_manager_id=relay_manager_id,
    )
    db.session.add(question)
    db.session.flush()
    return question


def list_questions(user: User, briefing_id: int) -> list[dict[str, Any]]:
    """The questions ``user`` sees: the team all of them; a manager briefed the Q&A (answered
    entries) and their own; someone a relay reached their own, with the answers."""
    briefing = _access_for_questions(user, briefing_id)
    query = select(BriefingQuestion).where(BriefingQuestion.briefing_id == briefing.id)
    if not policy.can_manage_briefings(user):
        mine = BriefingQuestion.asked_by_id == user.id
        if policy.can_read_briefing(user, briefing):
            mine = or_(mine, BriefingQuestion.answer.is_not(None))
        query = query.where(mine)
    rows = db.session.scalars(query.order_by(BriefingQuestion.id).limit(QUESTIONS_MAX))
    return [question_dict(user, q) for q in rows]


def do_answer(user: User, briefing_id: int, question_id: int, data: Any) -> BriefingQuestion:
    """The team answers ``{"answer"}`` (or corrects its answer); the asker is notified the
    first time. Flushes.

    :raise NotFound: no such question on a briefing ``user`` reads.
    :raise Forbidden: not the team. :raise Unprocessable: empty.
    """
    data = check_known_fields(data, {"answer"})
    briefing = access_managed_briefing(user, briefing_id)
    question = db.session.get(BriefingQuestion, question_id)
    if question is None or question.briefing_id != briefing.id:
        raise NotFound(_("No such question."))
    with unprocessable():
        answer = check_text(data.get("answer"), "answer", max_len=QA_TEXT_MAX, multiline=True)
    first = question.answer is None
    question.answer = answer
    question.answered_by_id = user.id
    question.answered_at = utcnow()
    db.session.flush()
    if first and question.asked_by_id is not None:
        do_notify(
            [question.asked_by_id],
            NotificationType.BRIEFING_ANSWERED.value,
            actor=user,
            text=question.question[:200],
            params={"url": f"/briefings/{briefing.id}/ask"},
        )
    return question
