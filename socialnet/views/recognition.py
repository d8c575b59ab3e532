"""Kudos, team successes, the kudos leaderboard and personal preferences, without JavaScript.

Forms post here and get a redirect back (post/redirect/get); on a domain error the
reason is flashed and the typed fields are kept in the session (``keep_draft``) for the
composer to show again once.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..services import kudos, pages
from ..services import preferences as prefs
from ..services.celebrations import do_create_team_success
from ..unit_of_work import attempt
from ._common import form_next, keep_draft, me

bp = Blueprint("recognition", __name__)


def _group_id():
    raw = request.form.get("group_id", "").strip()
    if not raw:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else raw


def _back(anchor: str | None = None) -> str:
    back = (form_next() or url_for("feed.home")).partition("#")[0]
    return f"{back}#{anchor}" if anchor else back


@bp.post("/kudos")
@login_required
def give():
    with attempt() as outcome:
        data = {
            "recipient_ids": pages.people_ids_from_handles(
                request.form.get("recipients", ""), "recipient_ids"
            ),
            "message": request.form.get("message", ""),
            "value": request.form.get("value", ""),
            "group_id": _group_id(),
        }
        _given, post = kudos.do_give_kudos(me(), data)
    if outcome.failed:
        keep_draft("kudos")
        return redirect(_back("kudos-composer"))
    flash(_("Kudos sent. Thank you for recognising your colleagues!"), "success")
    return redirect(_back(f"post-{post.id}"))


@bp.post("/celebrations")
@login_required
def team_success():
    with attempt() as outcome:
        data = {
            "title": request.form.get("title", ""),
            "message": request.form.get("message", ""),
            "people_ids": pages.people_ids_from_handles(
                request.form.get("people", ""), "people_ids"
            ),
            "group_id": _group_id(),
        }
        _celebration, post = do_create_team_success(me(), data)
    if outcome.failed:
        keep_draft("team")
        return redirect(_back("team-composer"))
    flash(_("Team success posted."), "success")
    return redirect(_back(f"post-{post.id}"))


@bp.get("/kudos/leaderboard")
@login_required
def leaderboard():
    args = request.args
    period = args.get("period") or "month"
    board = kudos.leaderboard(me(), period, args.get("at") or None, args.get("group_id") or None)
    return render_template("leaderboard.html", board=board, period=period)


@bp.route("/settings/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    if request.method == "POST":
        data = {name: request.form.get(name) == "on" for name in kudos.PREFERENCES}
        if "digest" in request.form:
            data["digest"] = request.form["digest"]
        with attempt() as outcome:
            prefs.do_update_preferences(me(), data)
        if outcome.failed:
            page = render_template("preferences.html", prefs=prefs.preferences(me()))
            return page, outcome.status
        flash(_("Preferences saved."), "success")
        return redirect(url_for("recognition.preferences"))
    return render_template("preferences.html", prefs=prefs.preferences(me()))
