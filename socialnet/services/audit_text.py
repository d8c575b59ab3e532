"""The audit log in words: each entry as a sentence with names, in the reader's language.

An entry stores codes and ids (``case.hide`` on ``case`` 12, ``{"role": "manager"}``);
this module words it when it is read, like :mod:`socialnet.system_text` does for
notifications: "Zoé Lefort hid a post by Marc Dupont (case #12)." and a list of changes
("Role: Employee → Manager"). The page, the API (``summary``, ``changes``) and the CSV
export use the same words.

Names come from what the reader may see: the actor as the entry recorded them (a
snapshot, so a renamed actor reads the same); a person target by their name now (a
deleted account reads "Former colleague"); a post's author only when the reader may see
the post; a group's name only when the group is visible to them; a redacted entry names
nothing but its redaction label (:func:`socialnet.policy.redacted_audit_entries`).
:func:`describe` costs a bounded number of queries whatever the number of entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask_babel import format_datetime, format_decimal, ngettext, pgettext
from flask_babel import gettext as _
from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import AuditLogEntry, Group, ModerationCase, Post, User


def _role(code: Any) -> str:
    return {
        "employee": pgettext("role", "Employee"),
        "manager": pgettext("role", "Manager"),
        "community_manager": pgettext("role", "Community manager"),
        "admin": pgettext("role", "Administrator"),
    }.get(code, str(code))


def _visibility(code: Any) -> str:
    return {
        "public": pgettext("group type", "Public"),
        "private": pgettext("group type", "Private"),
        "secret": pgettext("group type", "Secret"),
    }.get(code, str(code))


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _moment(value: Any) -> str:
    if not value:
        return "—"
    try:
        return format_datetime(datetime.fromisoformat(str(value).removesuffix("Z")), "medium")
    except ValueError:
        return str(value)


def _coded(labels: Callable[[], dict[str, str]]) -> Callable[[Any], str]:
    return lambda code: labels().get(code, str(code))


_status = _coded(
    lambda: {"open": pgettext("case status", "Open"), "closed": pgettext("case status", "Closed")}
)
_scope = _coded(lambda: {"company": _("the whole company"), "group": _("its group")})
_mode = _coded(lambda: {"anonymise": _("kept anonymously"), "remove": _("erased")})
_word_action = _coded(
    lambda: {
        "block": _("block"),
        "require_approval": _("require approval"),
        "flag": _("flag"),
        "censor": _("censor"),
    }
)
_audience = _coded(
    lambda: {
        "company": _("the whole company"),
        "site": _("a site"),
        "department": _("a department"),
        "group": _("a group"),
    }
)


def _text(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def _number(value: Any) -> str:
    return format_decimal(value) if isinstance(value, int | float) else _text(value)


#: field → (its label, how its values read). A field missing here is not listed in
#: ``changes`` (the raw ``before``/``after`` keep it for the API and the CSV).
FIELDS: dict[str, tuple[Callable[[], str], Callable[[Any], str]]] = {
    "role": (lambda: _("Role"), _role),
    "active": (lambda: _("Account active"), _yes_no),
    "visibility": (lambda: _("Group type"), _visibility),
    "name": (lambda: _("Name"), _text),
    "handle": (lambda: _("Handle"), _text),
    "is_official": (lambda: _("Official"), _yes_no),
    "premoderated": (lambda: _("Posts approved first"), _yes_no),
    "archived_at": (lambda: _("Archived"), _moment),
    "status": (lambda: _("Case status"), _status),
    "duration_hours": (lambda: _("Duration (hours)"), _number),
    "scope": (lambda: _("Pinned for"), _scope),
    "mode": (lambda: _("Their content"), _mode),
    "title": (lambda: _("Title"), _text),
    "audience": (lambda: _("Audience"), _audience),
    "recipients": (lambda: _("Recipients"), _number),
    "pattern": (lambda: _("Word or pattern"), _text),
    "regex": (lambda: _("Regular expression"), _yes_no),
    "action": (lambda: _("What it does"), _word_action),
    "account_deletion": (lambda: _("Account deletion"), _mode),
}


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """The labelled fields of an entry's ``before``/``after``, values in words:
    ``[{"field", "label", "before", "after"}]`` (``before``/``after`` ``""`` when the
    entry has no such side)."""
    out = []
    for field in [*before, *(k for k in after if k not in before)]:
        if field not in FIELDS:
            continue
        label, word = FIELDS[field]
        out.append(
            {
                "field": field,
                "label": label(),
                "before": word(before[field]) if field in before else "",
                "after": word(after[field]) if field in after else "",
            }
        )
    return out


# --- names the reader may see ------------------------------------------------------------


class _Names:
    """Everything the sentences of a page of entries name, loaded in a few queries."""

    def __init__(self, reader: User, entries: list[AuditLogEntry], hidden: set[int]) -> None:
        shown = [e for e in entries if e.id not in hidden]
        case_ids = {e.target_id for e in shown if e.target_type == "case" and e.target_id}
        self.cases = (
            {
                c.id: c
                for c in db.session.scalars(
                    select(ModerationCase).where(ModerationCase.id.in_(case_ids))
                )
            }
            if case_ids
            else {}
        )
        post_ids = {e.target_id for e in shown if e.target_type == "post" and e.target_id}
        self.post_authors: dict[int, int] = (
            dict(
                db.session.execute(
                    select(Post.id, Post.author_id).where(
                        Post.id.in_(post_ids), policy.visible_posts_filter(reader)
                    )
                ).all()
            )
            if post_ids
            else {}
        )
        group_ids = {e.target_id for e in shown if e.target_type == "group" and e.target_id}
        for entry in shown:
            after = json.loads(entry.after)
            if isinstance(after.get("group_id"), int):
                group_ids.add(after["group_id"])
        self.groups: dict[int, str] = (
            dict(
                db.session.execute(
                    select(Group.id, Group.name).where(
                        Group.id.in_(group_ids), policy.visible_groups_filter(reader)
                    )
                ).all()
            )
            if group_ids
            else {}
        )
        user_ids = {e.target_id for e in shown if e.target_type == "user" and e.target_id}
        user_ids |= set(self.post_authors.values())
        user_ids |= {c.subject_user_id for c in self.cases.values() if c.subject_user_id}
        for entry in shown:
            if entry.action == "case.assigned":
                assignee = json.loads(entry.after).get("assignee_id")
                if isinstance(assignee, int):
                    user_ids.add(assignee)
        self.people: dict[int, str] = (
            {
                u.id: u.display_name
                for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))
            }
            if user_ids
            else {}
        )

    def person(self, user_id: Any) -> str:
        return self.people.get(user_id, _("someone")) if user_id else _("someone")


# --- sentences -------------------------------------------------------------------------


class _Entry:
    """One entry as its sentence needs it: actor, names of what it is about, before/after."""

    def __init__(self, entry: AuditLogEntry, names: _Names, redacted: str | None) -> None:
        self.entry, self.names, self.redacted = entry, names, redacted
        self.before: dict[str, Any] = json.loads(entry.before)
        self.after: dict[str, Any] = json.loads(entry.after)
        self.actor = entry.actor_name if entry.actor_id else _("The system")

    def person(self) -> str:
        return self.names.person(self.entry.target_id)

    def post(self, post_id: int | None) -> str:
        author = self.names.post_authors.get(post_id) if post_id else None
        if author is None:
            return _("a post")
        return _("a post by %(person)s", person=self.names.person(author))

    def group(self, group_id: Any) -> str:
        if self.redacted:
            return self.redacted
        name = self.names.groups.get(group_id) if isinstance(group_id, int) else None
        return _("the group %(name)s", name=name) if name else _("a group")

    def case_subject(self) -> str:
        """The person a case is about, or what the reader may know of it."""
        if self.redacted:
            return self.redacted
        case = self.names.cases.get(self.entry.target_id)
        return self.names.person(case.subject_user_id if case else None)

    def case_content(self) -> str:
        """What a case is about: "a post by Marc Dupont", "Marc Dupont", "the group Ops"."""
        if self.redacted:
            return self.redacted
        case = self.names.cases.get(self.entry.target_id)
        if case is None:
            return _("a case")
        subject = self.names.person(case.subject_user_id)
        if case.target_type == "post":
            return _("a post by %(person)s", person=subject)
        if case.target_type == "comment":
            return _("a comment by %(person)s", person=subject)
        if case.target_type == "group":
            return self.group(case.target_id)
        return subject


def _case_sentence(e: _Entry, action: str) -> str:
    actor, what = e.actor, e.case_content()
    sentences: dict[str, Callable[[], str]] = {
        "dismiss": lambda: _(
            "%(actor)s dismissed the reports on %(what)s.", actor=actor, what=what
        ),
        "approve": lambda: _("%(actor)s approved %(what)s.", actor=actor, what=what),
        "hide": lambda: _("%(actor)s hid %(what)s.", actor=actor, what=what),
        "restore": lambda: _("%(actor)s restored %(what)s.", actor=actor, what=what),
        "delete": lambda: _("%(actor)s removed %(what)s.", actor=actor, what=what),
        "warn": lambda: _("%(actor)s warned %(person)s.", actor=actor, person=e.case_subject()),
        "mute": lambda: _("%(actor)s muted %(person)s.", actor=actor, person=e.case_subject()),
        "suspend": lambda: _(
            "%(actor)s suspended %(person)s.", actor=actor, person=e.case_subject()
        ),
        "lock": lambda: _("%(actor)s turned off comments on %(what)s.", actor=actor, what=what),
        "move": lambda: _(
            "%(actor)s moved %(what)s to %(group)s.",
            actor=actor,
            what=what,
            group=e.group(e.after.get("group_id")) if not e.redacted else _("another group"),
        ),
        "appealed": lambda: _(
            "%(actor)s appealed the decision on %(what)s.", actor=actor, what=what
        ),
        "assigned": lambda: _assigned(e),
    }
    return sentences[action]() if action in sentences else _unknown(e)


def _assigned(e: _Entry) -> str:
    case = e.redacted or _("case #%(id)s", id=e.entry.target_id)
    assignee = e.after.get("assignee_id")
    if assignee is None:
        return _("%(actor)s unassigned %(case)s.", actor=e.actor, case=case)
    return _(
        "%(actor)s assigned %(case)s to %(person)s.",
        actor=e.actor,
        case=case,
        person=e.names.person(assignee),
    )


def _user_sentence(e: _Entry, action: str) -> str:
    actor, person = e.actor, e.person()
    if action == "role_changed":
        return _(
            "%(actor)s changed the role of %(person)s from %(before)s to %(after)s.",
            actor=actor,
            person=person,
            before=_role(e.before.get("role")),
            after=_role(e.after.get("role")),
        )
    if action == "active_changed" and e.after.get("active"):
        return _("%(actor)s reactivated the account of %(person)s.", actor=actor, person=person)
    if action == "active_changed":
        return _("%(actor)s deactivated the account of %(person)s.", actor=actor, person=person)
    sentences = {
        "password_changed": lambda: _("%(actor)s changed their password.", actor=actor),
        "password_reset": lambda: _(
            "%(actor)s chose a new password with an emailed link.", actor=actor
        ),
        "signed_out_everywhere": lambda: _("%(actor)s signed out on every device.", actor=actor),
    }
    return sentences[action]() if action in sentences else _unknown(e)


def _announcement(e: _Entry) -> str:
    if e.redacted:
        return _("%(actor)s sent %(what)s.", actor=e.actor, what=e.redacted)
    count = int(e.after.get("recipients") or 0)
    return ngettext(
        "%(actor)s sent the announcement “%(title)s” to %(num)d person.",
        "%(actor)s sent the announcement “%(title)s” to %(num)d people.",
        count,
        actor=e.actor,
        title=e.after.get("title", ""),
    )


def _exported(e: _Entry) -> str:
    if e.entry.actor_id == e.entry.target_id:
        return _("%(actor)s downloaded their data.", actor=e.actor)
    return _("%(actor)s exported the data of %(person)s.", actor=e.actor, person=e.person())


def _unknown(e: _Entry) -> str:
    return _("%(actor)s: %(action)s", actor=e.actor, action=e.entry.action)


def _post_sentence(e: _Entry, action: str) -> str:
    what = e.post(e.entry.target_id)
    sentences = {
        "pinned": lambda: _("%(actor)s pinned %(what)s.", actor=e.actor, what=what),
        "unpinned": lambda: _("%(actor)s unpinned %(what)s.", actor=e.actor, what=what),
        "featured": lambda: _("%(actor)s featured %(what)s.", actor=e.actor, what=what),
        "unfeatured": lambda: _("%(actor)s stopped featuring %(what)s.", actor=e.actor, what=what),
    }
    return sentences[action]() if action in sentences else _unknown(e)


def _other_sentence(e: _Entry, action: str) -> str:
    word = (e.after or e.before).get("pattern", "")
    group = e.group(e.entry.target_id)
    sentences: dict[str, Callable[[], str]] = {
        "announcement.sent": lambda: _announcement(e),
        "personal_data.exported": lambda: _exported(e),
        "account.deleted": lambda: _("%(actor)s deleted their account.", actor=e.actor),
        "watched_word.added": lambda: _(
            "%(actor)s added the watched word “%(word)s”.", actor=e.actor, word=word
        ),
        "watched_word.removed": lambda: _(
            "%(actor)s removed the watched word “%(word)s”.", actor=e.actor, word=word
        ),
        "settings.changed": lambda: _("%(actor)s changed the company settings.", actor=e.actor),
        "group.created": lambda: _("%(actor)s created %(group)s.", actor=e.actor, group=group),
        "group.updated": lambda: _("%(actor)s changed %(group)s.", actor=e.actor, group=group),
        "correspondent.granted": lambda: _(
            "%(actor)s named %(person)s correspondent for %(place)s.",
            actor=e.actor,
            person=e.person(),
            place=(e.after or {}).get("value", ""),
        ),
        "correspondent.revoked": lambda: _(
            "%(actor)s withdrew the correspondent role of %(person)s.",
            actor=e.actor,
            person=e.person(),
        ),
    }
    return sentences[action]() if action in sentences else _unknown(e)


_BY_PREFIX: dict[str, Callable[[_Entry, str], str]] = {
    "case": _case_sentence,
    "user": _user_sentence,
    "post": _post_sentence,
}


def sentence(e: _Entry) -> str:
    prefix, _dot, rest = e.entry.action.partition(".")
    if prefix in _BY_PREFIX:
        return _BY_PREFIX[prefix](e, rest)
    return _other_sentence(e, e.entry.action)


def describe(
    reader: User, entries: list[AuditLogEntry], redacted: dict[int, str]
) -> dict[int, str]:
    """``{entry id: its sentence}`` in the current language, naming only what ``reader``
    may see (module docstring); ``redacted`` is :func:`policy.redacted_audit_entries`."""
    names = _Names(reader, entries, set(redacted))
    return {e.id: sentence(_Entry(e, names, redacted.get(e.id))) for e in entries}


def action_choices() -> list[tuple[str, str]]:
    """The audit log's action filter as words: ``(action filter, label)``; a filter ending
    in ``.`` is a prefix (:func:`~socialnet.services.audit.check_filters`)."""
    return [
        ("case.", _("Moderation decisions")),
        ("case.assigned", _("Cases assigned")),
        ("user.", _("Accounts: roles, activation, passwords")),
        ("group.", _("Groups created or changed")),
        ("post.", _("Posts pinned or featured")),
        ("announcement.sent", _("Announcements sent")),
        ("watched_word.", _("Watched words")),
        ("settings.changed", _("Company settings")),
        ("personal_data.exported", _("Data exports")),
        ("account.deleted", _("Accounts deleted")),
        ("correspondent.", _("Correspondents named or withdrawn")),
    ]
