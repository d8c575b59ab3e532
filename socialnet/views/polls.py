"""Polls without JavaScript: create, vote, retract, close, pick the final slot.

Each form posts here and gets a redirect back to the page it came from
(post/redirect/get); app.js upgrades voting to ``PUT /api/v1/polls/<id>/vote``
and refreshes a poll in place from :func:`fragment` when ``poll.updated`` arrives.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..extensions import db
from ..models import Post
from ..models.polls import DATE_ANSWERS
from ..services import polls
from ..unit_of_work import attempt
from ._common import form_next, keep_draft, me, safe_next
from .announcements import _publish_at

bp = Blueprint("polls", __name__)

MAX_FORM_OPTIONS = polls.MAX_OPTIONS


def _int_or_raw(raw: str):
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else raw


def _back(post_id: int | None = None) -> str:
    back = form_next() or url_for("feed.home")
    return f"{back.partition('#')[0]}#post-{post_id}" if post_id else back


def _create_data() -> dict:
    form = request.form
    kind = form.get("kind", "choice")
    offset = form.get("tz_offset", "")
    data: dict = {
        "question": form.get("question", ""),
        "kind": kind,
        "anonymous": form.get("anonymous") == "on",
        "results": form.get("results", "always"),
    }
    if kind == "date":
        data["slots"] = [
            _publish_at(s.strip(), offset)
            for s in form.getlist("slot")[: MAX_FORM_OPTIONS * 2]
            if s.strip()
        ]
    else:
        data["options"] = [
            o.strip() for o in form.getlist("option")[: MAX_FORM_OPTIONS * 2] if o.strip()
        ]
        data["multiple"] = form.get("multiple") == "on"
        raw_max = form.get("max_choices", "").strip()
        if data["multiple"] and raw_max:
            data["max_choices"] = _int_or_raw(raw_max)
    closes = form.get("closes_at", "").strip()
    if closes:
        data["closes_at"] = _publish_at(closes, offset)
    group = form.get("group_id", "").strip()
    if group:
        data["group_id"] = _int_or_raw(group)
    return data


@bp.post("/polls")
@login_required
def create():
    with attempt() as outcome:
        post = polls.do_create_poll(me(), _create_data())
    if outcome.failed:
        keep_draft("poll")
        return redirect(_back() + "#poll-composer")
    flash(_("Your poll is live."), "success")
    return redirect(_back(post.id))


def _vote_data(poll) -> dict:
    if poll.kind == "date":
        answers = {}
        for key, value in request.form.items():
            if key.startswith("answer-") and value in DATE_ANSWERS:
                answers[key.removeprefix("answer-")] = value
        return {"answers": answers}
    return {"option_ids": [_int_or_raw(v) for v in request.form.getlist("option_id")[:100]]}


@bp.post("/polls/<id:poll_id>/vote")
@login_required
def vote(poll_id: int):
    poll = polls.access_poll(me(), poll_id)
    post_id = poll.post_id
    with attempt() as outcome:
        if request.form.get("retract") == "1":
            polls.do_retract_vote(me(), poll_id)
        else:
            polls.do_vote(me(), poll_id, _vote_data(poll))
    if outcome.failed:
        return redirect(_back(post_id))
    flash(
        _("Your vote is saved.") if request.form.get("retract") != "1" else _("Vote withdrawn."),
        "success",
    )
    return redirect(_back(post_id))


@bp.post("/polls/<id:poll_id>/close")
@login_required
def close(poll_id: int):
    poll = polls.access_poll(me(), poll_id)
    post_id = poll.post_id
    with attempt() as outcome:
        polls.do_close(me(), poll_id)
    if outcome.failed:
        return redirect(_back(post_id))
    flash(_("Poll closed."), "success")
    return redirect(_back(post_id))


@bp.post("/polls/<id:poll_id>/final")
@login_required
def final(poll_id: int):
    poll = polls.access_poll(me(), poll_id)
    post_id = poll.post_id
    with attempt() as outcome:
        polls.do_pick_final_slot(me(), poll_id, _int_or_raw(request.form.get("option_id", "")))
    if outcome.failed:
        return redirect(_back(post_id))
    flash(_("Final slot picked: participants are notified."), "success")
    return redirect(_back(post_id))


@bp.get("/polls/<id:poll_id>/fragment")
@login_required
def fragment(poll_id: int):
    """The poll block as the viewer sees it, for app.js to swap in after a change."""
    poll = polls.access_poll(me(), poll_id)
    post = db.session.get(Post, poll.post_id)
    return render_template(
        "_poll_fragment.html",
        poll=polls.results(me(), poll, post=post),
        author_id=post.author_id,
        next_url=safe_next(request.args.get("next")) or "/",
    )
