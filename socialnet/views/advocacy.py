"""Employee advocacy pages: the Share page, the community manager's offer form, the
advocacy figures, and the public tracked link ``/s/<code>``.

Everything works without JavaScript: sharing posts a form and answers a page with the
network's link (``form-action 'self'`` forbids a form that redirects off site);
``static/js/share.js`` does the same through the API and opens the network at once.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import ValidationFailed
from ..hosts import request_base_url
from ..models import NETWORKS, TEXT_LANGUAGES
from ..services.advocacy import figures, links, offers
from ..services.posts import access_post
from ..unit_of_work import attempt, failed
from ._common import keep_draft, me, take_draft

bp = Blueprint("advocacy", __name__)

NETWORK_LABELS = {"linkedin": "LinkedIn", "x": "X", "facebook": "Facebook"}


def _page_language() -> str:
    language = str(get_locale() or "en")[:2]
    return language if language in TEXT_LANGUAGES else "en"


@bp.get("/share")
@login_required
def share_page():
    offered = links.list_offered(me())
    board = figures.leaderboard(me(), {})
    return render_template(
        "share.html",
        offered=offered,
        mine=figures.own(me()),
        board=board,
        networks=[(n, NETWORK_LABELS[n]) for n in NETWORKS],
        language=_page_language(),
    )


@bp.post("/share/<int:shareable_id>")
@login_required
def open_share(shareable_id: int):
    """Without JavaScript: record the share and show the network's link."""
    data = {"network": request.form.get("network"), "language": request.form.get("language")}
    with attempt() as outcome:
        share = links.do_open_share(me(), shareable_id, data, request_base_url())
    if outcome.failed:
        return redirect(url_for("advocacy.share_page"))
    return render_template("share_open.html", share=share, label=NETWORK_LABELS[share["network"]])


@bp.post("/share/leaderboard")
@login_required
def leaderboard_choice():
    with attempt() as outcome:
        figures.do_set_preferences(me(), {"leaderboard": request.form.get("leaderboard") == "on"})
    if not outcome.failed:
        flash(_("Your leaderboard choice is saved."), "success")
    return redirect(url_for("advocacy.share_page") + "#leaderboard")


def _form_data() -> dict:
    form = request.form
    texts = {
        n: {lang: form.get(f"text_{n}_{lang}", "") for lang in TEXT_LANGUAGES} for n in NETWORKS
    }
    return {
        "target_url": form.get("target_url", ""),
        "texts": texts,
        "ends_at": form.get("ends_at") or None,
    }


@bp.route("/posts/<int:post_id>/shareable", methods=["GET", "POST"])
@login_required
def offer_form(post_id: int):
    """The community manager's form: offer the post, change or withdraw the offer."""
    offers.check_can_manage(me())
    if request.method == "POST":
        with attempt() as outcome:
            offers.do_mark_shareable(me(), post_id, _form_data())
        if outcome.failed:
            keep_draft("shareable")
            return redirect(url_for("advocacy.offer_form", post_id=post_id))
        flash(_("The post is offered on the Share page."), "success")
        return redirect(url_for("advocacy.share_page"))
    post = offers.post_summary(access_post(me(), post_id))
    existing = offers.shareable_of_post(post_id)
    return render_template(
        "shareable_form.html",
        post=post,
        offer=existing,
        draft=take_draft("shareable"),
        networks=[(n, NETWORK_LABELS[n]) for n in NETWORKS],
        languages=TEXT_LANGUAGES,
    )


@bp.post("/posts/<int:post_id>/shareable/withdraw")
@login_required
def withdraw(post_id: int):
    with attempt() as outcome:
        offers.do_withdraw(me(), post_id)
    if not outcome.failed:
        flash(_("The post is no longer offered; its links lead nowhere now."), "success")
    return redirect(url_for("advocacy.offer_form", post_id=post_id))


@bp.get("/analytics/advocacy")
@login_required
def figures_page():
    """:raise Forbidden: not a community manager or admin (403 page)."""
    figures.check_can_read(me())
    status = 200
    try:
        data = figures.report(me(), request.args)
    except ValidationFailed as exc:
        status = failed(exc)
        data = figures.report(me(), {})
    networks = [(n, NETWORK_LABELS[n]) for n in NETWORKS]
    return render_template("advocacy_figures.html", data=data, networks=networks), status


@bp.get("/s/<code>")
def follow(code: str):
    """The public tracked link: signed in or not, the same answer for everyone."""
    with attempt() as outcome:
        target = links.do_follow(
            code, address=request.remote_addr, user_agent=request.headers.get("User-Agent")
        )
    if outcome.failed or target is None:
        abort(404)
    response = redirect(target, 302)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
