"""The account itself: profile, tokens and sessions (never their secrets), settings,
reports filed and sanctions, activity days and the audit entries by or about the person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import (
    ApiToken,
    AuditLogEntry,
    NotificationMute,
    Report,
    Sanction,
    TopicFollow,
    User,
    UserActivityDay,
    UserSession,
)
from ...serializers import iso
from .common import person_ref


def profile(user: User) -> dict[str, Any]:
    manager = db.session.get(User, user.manager_id) if user.manager_id else None
    return {
        "id": user.id,
        "email": user.email,
        "handle": user.handle,
        "display_name": user.display_name,
        "job_title": user.job_title,
        "pronouns": user.pronouns,
        "phone": user.phone,
        "about": user.about,
        "languages": list(user.languages or []),
        "location_detail": user.location_detail,
        "department": user.department,
        "site": user.site,
        "manager": person_ref(manager),
        "hire_date": iso(user.hire_date),
        "birthday": (
            {"month": user.birth_month, "day": user.birth_day} if user.birth_month else None
        ),
        "celebrate_birthday": user.celebrate_birthday,
        "leaderboard_opt_out": user.leaderboard_opt_out,
        "digest": user.digest,
        "role": user.role,
        "active": user.active,
        "muted_until": iso(user.muted_until),
        "suspended_until": iso(user.suspended_until),
        "created_at": iso(user.created_at),
    }


def account_rows(user: User) -> dict[str, list[dict[str, Any]]]:
    """The sections that are one query each with no joins."""
    mutes = db.session.scalars(
        select(NotificationMute.type).where(NotificationMute.user_id == user.id)
    ).all()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    ).all()
    reports = db.session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.id)
    ).all()
    sanctions = db.session.scalars(
        select(Sanction).where(Sanction.user_id == user.id).order_by(Sanction.id)
    ).all()
    sessions = db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
    followed = db.session.scalars(
        select(TopicFollow.tag).where(TopicFollow.user_id == user.id).order_by(TopicFollow.tag)
    ).all()
    days = db.session.scalars(
        select(UserActivityDay.day)
        .where(UserActivityDay.user_id == user.id)
        .order_by(UserActivityDay.day)
    ).all()
    return {
        "notification_mutes": [{"type": t} for t in mutes],
        "followed_topics": [{"tag": t} for t in followed],
        "api_tokens": [
            {
                "id": t.id,
                "name": t.name,
                "created_at": iso(t.created_at),
                "last_used_at": iso(t.last_used_at),
                "revoked_at": iso(t.revoked_at),
            }
            for t in tokens
        ],
        "sessions": [
            {
                "created_at": iso(row.created_at),
                "last_seen_at": iso(row.last_seen_at),
                "ended_at": iso(row.ended_at),
            }
            for row in sessions
        ],
        "reports_filed": [
            {
                "target_type": r.target_type,
                "target_id": r.target_id,
                "reason": r.reason,
                "text": r.text,
                "created_at": iso(r.created_at),
            }
            for r in reports
        ],
        "sanctions": [
            {
                "kind": s.kind,
                "message": s.message,
                "created_at": iso(s.created_at),
                "ends_at": iso(s.ends_at),
            }
            for s in sanctions
        ],
        "activity_days": [iso(d) for d in days],
    }


def audit_log(user: User) -> list[dict[str, Any]]:
    """Entries ``user`` made, and entries about their account (not who made those)."""
    rows = db.session.scalars(
        select(AuditLogEntry)
        .where(
            (AuditLogEntry.actor_id == user.id)
            | ((AuditLogEntry.target_type == "user") & (AuditLogEntry.target_id == user.id))
        )
        .order_by(AuditLogEntry.id)
    ).all()
    return [
        {
            "action": e.action,
            "by_you": e.actor_id == user.id,
            "target_type": e.target_type,
            "target_id": e.target_id,
            "created_at": iso(e.created_at),
        }
        for e in rows
    ]
