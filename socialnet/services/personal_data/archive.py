"""The archive: every section gathered (:func:`collect`), packed as a zip with a README
in the person's language, audited when exported."""

from __future__ import annotations

import io
import json
import zipfile
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ... import policy
from ...errors import Forbidden, NotFound
from ...extensions import db
from ...i18n import check_language, for_person
from ...models import User
from ...models._time import utcnow
from ...serializers import iso
from .. import audit, files, onboarding
from ..advocacy import figures as advocacy_figures
from ..briefings import personal as briefing_personal
from ..circles import personal as circle_personal
from ..events import personal as event_personal
from ..newsletters import tracking as newsletter_tracking
from ..pain_points import personal as pain_point_personal
from ..people import avatar
from ..people.skills import skills_of
from . import account, community, recognition, writing

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
kudos_received, announcements_sent, announcements_received, newsletters_received,
groups, group_join_requests, notifications, notification_mutes, followed_topics,
api_tokens, sessions, reports_filed, sanctions, celebrations, activity_days,
audit_log, skills, endorsements_given, endorsements_received, files, avatar,
advocacy, circles, circle_topics, circle_votes, circle_sessions, circle_syntheses,
event_rsvps, calendar_feed, pain_point_votes, pain_points_followed, onboarding,
briefings_received, briefing_questions.

Posts and comments include deleted and moderated ones, with their state: the
network still stores them. Content written by other people is included only
where you can still read it on the network. Who reported you and moderators'
internal notes are other people's data and are not included.
"""
)


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
        "profile": account.profile(user),
        "posts": writing.posts(user),
        "comments": writing.comments(user),
        "reactions": writing.reactions(user),
        "poll_ballots": writing.ballots(user),
        "kudos_given": recognition.kudos_given(user),
        "kudos_received": recognition.kudos_received(user),
        "announcements_sent": community.announcements_sent(user),
        "announcements_received": community.announcements_received(user),
        "newsletters_received": newsletter_tracking.export_entries(user),
        "groups": community.groups(user),
        "group_join_requests": community.join_requests(user),
        "notifications": community.notifications(user),
        **account.account_rows(user),
        "celebrations": recognition.celebrations(user),
        "audit_log": account.audit_log(user),
        "skills": skills_of(user),
        **recognition.endorsements(user),
        "files": files.export_entries(user),
        "avatar": avatar.export_entry(user),
        "advocacy": advocacy_figures.export_entry(user),
        "onboarding": onboarding.export_entry(user),
        **circle_personal.export_entries(user),
        **briefing_personal.export_entries(user),
        **event_personal.export_entries(user),
        **pain_point_personal.export_entries(user),
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
