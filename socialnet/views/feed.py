"""The home feed, permalinks, and the no-JavaScript forms behind every post action.

Each form posts here and gets a redirect (post/redirect/get); app.js upgrades
the same forms to JSON API calls. On a domain error the page is rendered
again with the error flashed, the right status, and the typed text kept.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import policy
from ..realtime.catchup import head_event_id
from ..services import announcements, celebrations, comments, feed, kudos, onboarding, pages, posts
from ..services.files import files_for_posts
from ..text_keys import fold
from ..unit_of_work import attempt, commit, reads_only
from ._common import FEED_PAGE, form_next, me, safe_next
from .form_files import accept_files, kept_file_ids, sent_file_ids

bp = Blueprint("feed", __name__)


def _feed_page(draft: str = "", group_id: int | None = None, status: int = 200):
    head = head_event_id()  # before the query: anything newer is replayed by the socket
    if policy.is_guest(me()):
        return _guest_home(head, draft, group_id, status)
    tag = fold((request.args.get("tag") or "").strip().lstrip("#")) or None
    items, next_cursor = feed.home_feed(me(), request.args.get("cursor"), FEED_PAGE, tag)
    first_page = not request.args.get("cursor")
    page = {
        "posts": pages.with_groups(items),
        "pinned": announcements.pinned_for(me()) if first_page else [],
        "permissions": pages.post_permissions(me(), items),
        "card_comments": pages.card_comments(me(), items),
        "next_cursor": next_cursor,
        "tag": tag,
        "is_first_page": first_page,
        "my_groups": pages.my_groups(me()),
        "may_announce": pages.may_announce(me()),
        "values": kudos.list_values(me()),
        "today": celebrations.today(me()),
        "may_celebrate_team": pages.may_celebrate_team(me()),
        "onboarding": onboarding.checklist(me()),
    }
    return render_template(
        "feed.html", **page, draft=draft, draft_group=group_id, head_event_id=head
    ), status


def _guest_home(head: int, draft: str, group_id: int | None, status: int):
    """A guest's own home: their groups and their posts (issue #19)."""
    items, next_cursor = feed.home_feed(me(), request.args.get("cursor"), FEED_PAGE, None)
    page = {
        "posts": pages.with_groups(items),
        "permissions": pages.post_permissions(me(), items),
        "next_cursor": next_cursor,
        "is_first_page": not request.args.get("cursor"),
        "my_groups": pages.my_groups(me()),
    }
    return render_template(
        "guest_home.html", **page, draft=draft, draft_group=group_id, head_event_id=head
    ), status


def _post_page(post_id: int, draft: str = "", status: int = 200):
    head = head_event_id()
    page = pages.post_page(me(), post_id, request.args.get("cursor"))
    pages.with_groups([page.post])
    return render_template("post.html", page=page, draft=draft, head_event_id=head), status


@bp.get("/")
@login_required
@reads_only
def home():
    return _feed_page()


@bp.post("/posts")
@login_required
def create_post():
    body = request.form.get("body", "")
    raw_group = request.form.get("group_id", "")
    group_id = int(raw_group) if raw_group.isascii() and raw_group.isdigit() else raw_group or None
    with attempt() as outcome:
        post = posts.do_create_post(me(), {"body": body, "group_id": group_id})
    if outcome.failed:
        return _feed_page(draft=body, group_id=group_id, status=outcome.status)
    flash(_("Your post is live."), "success")
    return redirect(url_for("feed.home", _anchor=f"post-{post.id}"))


@bp.get("/posts/<id:post_id>")
@login_required
@reads_only
def post(post_id: int):
    return _post_page(post_id)


@bp.post("/posts/<id:post_id>/comments")
@login_required
def create_comment(post_id: int):
    """A comment from the post page's form, with the files it sends (``files``)."""
    accept_files()
    body = request.form.get("body", "")
    with attempt() as outcome:
        data = {"body": body, "file_ids": sent_file_ids(me())}
        comment = comments.do_create_comment(me(), post_id, data)
    if outcome.failed:
        return _post_page(post_id, draft=body, status=outcome.status)
    return redirect(url_for("feed.post", post_id=post_id, _anchor=f"comment-{comment.id}"))


@bp.post("/comments/<id:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    was_best_answer = comments.do_delete_comment(me(), comment_id)
    commit()
    if was_best_answer:
        flash(
            _("Comment deleted. It was the best answer: the question is unanswered again."), "info"
        )
    else:
        flash(_("Comment deleted."), "success")
    return redirect(form_next() or url_for("feed.home"))


@bp.post("/posts/<id:post_id>/reactions/<kind>")
@login_required
def react(post_id: int, kind: str):
    wanted = {"1": True, "0": False}.get(request.form.get("active", ""))
    pages.do_react(me(), post_id, kind, wanted)
    commit()
    back = form_next() or url_for("feed.post", post_id=post_id)
    return redirect(f"{back.partition('#')[0]}#post-{post_id}")


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    """The author's edit page: the text, the files kept (``keep_file``) and added
    (``files``); the list replaces the post's files, as ``file_ids`` does in the API."""
    post = pages.access_editable_post(me(), post_id)
    attached = files_for_posts([post.id])[post.id]
    if request.method == "GET":
        return render_template("edit_post.html", post=post, draft=post.body, attached=attached)
    accept_files()
    body = request.form.get("body", "")
    with attempt() as outcome:
        file_ids = kept_file_ids() + sent_file_ids(me())
        posts.do_edit_post(me(), post_id, {"body": body, "file_ids": file_ids})
    if outcome.failed:
        page = render_template("edit_post.html", post=post, draft=body, attached=attached)
        return page, outcome.status
    flash(_("Post updated."), "success")
    return redirect(url_for("feed.post", post_id=post_id))


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = pages.access_editable_comment(me(), comment_id)
    if request.method == "GET":
        return render_template("edit_comment.html", comment=comment, draft=comment.body)
    body = request.form.get("body", "")
    with attempt() as outcome:
        comments.do_edit_comment(me(), comment_id, {"body": body})
    if outcome.failed:
        return render_template("edit_comment.html", comment=comment, draft=body), outcome.status
    flash(_("Comment updated."), "success")
    return redirect(url_for("feed.post", post_id=comment.post_id, _anchor=f"comment-{comment_id}"))


@bp.post("/posts/<id:post_id>/delete")
@login_required
def delete_post(post_id: int):
    posts.do_delete_post(me(), post_id)
    commit()
    flash(_("Post deleted."), "success")
    back = form_next()
    if back is None or back.partition("#")[0].startswith(f"/posts/{post_id}"):
        back = url_for("feed.home")
    return redirect(back)


@bp.get("/posts/<id:post_id>/card")
@login_required
def card(post_id: int):
    """One post card as the viewer sees it, for app.js to show a live kudos or celebration
    with its attachment (the server renders and escapes it); ``comments=1``: with its
    latest comments and reply box, as a feed card."""
    page = pages.post_page(me(), post_id, None)
    pages.with_groups([page.post])
    perms = pages.post_permissions(me(), [page.post])
    inline = None
    if request.args.get("comments") == "1":
        inline = pages.card_comments(me(), [page.post])[post_id]
    return render_template(
        "_card_fragment.html",
        post=page.post,
        perms=perms[post_id],
        inline=inline,
        next_url=safe_next(request.args.get("next")) or "/",
        show_group=request.args.get("group") != "0",
    )
