"""The knowledge base page: feedback summaries and syntheses by topic, newest or most
useful first, with search; and the feedback-summary composer (its structure is the
template: one field per section)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import DomainError
from ..models import FEEDBACK_SECTIONS
from ..services import knowledge, pages
from ..unit_of_work import attempt, failed
from ._common import me

bp = Blueprint("knowledge", __name__)

FILTERS = ("kind", "topic", "q", "sort")


def _page(draft: dict[str, str] | None = None, status: int = 200):
    args = {k: v for k, v in request.args.items() if k in (*FILTERS, "cursor")}
    try:
        page = knowledge.list_knowledge(me(), args)
    except DomainError as error:
        status, page = failed(error), {"items": [], "next_cursor": None}
    more = None
    if page["next_cursor"]:
        kept = {k: v for k, v in args.items() if k != "cursor" and v}
        more = url_for("knowledge.library", **kept, cursor=page["next_cursor"])
    return render_template(
        "knowledge.html",
        posts=page["items"],
        permissions=pages.post_permissions(me(), page["items"]),
        more_url=more,
        topics=knowledge.knowledge_topics(me()),
        filters={k: request.args.get(k, "") for k in FILTERS},
        sections=[(name, knowledge.SECTION_TITLES[name]) for name in FEEDBACK_SECTIONS],
        my_groups=pages.my_groups(me()),
        draft=draft or {},
    ), status


@bp.get("/knowledge")
@login_required
def library():
    return _page()


@bp.post("/knowledge/feedback")
@login_required
def write_feedback():
    form = request.form
    data = {name: form.get(name, "") for name in ("title", *FEEDBACK_SECTIONS)}
    data["topics"] = [t for t in form.get("topics", "").replace(",", " ").split() if t]
    raw_group = form.get("group_id", "").strip()
    if raw_group:
        digits = raw_group.isascii() and raw_group.isdigit() and len(raw_group) < 16
        data["group_id"] = int(raw_group) if digits else raw_group
    with attempt() as outcome:
        post = knowledge.do_create_feedback(me(), data)
    if outcome.failed:
        return _page(draft=form.to_dict(), status=outcome.status)
    flash(_("Your feedback summary is in the knowledge base."), "success")
    return redirect(url_for("knowledge.library") + f"#post-{post.id}")
