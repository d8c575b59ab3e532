"""Questions without JavaScript: the lists ("waiting for an answer", oldest first) for
the company and per group, asking a question, and marking the best answer.

Forms post here and get a redirect (post/redirect/get); a refused question keeps its
fields for the composer (``keep_draft``), a refused choice is flashed.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..services import pages, posts, questions
from ..unit_of_work import attempt
from ._common import FEED_PAGE, form_next, keep_draft, me

bp = Blueprint("questions", __name__)


def _status() -> str | None:
    """The list's status: unanswered by default (the page is for those who can help)."""
    raw = request.args.get("status", "unanswered")
    return None if raw == "all" else raw


def _render(group_id: int | None, base_url: str):
    status = _status()
    group = questions.access_group(me(), group_id)
    items, next_cursor = questions.list_questions(
        me(),
        status=status,
        group_id=group_id,
        topic=request.args.get("topic"),
        cursor=request.args.get("cursor"),
        limit=FEED_PAGE,
    )
    return render_template(
        "questions.html",
        posts=pages.with_groups(items),
        permissions=pages.post_permissions(me(), items),
        next_cursor=next_cursor,
        status=status,
        group=group,
        my_groups=pages.my_groups(me()),
        base_url=base_url,
    )


@bp.get("/questions")
@login_required
def company():
    return _render(None, url_for("questions.company"))


@bp.get("/groups/<id:group_id>/questions")
@login_required
def group(group_id: int):
    return _render(group_id, url_for("questions.group", group_id=group_id))


def _int_or_raw(raw: str):
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else raw


@bp.post("/questions")
@login_required
def ask():
    form = request.form
    data = {"kind": "question", "title": form.get("title", ""), "body": form.get("body", "")}
    if form.get("group_id", "").strip():
        data["group_id"] = _int_or_raw(form["group_id"].strip())
    with attempt() as outcome:
        post = posts.do_create_post(me(), data)
    if outcome.failed:
        keep_draft("question")
        back = form_next() or url_for("questions.company")
        return redirect(f"{back.partition('#')[0]}#question-composer")
    flash(_("Your question is asked."), "success")
    return redirect(url_for("feed.post", post_id=post.id))


@bp.post("/posts/<id:post_id>/best-answer")
@login_required
def best_answer(post_id: int):
    """Choose (or, with ``action=clear``, unchoose) the best answer. A question the person
    may not see is a 404 page like any other; a refused choice is flashed."""
    posts.access_post(me(), post_id)
    with attempt() as outcome:
        if request.form.get("action") == "clear":
            questions.do_clear_best_answer(me(), post_id)
            message = _("The question has no best answer any more.")
        else:
            raw = request.form.get("comment_id", "")
            questions.do_choose_best_answer(me(), post_id, {"comment_id": _int_or_raw(raw)})
            message = _("Best answer chosen.")
    if not outcome.failed:
        flash(message, "success")
    back = form_next() or url_for("feed.post", post_id=post_id)
    return redirect(f"{back.partition('#')[0]}#post-{post_id}")
