"""A topic's page without JavaScript: its posts the reader may see, its figures, the
follow button, and (community managers) the describe and merge forms.

A tag written another way (``#Qualité``, an alias merged into another tag) redirects to
the topic's own address. Forms post here and get a redirect (post/redirect/get); a
refused change is flashed and nothing is written.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..services import pages
from ..services.topics import core as topics
from ..unit_of_work import attempt
from ._common import FEED_PAGE, me

bp = Blueprint("topics", __name__)


@bp.get("/topics/<tag>")
@login_required
def page(tag: str):
    topic = topics.topic_page(me(), tag, request.args.get("cursor"), FEED_PAGE)
    if topic["tag"] != tag:
        return redirect(url_for("topics.page", tag=topic["tag"], **request.args))
    return render_template(
        "topic.html",
        topic=topic,
        posts=pages.with_groups(topic["items"]),
        permissions=pages.post_permissions(me(), topic["items"]),
        may_curate=topics.may_curate(me()),
    )


@bp.post("/topics/<tag>/follow")
@login_required
def follow(tag: str):
    with attempt() as outcome:
        if request.form.get("action") == "unfollow":
            topics.do_unfollow(me(), tag)
            message = _("You no longer follow #%(tag)s.", tag=tag)
        else:
            topics.do_follow(me(), tag)
            message = _(
                "You follow #%(tag)s: its posts from public groups reach your feed.", tag=tag
            )
    if not outcome.failed:
        flash(message, "success")
    return redirect(url_for("topics.page", tag=tag))


@bp.post("/topics/<tag>/describe")
@login_required
def describe(tag: str):
    with attempt() as outcome:
        topics.do_describe(me(), tag, {"description": request.form.get("description", "")})
    if not outcome.failed:
        flash(_("The topic's description is saved."), "success")
    return redirect(url_for("topics.page", tag=tag))


@bp.post("/topics/<tag>/merge")
@login_required
def merge(tag: str):
    with attempt() as outcome:
        target = topics.do_merge(me(), tag, {"into": request.form.get("into", "")})
    if outcome.failed:
        return redirect(url_for("topics.page", tag=tag))
    flash(_("#%(tag)s is merged into #%(into)s.", tag=tag, into=target["tag"]), "success")
    return redirect(url_for("topics.page", tag=target["tag"]))
