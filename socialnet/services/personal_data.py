"""A person's own data, for them to download (and for administrators, on request).

:func:`collect` gathers everything the network stores about one person, as they
would need it to exercise their right of access (GDPR art. 15) or to take it
elsewhere (art. 20); :func:`export_zip` packs it as ``data.json`` plus a README.

What it holds, and what it deliberately leaves out:

- **Everything they wrote or did**, whatever became of it: posts and comments
  (also deleted, hidden or held ones, with their state), reactions, ballots,
  kudos given, announcements sent, reports filed, circle topics, votes,
  sessions and syntheses, API tokens and browser
  sessions (never their secrets), notification preferences, the topics they
  follow, the days they were active (analytics).
- **What the network keeps about them**: profile, group memberships and join
  requests, announcements addressed to them and when they read them, sanctions,
  celebrations of them, notifications, the audit entries they made or that are
  about their account.
- **Never other people's private content.** Kudos they received, notifications
  and join requests are included only while the post or group they point at is
  visible to them under :mod:`socialnet.policy` (the same rules as every read
  path): a kudos in a secret group they have left stays out. For a deactivated
  person, who can read nothing any more, that means none of them (an admin's
  export on their request still holds everything they wrote and did). Who
  reported them, and moderators' internal notes, are the reporters' and
  moderators' data and stay out too.

An administrator's export of a person holds that person's own posts and
memberships wherever they are, secret groups included: the export is for the
person, the admin only carries it (and the audit log records that they did).
"""

from __future__ import annotations

import io
import json
import zipfile
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, or_, select
from sqlalchemy.orm import aliased

from .. import policy
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..i18n import check_language, for_person
from ..models import (
    Announcement,
    AnnouncementRecipient,
    ApiToken,
    AuditLogEntry,
    Ballot,
    BallotChoice,
    Celebration,
    CelebrationPerson,
    Comment,
    CompanyValue,
    Endorsement,
    Group,
    GroupJoinRequest,
    GroupMembership,
    Kudos,
    KudosRecipient,
    Notification,
    NotificationMute,
    Poll,
    PollOption,
    Post,
    Reaction,
    Report,
    Sanction,
    Skill,
    TopicFollow,
    User,
    UserActivityDay,
    UserSession,
)
from ..models._time import utcnow
from ..serializers import iso
from . import audit, files, onboarding
from .advocacy import figures as advocacy_figures
from .circles import personal as circle_personal
from .newsletters import tracking as newsletter_tracking
from .people import avatar
from .people.skills import skills_of

#: Bumped when the layout of ``data.json`` changes in a way a reader would notice.
FORMAT_VERSION = 1

#: The archive's README.txt, in the language the person chose (else the request's).
README = _l(
    """\
Your data from %(company)s
========================

This archive holds everything %(company)s's internal network stores about
%(name)s (account #%(user_id)s), exported on %(exported_at)s UTC.

data.json   all of it, in JSON (UTF-8); dates are ISO 8601 in UTC.
files/      the files you uploaded (listed under "files" in data.json), if any.
avatar.webp your profile photo (described under "avatar" in data.json), if any.

Sections: profile, posts, comments, reactions, poll_ballots, kudos_given,
kudos_received, announcements_sent, announcements_received, groups,
group_join_requests, notifications, notification_mutes, followed_topics, api_tokens,
sessions, reports_filed, sanctions, celebrations, activity_days, audit_log, skills,
endorsements_given, endorsements_received, files, avatar.

Posts and comments include deleted and moderated ones, with their state: the
network still stores them. Content written by other people is included only
where you can still read it on the network. Who reported you and moderators'
internal notes are other people's data and are not included.
"""
)


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "display_name": user.display_name}


def _profile(user: User) -> dict[str, Any]:
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
        "manager": _person(manager),
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


def _posts(user: User) -> list[dict[str, Any]]:
    posts = db.session.scalars(
        select(Post).where(Post.author_id == user.id).order_by(Post.id)
    ).all()
    return [
        {
            "id": p.id,
            "kind": p.kind,
            "group_id": p.group_id,
            "title": p.title,
            "body": p.body,
            "created_at": iso(p.created_at),
            "edited_at": iso(p.edited_at),
            "deleted_at": iso(p.deleted_at),
            "moderation_state": p.moderation_state,
        }
        for p in posts
    ]


def _comments(user: User) -> list[dict[str, Any]]:
    comments = db.session.scalars(
        select(Comment).where(Comment.author_id == user.id).order_by(Comment.id)
    ).all()
    return [
        {
            "id": c.id,
            "post_id": c.post_id,
            "body": c.body,
            "created_at": iso(c.created_at),
            "deleted_at": iso(c.deleted_at),
            "moderation_state": c.moderation_state,
        }
        for c in comments
    ]


def _reactions(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Reaction).where(Reaction.user_id == user.id).order_by(Reaction.created_at)
    ).all()
    return [{"post_id": r.post_id, "kind": r.kind, "created_at": iso(r.created_at)} for r in rows]


def _ballots(user: User) -> list[dict[str, Any]]:
    ballots = db.session.execute(
        select(Ballot, Poll.post_id)
        .join(Poll, Poll.id == Ballot.poll_id)
        .where(Ballot.user_id == user.id)
        .order_by(Ballot.id)
    ).all()
    choices: dict[int, list[dict[str, Any]]] = {}
    if ballots:
        rows = db.session.execute(
            select(
                BallotChoice.ballot_id, PollOption.text, PollOption.starts_at, BallotChoice.answer
            )
            .join(PollOption, PollOption.id == BallotChoice.option_id)
            .where(BallotChoice.ballot_id.in_([b.id for b, _ in ballots]))
            .order_by(PollOption.position)
        ).all()
        for ballot_id, text, starts_at, answer in rows:
            choices.setdefault(ballot_id, []).append(
                {"option": text, "starts_at": iso(starts_at), "answer": answer}
            )
    return [
        {
            "poll_id": b.poll_id,
            "post_id": post_id,
            "choices": choices.get(b.id, []),
            "created_at": iso(b.created_at),
            "updated_at": iso(b.updated_at),
        }
        for b, post_id in ballots
    ]


def _kudos_given(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Kudos, CompanyValue.name)
        .join(CompanyValue, CompanyValue.id == Kudos.value_id)
        .where(Kudos.giver_id == user.id)
        .order_by(Kudos.id)
    ).all()
    recipients: dict[int, list[dict[str, Any]]] = {}
    if rows:
        for kudos_id, person in db.session.execute(
            select(KudosRecipient.kudos_id, User)
            .join(User, User.id == KudosRecipient.user_id)
            .where(KudosRecipient.kudos_id.in_([k.id for k, _ in rows]))
        ).all():
            recipients.setdefault(kudos_id, []).append(_person(person))
    return [
        {
            "id": k.id,
            "post_id": k.post_id,
            "value": value,
            "message": k.message,
            "recipients": recipients.get(k.id, []),
            "created_at": iso(k.created_at),
        }
        for k, value in rows
    ]


def _kudos_received(user: User) -> list[dict[str, Any]]:
    """Kudos thanking ``user`` whose post they can still read (see the module docstring)."""
    rows = db.session.execute(
        select(Kudos, CompanyValue.name, User)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .join(CompanyValue, CompanyValue.id == Kudos.value_id)
        .join(User, User.id == Kudos.giver_id)
        .join(Post, Post.id == Kudos.post_id)
        .where(KudosRecipient.user_id == user.id, policy.visible_posts_filter(user))
        .order_by(Kudos.id)
    ).all()
    return [
        {
            "id": k.id,
            "post_id": k.post_id,
            "from": _person(giver),
            "value": value,
            "message": k.message,
            "created_at": iso(k.created_at),
        }
        for k, value, giver in rows
    ]


def _announcements_sent(user: User) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(Announcement).where(Announcement.sender_id == user.id).order_by(Announcement.id)
    ).all()
    return [
        {
            "id": a.id,
            "post_id": a.post_id,
            "title": a.title,
            "body": a.body,
            "audience": {
                "kind": a.audience_kind,
                "value": a.audience_value,
                "group_id": a.group_id,
            },
            "publish_at": iso(a.publish_at),
            "published_at": iso(a.published_at),
            "cancelled_at": iso(a.cancelled_at),
            "expires_at": iso(a.expires_at),
            "created_at": iso(a.created_at),
        }
        for a in rows
    ]


def _announcements_received(user: User) -> list[dict[str, Any]]:
    """Every announcement addressed to ``user``: its id, and whether and when they read it.

    Only ids and read receipts: the content is someone else's, and readable on the network.
    """
    rows = db.session.execute(
        select(AnnouncementRecipient.announcement_id, AnnouncementRecipient.acknowledged_at)
        .where(AnnouncementRecipient.user_id == user.id)
        .order_by(AnnouncementRecipient.announcement_id)
    ).all()
    return [{"announcement_id": a_id, "read_at": iso(read_at)} for a_id, read_at in rows]


def _groups(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(GroupMembership, Group.name)
        .join(Group, Group.id == GroupMembership.group_id)
        .where(GroupMembership.user_id == user.id)
        .order_by(GroupMembership.group_id)
    ).all()
    return [
        {"group_id": m.group_id, "name": name, "role": m.role, "joined_at": iso(m.created_at)}
        for m, name in rows
    ]


def _join_requests(user: User) -> list[dict[str, Any]]:
    """Pending requests, for groups ``user`` may still know of (a private group turned
    secret since keeps the request, but its name is no longer theirs to see)."""
    rows = db.session.execute(
        select(GroupJoinRequest, Group.name)
        .join(Group, Group.id == GroupJoinRequest.group_id)
        .where(GroupJoinRequest.user_id == user.id, policy.visible_groups_filter(user))
        .order_by(GroupJoinRequest.group_id)
    ).all()
    return [
        {"group_id": r.group_id, "name": name, "requested_at": iso(r.created_at)}
        for r, name in rows
    ]


def _notifications(user: User) -> list[dict[str, Any]]:
    """Notifications of ``user`` that their notification centre still shows (the same
    rule: none about a post they can no longer read, or a secret group they left)."""
    rows = db.session.scalars(
        select(Notification)
        .outerjoin(Post, Post.id == Notification.post_id)
        .where(Notification.user_id == user.id, policy.visible_notifications_filter(user))
        .order_by(Notification.id)
    ).all()
    return [
        {
            "id": n.id,
            "type": n.type,
            "post_id": n.post_id,
            "group_id": n.group_id,
            "count": n.count,
            "text": n.text,
            "created_at": iso(n.created_at),
            "read_at": iso(n.read_at),
        }
        for n in rows
    ]


def _simple_rows(user: User) -> dict[str, list[dict[str, Any]]]:
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


def _endorsements(user: User) -> dict[str, list[dict[str, Any]]]:
    """Endorsements ``user`` gave and received, with the colleague's name (one query)."""
    colleague = aliased(User)
    rows = db.session.execute(
        select(Endorsement, Skill.name, colleague)
        .join(Skill, Skill.id == Endorsement.skill_id)
        .join(
            colleague,
            colleague.id
            == case(
                (Endorsement.user_id == user.id, Endorsement.endorser_id),
                else_=Endorsement.user_id,
            ),
        )
        .where(or_(Endorsement.user_id == user.id, Endorsement.endorser_id == user.id))
        .order_by(Endorsement.id)
    ).all()
    given, received = [], []
    for row, skill, other in rows:
        item = {"skill": skill, "created_at": iso(row.created_at)}
        if row.endorser_id == user.id:
            given.append({**item, "to": _person(other)})
        else:
            received.append({**item, "by": _person(other)})
    return {"endorsements_given": given, "endorsements_received": received}


def _celebrations(user: User) -> list[dict[str, Any]]:
    named = select(CelebrationPerson.celebration_id).where(CelebrationPerson.user_id == user.id)
    rows = db.session.scalars(
        select(Celebration)
        .where((Celebration.user_id == user.id) | Celebration.id.in_(named))
        .order_by(Celebration.id)
    ).all()
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "post_id": c.post_id,
            "occasion_date": iso(c.occasion_date),
            "years": c.years,
        }
        for c in rows
    ]


def _audit_log(user: User) -> list[dict[str, Any]]:
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


def access_person_for_export(actor: User, person_id: int) -> User:
    """The person whose data ``actor`` (an administrator, on the person's request) exports.

    :raise Forbidden: ``actor`` is not an administrator.
    :raise NotFound: no such person.
    """
    if not policy.can_manage_users(actor):
        raise Forbidden(_("Only administrators export a colleague's data."))
    person = db.session.get(User, person_id)
    if person is None:
        raise NotFound(_("No such person."))
    return person


def collect(user: User) -> dict[str, Any]:
    """Everything stored about ``user`` (see the module docstring), as JSON-ready data."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": iso(utcnow()),
        "profile": _profile(user),
        "posts": _posts(user),
        "comments": _comments(user),
        "reactions": _reactions(user),
        "poll_ballots": _ballots(user),
        "kudos_given": _kudos_given(user),
        "kudos_received": _kudos_received(user),
        "announcements_sent": _announcements_sent(user),
        "announcements_received": _announcements_received(user),
        "newsletters_received": newsletter_tracking.export_entries(user),
        "groups": _groups(user),
        "group_join_requests": _join_requests(user),
        "notifications": _notifications(user),
        **_simple_rows(user),
        "celebrations": _celebrations(user),
        "audit_log": _audit_log(user),
        "skills": skills_of(user),
        **_endorsements(user),
        "files": files.export_entries(user),
        "avatar": avatar.export_entry(user),
        "advocacy": advocacy_figures.export_entry(user),
        "onboarding": onboarding.export_entry(user),
        **circle_personal.export_entries(user),
    }


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def export_zip(user: User, company_name: str) -> bytes:
    """``user``'s data as a zip: ``data.json`` (see :func:`collect`) and ``README.txt``."""
    data = collect(user)
    stored = [(entry["path"], files.export_bytes(entry)) for entry in data["files"]]
    if data["avatar"] is not None:
        stored.append((data["avatar"]["path"], files.export_bytes(data["avatar"])))
    for entry in [*data["files"], data["avatar"]]:
        if entry is not None:
            del entry["storage_key"]  # internal
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in stored:
            if content is not None:
                archive.writestr(path, content)
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
        )
        chosen = check_language(user.language) is not None
        with for_person(user) if chosen else nullcontext():
            readme = str(README) % {
                "company": company_name,
                "name": user.display_name,
                "user_id": user.id,
                "exported_at": data["exported_at"],
            }
        archive.writestr("README.txt", readme)
    return buffer.getvalue()


def export_filename(user: User) -> str:
    """``socialnet-data-<handle>-<YYYY-MM-DD>.zip`` (the handle is ASCII-safe)."""
    return f"socialnet-data-{user.handle}-{utcnow():%Y-%m-%d}.zip"


def do_export(actor: User, person: User, company_name: str) -> bytes:
    """``person``'s data as a zip (:func:`export_zip`), exported by ``actor`` (themself, or
    an administrator given ``person`` by :func:`access_person_for_export`), and recorded in
    the audit log. The archive is built first, so an entry means an export was built; the
    caller commits (flush only)."""
    body = export_zip(person, company_name)
    audit.record(actor, "personal_data.exported", "user", person.id)
    return body
