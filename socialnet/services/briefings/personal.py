"""A person's part of manager cascades, for their data export and their account's
deletion: the briefings sent to them (and how far they took them), the questions they
asked."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from ...extensions import db
from ...models import Briefing, BriefingQuestion, BriefingRecipient, User
from ...serializers import iso


def export_entries(user: User) -> dict[str, list[dict[str, Any]]]:
    """``{"briefings_received", "briefing_questions"}``."""
    received = db.session.execute(
        select(BriefingRecipient, Briefing.title)
        .join(Briefing, Briefing.id == BriefingRecipient.briefing_id)
        .where(BriefingRecipient.manager_id == user.id)
        .order_by(BriefingRecipient.briefing_id)
    )
    asked = db.session.scalars(
        select(BriefingQuestion)
        .where(BriefingQuestion.asked_by_id == user.id)
        .order_by(BriefingQuestion.id)
    )
    return {
        "briefings_received": [
            {
                "briefing_id": row.briefing_id,
                "title": title,
                "read_at": iso(row.read_at),
                "relayed_at": iso(row.relayed_at),
                "announcement_id": row.announcement_id,
                "reminded_at": iso(row.reminded_at),
            }
            for row, title in received
        ],
        "briefing_questions": [
            {
                "briefing_id": q.briefing_id,
                "question": q.question,
                "answer": q.answer,
                "created_at": iso(q.created_at),
            }
            for q in asked
        ],
    }


def erase_words_of(user: User) -> None:
    """Delete the questions ``user`` asked (their words; the answers went with them)."""
    db.session.execute(delete(BriefingQuestion).where(BriefingQuestion.asked_by_id == user.id))
