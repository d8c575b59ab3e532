"""The pain-point register page: the list (by votes, growth or newest; by status, site or
department), the time at stake and given back, filing one, voting and triage — every
action a form, so the page works without JavaScript. Rules live in
``services.pain_points``; a refused form shows the page again with what was typed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import DomainError
from ..services import pages, pain_points
from ..unit_of_work import attempt, failed
from ._common import form_next, me

bp = Blueprint("pain_points", __name__)

FILTERS = ("sort", "status", "site", "department", "group_id")


def _number(raw: str) -> Any:
    """A form's hours: empty is none; a number as a number; anything else as typed (the
    service refuses it with its own message)."""
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw


def _register_page(draft: dict[str, str] | None = None, status: int = 200):
    args = {k: v for k, v in request.args.items() if k in (*FILTERS, "cursor")}
    try:
        page = pain_points.list_pain_points(me(), args)
        summary = pain_points.summarize(me(), {k: v for k, v in args.items() if k != "sort"})
    except DomainError as error:
        status = failed(error)
        page = {"items": [], "next_cursor": None}
        summary = pain_points.summarize(me(), {})
    more = None
    if page["next_cursor"]:
        kept = {k: v for k, v in args.items() if k != "cursor" and v}
        more = url_for("pain_points.register", **kept, cursor=page["next_cursor"])
    return render_template(
        "pain_points.html",
        page=page,
        more_url=more,
        summary=summary,
        filters={k: request.args.get(k, "") for k in FILTERS},
        statuses=pain_points.STATUS_LABELS,
        my_groups=pages.my_groups(me()),
        draft=draft or {},
    ), status


@bp.get("/pain-points")
@login_required
def register():
    return _register_page()


@bp.post("/pain-points")
@login_required
def file_pain_point():
    form = request.form
    data = {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "hours_per_week": _number(form.get("hours_per_week", "")),
    }
    for field in ("site", "department"):
        if form.get(field, "").strip():
            data[field] = form[field]
    raw_group = form.get("group_id", "").strip()
    if raw_group:
        digits = raw_group.isascii() and raw_group.isdigit() and len(raw_group) < 16
        data["group_id"] = int(raw_group) if digits else raw_group
    with attempt() as outcome:
        post = pain_points.do_file_pain_point(me(), data)
    if outcome.failed:
        return _register_page(draft=form.to_dict(), status=outcome.status)
    flash(_("Your pain point is in the register."), "success")
    return redirect(url_for("pain_points.register", sort="recent") + f"#pain-point-{post.id}")


@bp.post("/pain-points/<id:pain_point_id>/vote")
@login_required
def vote(pain_point_id: int):
    with attempt():
        if request.form.get("active") == "0":
            pain_points.do_unvote(me(), pain_point_id)
        else:
            pain_points.do_vote(me(), pain_point_id)
    return redirect(form_next() or url_for("pain_points.register"))


@bp.post("/pain-points/<id:pain_point_id>/triage")
@login_required
def triage(pain_point_id: int):
    data: dict[str, Any] = {"status": request.form.get("status", "")}
    if "resolution_note" in request.form:
        data["resolution_note"] = request.form["resolution_note"]
    if request.form.get("take_ownership") == "1":
        data["owner_id"] = me().id
    with attempt() as outcome:
        pain_points.do_update_pain_point(me(), pain_point_id, data)
    if not outcome.failed:
        flash(_("The pain point was updated; its voters are told."), "success")
    return redirect(form_next() or url_for("pain_points.register"))


@bp.post("/pain-points/<id:pain_point_id>/merge")
@login_required
def merge(pain_point_id: int):
    raw = request.form.get("into_id", "").strip().lstrip("#")
    into: Any = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else raw
    with attempt() as outcome:
        target = pain_points.do_merge(me(), pain_point_id, {"into_id": into})
    if outcome.failed:
        return redirect(form_next() or url_for("pain_points.register"))
    flash(_("Merged: its voices now count on this pain point."), "success")
    return redirect(url_for("pain_points.register") + f"#pain-point-{target.id}")
