"""Moderation pages: reports, the review queue, cases, watched words, the audit log,
"my moderation notices", pins and features — forms without JavaScript.

Views stay thin: each parses a form, calls one service of ``services/`` (reports,
cases, case_actions, watched_words, audit, pins, groups), commits, and redirects
(post/redirect/get). A refused form is rendered again (or its fields kept with
``keep_draft`` when it lives on another page) with the service's message flashed.
What every page's templates ask about moderation (may I pin this, report that) is
:mod:`.moderation_globals`'.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from .. import policy
from ..errors import ValidationFailed
from ..extensions import db
from ..models import WATCHED_WORD_ACTIONS, User
from ..realtime.catchup import head_event_id
from ..services import (
    audit,
    audit_text,
    case_actions,
    case_serializers,
    cases,
    groups,
    moderation_pages,
    pins,
    reports,
    sanctions,
    watched_words,
)
from ..unit_of_work import attempt, failed
from ._common import form_next, keep_draft, me, take_draft
from .moderation_globals import ACTION_LABELS, WORD_ACTION_LABELS

bp = Blueprint("moderation", __name__)

QUEUE_PAGE = 25
AUDIT_PAGE = 50
CASE_KINDS = ("report", "flag", "approval", "appeal")


# --- helpers ---------------------------------------------------------------------------


def _int_or_raw(raw: str | None):
    """A form's id or number as an int, else the raw text (the service says what is wrong)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw


def _back(default: str, anchor: str | None = None) -> str:
    back = (form_next() or default).partition("#")[0]
    return f"{back}#{anchor}" if anchor else back


def _act(action, success: str, back: str):
    """Run one service call, commit, flash; on a domain error roll back and flash why."""
    with attempt() as outcome:
        action()
    if not outcome.failed:
        flash(success, "success")
    return redirect(back)


def _action_data(form, *, bulk: bool = False) -> dict[str, Any]:
    action = form.get("action", "")
    data: dict[str, Any] = {"action": action}
    message = form.get("message", "").strip()
    if message:
        data["message"] = message
    duration = _int_or_raw(form.get("duration_hours"))
    if duration is not None and action in ("mute", "suspend"):
        data["duration_hours"] = duration
    if action == "move":
        data["group_id"] = _int_or_raw(form.get("group_id"))
    if form.get("keep_open") == "on":
        data["close"] = False
    if bulk:
        data["case_ids"] = [_int_or_raw(raw) for raw in form.getlist("case_ids")]
    return data


def _move_destinations(user: User) -> list[dict[str, Any]]:
    listed, _cursor = groups.list_groups(user, query=None, mine=False, cursor=None, limit=100)
    return [g for g in listed if not g.get("archived")]


# --- reports ---------------------------------------------------------------------------


@bp.post("/moderation/reports")
@login_required
def report():
    target_type = request.form.get("target_type", "")
    target_id = _int_or_raw(request.form.get("target_id"))
    anchor = f"{target_type}-{target_id}" if target_type in ("post", "comment") else None
    data = {
        "target_type": target_type,
        "target_id": target_id,
        "reason": request.form.get("reason", ""),
        "text": request.form.get("text", ""),
    }
    with attempt() as outcome:
        reports.do_report(me(), data)
    if outcome.failed:
        keep_draft("report")
        return redirect(_back(url_for("feed.home"), anchor))
    flash(_("Thanks — moderators will look at it."), "success")
    return redirect(_back(url_for("feed.home"), anchor))


# --- the queue -------------------------------------------------------------------------


def _queue_filters() -> dict[str, Any]:
    args = {
        "status": "closed" if request.args.get("closed") == "1" else "open",
        "kind": request.args.get("kind") or None,
        "assignee": request.args.get("assignee") or None,
        "group_id": request.args.get("group_id") or None,
    }
    return cases.check_list_filters(args)


@bp.get("/moderation")
@login_required
def queue():
    cases.check_can_open_queue(me())
    head = head_event_id()
    filters = _queue_filters()
    rows, next_cursor = cases.list_cases(me(), filters, request.args.get("cursor"), QUEUE_PAGE)
    return render_template(
        "moderation_queue.html",
        rows=moderation_pages.queue_rows(rows),
        filters=filters,
        next_cursor=next_cursor,
        head_event_id=head,
        kinds=CASE_KINDS,
        bulk_actions=_bulk_actions(me()),
        draft=take_draft("bulk"),
        max_bulk=case_actions.BULK_MAX_CASES,
    )


def _bulk_actions(user: User) -> list[str]:
    wanted = ("dismiss", "approve", "hide", "delete", "restore", "warn", "mute", "suspend")
    return [a for a in wanted if policy.is_moderator(user) or a in policy.GROUP_ADMIN_CASE_ACTIONS]


@bp.get("/moderation/cases/<id:case_id>/row")
@login_required
def case_row(case_id: int):
    """One queue row, rendered (and escaped) by the server for app.js to show live."""
    case = cases.access_case(me(), case_id)
    return render_template(
        "_moderation_case_row.html", row=moderation_pages.queue_rows([case])[0], selected=[]
    )


@bp.post("/moderation/bulk")
@login_required
def bulk():
    back = _back(url_for("moderation.queue"))
    with attempt() as outcome:
        done = case_actions.do_bulk_action(me(), _action_data(request.form, bulk=True))
    if outcome.failed:
        keep_draft("bulk")
        return redirect(back)
    flash(
        ngettext("Done: %(num)d case updated.", "Done: %(num)d cases updated.", len(done)),
        "success",
    )
    return redirect(back)


# --- one case --------------------------------------------------------------------------


def _case_page(case_id: int, draft: dict[str, Any] | None = None, status: int = 200):
    user = me()
    cases.check_can_open_queue(user)
    case = cases.access_case(user, case_id)
    detail = case_serializers.case_detail(case, user)
    actions = moderation_pages.available_actions(user, case, detail["target"])
    original = None
    if case.appeal_of_id:
        original = case_serializers.case_dict(db.session.get(type(case), case.appeal_of_id))
    return render_template(
        "moderation_case.html",
        case=detail,
        actions=actions,
        action_labels=ACTION_LABELS,
        destinations=_move_destinations(user) if "move" in actions else [],
        group_name=moderation_pages.group_names({case.group_id}).get(case.group_id),
        original=original,
        draft=draft or {},
        max_hours=sanctions.MAX_DURATION_HOURS,
    ), status


@bp.get("/moderation/cases/<id:case_id>")
@login_required
def case_page(case_id: int):
    return _case_page(case_id)


@bp.post("/moderation/cases/<id:case_id>/actions")
@login_required
def act(case_id: int):
    data = _action_data(request.form)
    with attempt() as outcome:
        case_actions.do_case_action(me(), case_id, data)
    if outcome.failed:
        return _case_page(case_id, draft={"action": request.form.to_dict()}, status=outcome.status)
    label = ACTION_LABELS.get(data["action"], data["action"])
    flash(_("%(action)s: done. The person concerned has been told.", action=label), "success")
    return redirect(url_for("moderation.case_page", case_id=case_id))


@bp.post("/moderation/cases/<id:case_id>/notes")
@login_required
def add_note(case_id: int):
    body = request.form.get("body", "")
    with attempt() as outcome:
        cases.do_add_note(me(), case_id, {"body": body})
    if outcome.failed:
        return _case_page(case_id, draft={"note": body}, status=outcome.status)
    flash(_("Note added."), "success")
    return redirect(url_for("moderation.case_page", case_id=case_id, _anchor="notes"))


@bp.post("/moderation/cases/<id:case_id>/assign")
@login_required
def assign(case_id: int):
    mine = request.form.get("assignee") != "none"
    return _act(
        lambda: cases.do_assign(me(), case_id, {"assignee_id": me().id if mine else None}),
        _("Assigned to you.") if mine else _("Unassigned."),
        url_for("moderation.case_page", case_id=case_id),
    )


# --- watched words ---------------------------------------------------------------------


def _words_page(draft: dict[str, Any] | None = None, status: int = 200):
    words = watched_words.list_words(me())
    return render_template(
        "moderation_words.html",
        words=[watched_words.word_dict(w) for w in words],
        actions=[(a, WORD_ACTION_LABELS[a]) for a in WATCHED_WORD_ACTIONS],
        draft=draft or {"pattern": "", "regex": False, "action": "flag"},
    ), status


@bp.get("/moderation/watched-words")
@login_required
def words():
    return _words_page()


@bp.post("/moderation/watched-words")
@login_required
def add_word():
    data = {
        "pattern": request.form.get("pattern", ""),
        "regex": request.form.get("regex") == "on",
        "action": request.form.get("action", ""),
    }
    with attempt() as outcome:
        watched_words.do_add_word(me(), data)
    if outcome.failed:
        return _words_page(draft=data, status=outcome.status)
    flash(_("Watched word added."), "success")
    return redirect(url_for("moderation.words"))


@bp.post("/moderation/watched-words/<id:word_id>/delete")
@login_required
def delete_word(word_id: int):
    return _act(
        lambda: watched_words.do_delete_word(me(), word_id),
        _("Watched word removed."),
        url_for("moderation.words"),
    )


# --- audit log -------------------------------------------------------------------------

AUDIT_FIELDS = ("action", "actor", "from", "to")


@bp.get("/moderation/audit")
@login_required
def audit_log():
    audit.check_can_read(me())
    typed = {name: request.args.get(name, "").strip() for name in AUDIT_FIELDS}
    status = 200
    try:
        filters = audit.check_filters(typed)
        entries, next_cursor = audit.list_entries(
            me(), filters, request.args.get("cursor"), AUDIT_PAGE
        )
    except ValidationFailed as error:
        status = failed(error)
        entries, next_cursor = [], None
    query = {k: v for k, v in typed.items() if v}
    return render_template(
        "moderation_audit.html",
        entries=audit.entries_for(me(), entries),
        typed=typed,
        query=query,
        next_cursor=next_cursor,
        action_choices=audit_text.action_choices(),
        csv_url=url_for("api.audit_log", format="csv", **query),
    ), status


# --- my notices and appeals ------------------------------------------------------------


def _mine_page(draft: dict[str, Any] | None = None, status: int = 200):
    mine = cases.my_cases(me())
    appealed = cases.appealed_ids([c.id for c in mine])
    items = [{**case_serializers.case_dict(c), "appealed": c.id in appealed} for c in mine]
    return render_template(
        "moderation_mine.html", items=items, action_labels=ACTION_LABELS, draft=draft or {}
    ), status


@bp.get("/moderation/mine")
@login_required
def mine():
    return _mine_page()


@bp.post("/moderation/mine/<id:case_id>/appeal")
@login_required
def appeal(case_id: int):
    text = request.form.get("text", "")
    with attempt() as outcome:
        cases.do_appeal(me(), case_id, {"text": text})
    if outcome.failed:
        return _mine_page(draft={"case_id": case_id, "text": text}, status=outcome.status)
    flash(_("Your appeal is with the moderators. You will be told of their decision."), "success")
    return redirect(url_for("moderation.mine"))


# --- pins, features, pre-moderation ----------------------------------------------------


@bp.post("/moderation/posts/<id:post_id>/pin")
@login_required
def pin(post_id: int):
    pinned = request.form.get("pinned") != "0"
    return _act(
        lambda: pins.do_pin(me(), post_id, {"pinned": pinned}),
        _("Post pinned.") if pinned else _("Post unpinned."),
        _back(url_for("feed.post", post_id=post_id), f"post-{post_id}"),
    )


@bp.post("/moderation/posts/<id:post_id>/feature")
@login_required
def feature(post_id: int):
    featured = request.form.get("featured") != "0"
    return _act(
        lambda: pins.do_feature(me(), post_id, {"featured": featured}),
        _("Post featured on the home page.") if featured else _("Post no longer featured."),
        _back(url_for("feed.post", post_id=post_id), f"post-{post_id}"),
    )


@bp.post("/moderation/groups/<id:group_id>/premoderation")
@login_required
def premoderation(group_id: int):
    on = request.form.get("premoderated") == "on"
    return _act(
        lambda: groups.do_update_group(me(), group_id, {"premoderated": on}),
        _("Pre-moderation on: new posts wait for a group admin.")
        if on
        else _("Pre-moderation off: posts are published at once."),
        url_for("groups.edit", group_id=group_id),
    )
