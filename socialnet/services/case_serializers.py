"""Cases as moderators read them: queue rows, a case's detail (target, reports, notes,
history) and notes, with the people they name loaded in one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import (
    AuditLogEntry,
    CaseNote,
    Comment,
    Group,
    ModerationCase,
    Post,
    Report,
    User,
)
from ..serializers import comment_dict, iso, post_dict, user_summary
from . import audit


def _people(ids: set[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def case_dicts(cases: list[ModerationCase]) -> list[dict[str, Any]]:
    """Queue rows, with the people they name loaded in one query."""
    people = _people({c.subject_user_id for c in cases} | {c.assignee_id for c in cases})
    return [case_dict(c, people) for c in cases]


def case_dict(case: ModerationCase, people: dict[int, User] | None = None) -> dict[str, Any]:
    people = people if people is not None else _people({case.subject_user_id, case.assignee_id})
    subject = people.get(case.subject_user_id) if case.subject_user_id else None
    assignee = people.get(case.assignee_id) if case.assignee_id else None
    return {
        "id": case.id,
        "kind": case.kind,
        "status": case.status,
        "severity": case.severity,
        "report_count": case.report_count,
        "summary": case.summary,
        "target_type": case.target_type,
        "target_id": case.target_id,
        "group_id": case.group_id,
        "subject": user_summary(subject) if subject else None,
        "assignee": user_summary(assignee) if assignee else None,
        "resolution": case.resolution,
        "appeal_of_id": case.appeal_of_id,
        "opened_at": iso(case.opened_at),
        "updated_at": iso(case.updated_at),
        "closed_at": iso(case.closed_at),
    }


def target_snapshot(case: ModerationCase) -> dict[str, Any] | None:
    """The target as moderators see it: hidden, held and removed content included."""
    if case.target_type == "post":
        post = db.session.scalar(
            select(Post).options(joinedload(Post.author)).where(Post.id == case.target_id)
        )
        if post is None:
            return None
        return {**post_dict(post), "deleted": post.deleted_at is not None}
    if case.target_type == "comment":
        comment = db.session.scalar(
            select(Comment).options(joinedload(Comment.author)).where(Comment.id == case.target_id)
        )
        if comment is None:
            return None
        return {**comment_dict(comment), "deleted": comment.deleted_at is not None}
    if case.target_type == "group":
        group = db.session.get(Group, case.target_id)
        return (
            {"id": group.id, "name": group.name, "description": group.description}
            if group
            else None
        )
    person = db.session.get(User, case.target_id)
    return user_summary(person) if person else None


def case_detail(case: ModerationCase, reader: User) -> dict[str, Any]:
    """A case with its target, reports, internal notes and history (audit entries, as
    ``reader`` reads them in the audit log)."""
    reports = db.session.execute(
        select(Report, User)
        .join(User, User.id == Report.reporter_id)
        .where(Report.case_id == case.id)
        .order_by(Report.id)
    ).all()
    notes = db.session.execute(
        select(CaseNote, User)
        .outerjoin(User, User.id == CaseNote.author_id)
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.id)
    ).all()
    history = list(
        db.session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.target_type == "case", AuditLogEntry.target_id == case.id)
            .order_by(AuditLogEntry.id)
        )
    )
    return {
        **case_dict(case),
        "appeal_text": case.appeal_text,
        "target": target_snapshot(case),
        "reports": [
            {
                "reporter": user_summary(reporter),
                "reason": report.reason,
                "text": report.text,
                "created_at": iso(report.created_at),
            }
            for report, reporter in reports
        ],
        "notes": [note_dict(note, author) for note, author in notes],
        "history": audit.entries_for(reader, history),
    }


def note_dict(note: CaseNote, author: User | None) -> dict[str, Any]:
    return {
        "id": note.id,
        "author": user_summary(author) if author else None,
        "body": note.body,
        "created_at": iso(note.created_at),
    }
