"""Text written by the system, stored as a kind and parameters and rendered when read.

A celebration post the daily job writes, a notification's detail or a moderation
notice is not stored as a sentence: the row keeps what happened (``posts.system``
``{"kind", "params"}``, ``notifications.params``) and this module words it in the
language of the moment it is read (a request's, or the recipient's inside
``i18n.for_person``). The sentence stored beside (``posts.body``,
``notifications.text``) is the company language's wording at the time of writing:
what search indexes, and the fallback for rows written before (or that the
migration ``5a1c3e7b9d20`` could not read).

Parameters hold ids, numbers, dates and user content (a job title, a moderator's
message), never words of the product. Nothing here queries the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .markup import plain_text, render
from .text_keys import fold

#: Kinds of system post (``posts.system["kind"]``), all celebrations the job writes.
POST_KINDS = ("birthday", "anniversary", "new_joiner")

#: How long a preview of someone's words is in a notification (characters).
PREVIEW_CHARS = 80


def former_colleague() -> str:
    """What colleagues see in place of a deleted person's name."""
    return _("Former colleague")


def someone() -> str:
    return _("Someone")


def a_group() -> str:
    return _("a group")


# --- celebration posts -------------------------------------------------------------------


def person_ref(user: Any) -> dict[str, Any]:
    """How a post's parameters name a person: enough to link a mention without a query."""
    return {"id": user.id, "handle": user.handle}


def celebration_system(
    kind: str,
    person: Any,
    *,
    years: int | None = None,
    company: str = "",
    manager: Any = None,
) -> dict[str, Any]:
    """``posts.system`` of a celebration the job writes for ``person``."""
    params: dict[str, Any] = {"person": person_ref(person)}
    if kind == "anniversary":
        params.update(years=years, company=company)
    elif kind == "new_joiner":
        params.update(
            department=person.department or "",
            job_title=person.job_title or "",
            manager=person_ref(manager) if manager is not None else None,
        )
    return {"kind": kind, "params": params}


def _mention(ref: dict[str, Any] | None) -> str:
    return f"@{ref['handle']}" if ref else ""


def post_markdown(system: dict[str, Any]) -> str | None:
    """The Markdown of a system post in the current language; None for an unknown kind."""
    kind, params = system.get("kind"), system.get("params") or {}
    person = _mention(params.get("person"))
    if kind == "birthday":
        return _("🎂 Happy birthday %(person)s! Send your wishes below.", person=person)
    if kind == "anniversary":
        years = int(params.get("years") or 0)
        return ngettext(
            "🎉 %(person)s celebrates **%(num)d year** at %(company)s today!",
            "🎉 %(person)s celebrates **%(num)d years** at %(company)s today!",
            years,
            person=person,
            company=params.get("company") or _("the company"),
        )
    if kind == "new_joiner":
        department = params.get("department")
        parts = [
            _("joins **%(department)s**", department=department) if department else _("joins us")
        ]
        if params.get("job_title"):
            parts.append(_("as %(job_title)s", job_title=params["job_title"]))
        if params.get("manager"):
            parts.append(_("in %(manager)s’s team", manager=_mention(params["manager"])))
        return _(
            "👋 Welcome %(person)s, who %(joins)s today!", person=person, joins=" ".join(parts)
        )
    return None


def _handles(params: dict[str, Any]) -> dict[str, tuple[int, str]]:
    refs = [v for v in params.values() if isinstance(v, dict) and "handle" in v and "id" in v]
    return {fold(r["handle"]): (r["id"], r["handle"]) for r in refs}


def render_post(system: dict[str, Any] | None) -> tuple[str, str] | None:
    """``(body, body_html)`` of a system post in the current language, or None when the
    post is not one (or of a kind this version does not know: its stored text stands)."""
    if not system:
        return None
    markdown = post_markdown(system)
    if markdown is None:
        return None
    handles = _handles(system.get("params") or {})
    return markdown, render(
        markdown, lambda wanted: {k: v for k, v in handles.items() if k in wanted}
    ).html


def names_person(system: dict[str, Any], user_id: int) -> bool:
    params = system.get("params") or {}
    return any(isinstance(v, dict) and v.get("id") == user_id for v in params.values())


def rename_person(system: dict[str, Any], user_id: int, handle: str) -> dict[str, Any]:
    """``system`` with every reference to ``user_id`` now named ``handle`` (a new object,
    so the ORM sees the change)."""
    params = dict(system.get("params") or {})
    for key, value in params.items():
        if isinstance(value, dict) and value.get("id") == user_id:
            params[key] = {**value, "handle": handle}
    return {**system, "params": params}


# --- notifications ------------------------------------------------------------------------


#: What a celebration notification says of the occasion.
def _occasion(occasion: str | None) -> str:
    return {
        "birthday": _("happy birthday!"),
        "anniversary": _("happy work anniversary!"),
        "new_joiner": _("welcome aboard!"),
        "team_success": _("team success!"),
    }.get(occasion or "", "")


def _until(raw: str | None) -> str:
    """The end of a sanction, in the reader's language and the company's time zone."""
    if not raw:
        return ""
    moment = datetime.fromisoformat(raw.removesuffix("Z"))
    if moment.year >= 9999:
        return _("further notice")
    return format_datetime(moment, "medium")


#: A moderation notice's first sentence, by action; ``%(what)s`` is the content's kind.
def _notice_sentence(action: str, what: str, until: str) -> str:
    sentences = {
        "hide": _("A moderator hid your %(what)s.", what=what),
        "delete": _("A moderator removed your %(what)s.", what=what),
        "lock": _("A moderator turned off comments on your post."),
        "move": _("A moderator moved your post to another space."),
        "warn": _("You received a warning from a moderator."),
        "mute": _(
            "You are muted until %(until)s: you can read, but not post, comment or react.",
            until=until,
        ),
        "suspend": _("Your account is suspended until %(until)s.", until=until),
        "approve": _("Your %(what)s was approved and is now published.", what=what),
        "restore": _("A moderator restored your %(what)s.", what=what),
    }
    return sentences.get(action, "")


def _content_kind(target_type: str | None) -> str:
    return {
        "post": _("post"),
        "comment": _("comment"),
        "user": _("account"),
        "group": _("group"),
    }.get(target_type or "", _("content"))


def moderation_text(params: dict[str, Any]) -> str:
    """The notice a person receives about an action on their content or account."""
    text = _notice_sentence(
        params.get("action", ""),
        _content_kind(params.get("target_type")),
        _until(params.get("until")),
    )
    if params.get("message"):
        text += " " + _("Message from the moderator: %(message)s", message=params["message"])
    if params.get("appeal") == "final":
        text += " " + _("This decision on your appeal is final.")
    elif params.get("appeal") == "once":
        text += " " + _(
            "You may appeal this decision once (case #%(case)s).", case=params.get("case_id")
        )
    return text


#: The pain-point register's statuses as people read them (pages, notifications).
PAIN_POINT_STATUS_LABELS = {
    "new": _l("New"),
    "acknowledged": _l("Acknowledged"),
    "in_progress": _l("In progress"),
    "solved": _l("Solved"),
    "wont_fix": _l("Won't fix"),
}


def pain_point_status_label(status: str) -> str:
    return str(PAIN_POINT_STATUS_LABELS.get(status, status))


def pain_point_text(type: str, params: dict[str, Any]) -> str | None:
    """A pain point's status change or merge, worded from its parameters."""
    if type == "pain_point_status" and "status" in params:
        return _(
            "%(title)s: %(status)s",
            title=params.get("title", ""),
            status=pain_point_status_label(params["status"]),
        )
    if type == "pain_point_merged" and "into" in params:
        return _(
            "%(title)s was merged into %(into)s",
            title=params.get("title", ""),
            into=params["into"],
        )
    return None


def notification_text(type: str, params: dict[str, Any] | None, stored: str) -> str:
    """A notification's detail (the API's ``text``) in the current language: from its
    parameters when it has them, else the text stored when it was written."""
    if not params:
        return stored
    if type == "celebrated":
        return params.get("title") or _occasion(params.get("occasion")) or stored
    if type == "announcement" and params.get("reminder"):
        return _("Reminder: %(title)s", title=params.get("title", ""))
    if type == "poll_decided" and "option" in params:
        return _(
            "picked %(option)s for “%(question)s”",
            option=params["option"],
            question=params.get("question", ""),
        )
    if type == "moderation" and "action" in params:
        return moderation_text(params)
    return pain_point_text(type, params) or stored


def preview(text: str | None) -> str | None:
    """A one-line excerpt of someone's words (plain text: clients escape it)."""
    if not text:
        return None
    return plain_text(text, PREVIEW_CHARS) or None
