"""Opening moderation cases: one open case per kind and target, shared by its reports.

Reports (``reports``) and the writing gate (``screening``: held and flagged content) both
open cases here. It imports no content service, so the gate that ``posts``, ``comments``
and the other writers call never leads back to them (no import circle).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import CaseStatus, Comment, ModerationCase, Post
from ..models._time import utcnow
from ..models.moderation import OPEN_CASE_PREDICATE


@dataclass(frozen=True)
class Target:
    """What a case is about: ``type`` is post, comment, user or group."""

    type: str
    id: int
    group_id: int | None
    subject_user_id: int | None


def target_of_post(post: Post) -> Target:
    return Target("post", post.id, post.group_id, post.author_id)


def target_of_comment(comment: Comment, post: Post) -> Target:
    return Target("comment", comment.id, post.group_id, comment.author_id)


def _insert():
    return (
        postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )


def open_case(
    kind: str, target: Target, *, severity: int, summary: str, reports: int = 0
) -> ModerationCase:
    """The open case of ``kind`` about ``target``, created if there is none, with its
    severity raised to at least ``severity`` and ``reports`` added to its count.

    One ``INSERT … ON CONFLICT DO NOTHING`` on the partial unique index of open
    cases, then one ``UPDATE``: concurrent reports meet in the database.
    """
    now = utcnow()
    statement = (
        _insert()(ModerationCase)
        .values(
            kind=kind,
            target_type=target.type,
            target_id=target.id,
            group_id=target.group_id,
            subject_user_id=target.subject_user_id,
            status=CaseStatus.OPEN.value,
            severity=severity,
            report_count=0,
            summary=summary,
            opened_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(
            index_elements=["kind", "target_type", "target_id"],
            # Literal SQL, word for word the index's predicate: with bound parameters
            # PostgreSQL cannot match the partial index once psycopg prepares the
            # statement (a generic plan after five runs), and the INSERT fails.
            index_where=text(OPEN_CASE_PREDICATE),
        )
    )
    db.session.execute(statement)
    case = db.session.scalar(
        select(ModerationCase).where(
            ModerationCase.kind == kind,
            ModerationCase.target_type == target.type,
            ModerationCase.target_id == target.id,
            ModerationCase.status == CaseStatus.OPEN.value,
        )
    )
    greater = func.max if db.session.get_bind().dialect.name == "sqlite" else func.greatest
    db.session.execute(
        update(ModerationCase)
        .where(ModerationCase.id == case.id)
        .values(
            severity=greater(ModerationCase.severity, severity),
            report_count=ModerationCase.report_count + reports,
            updated_at=now,
        )
    )
    db.session.refresh(case)
    return case
