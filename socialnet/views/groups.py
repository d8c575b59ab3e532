"""Group pages: directory, create and edit forms, a group's feed, members and requests.

Every action is a CSRF-protected form with post/redirect/get; app.js upgrades
some of them. Rules stay in :mod:`socialnet.services.groups`: a secret group is
a 404 to outsiders, a private group shows outsiders its about tab only.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import policy
from ..realtime.catchup import head_event_id
from ..services import groups, kudos, pages, posts
from ..unit_of_work import attempt
from ._common import FEED_PAGE, form_next, me

bp = Blueprint("groups", __name__)

DIRECTORY_PAGE = 24
DEFAULT_COLOR = "#3b5bdb"


def _back(group_id: int, tab: str | None = None) -> str:
    return form_next() or url_for("groups.page", group_id=group_id, tab=tab)


def _act(action, success: str, group_id: int, tab: str | None = None):
    """Run one service call, commit, flash; on a domain error roll back and flash why."""
    with attempt() as outcome:
        action()
    if not outcome.failed:
        flash(success, "success")
    return redirect(_back(group_id, tab))


@bp.get("/groups")
@login_required
def directory():
    query = request.args.get("q", "").strip()[:100] or None
    mine = request.args.get("mine") == "1"
    items, next_cursor = groups.list_groups(
        me(), query=query, mine=mine, cursor=request.args.get("cursor"), limit=DIRECTORY_PAGE
    )
    return render_template(
        "groups.html", groups=items, query=query, mine=mine, next_cursor=next_cursor
    )


def _group_form_data(*, editing: bool) -> dict:
    form = request.form
    data = {
        "name": form.get("name", ""),
        "description": form.get("description", ""),
        "type": form.get("type", "public"),
        "cover_color": form.get("cover_color") or DEFAULT_COLOR,
    }
    if "handle" in form:  # empty at creation: derived from the name
        data["handle"] = form["handle"].strip()
    if editing:
        data["archived"] = form.get("archived") == "on"
    elif form.get("official") == "on":
        data["official"] = True
    return data


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def create():
    if request.method == "GET":
        groups.check_may_create_group(me())  # a refusal is an error page, not a dead form
        draft = {
            "name": "",
            "handle": "",
            "description": "",
            "type": "public",
            "cover_color": DEFAULT_COLOR,
        }
        return render_template("group_form.html", group=None, draft=draft)
    data = _group_form_data(editing=False)
    with attempt() as outcome:
        group = groups.do_create_group(me(), data)
    if outcome.failed:
        return render_template("group_form.html", group=None, draft=data), outcome.status
    flash(
        _(
            "Your group %(group)s is ready. Invite colleagues from its Members tab.",
            group=group.name,
        ),
        "success",
    )
    return redirect(url_for("groups.page", group_id=group.id))


def _render_group(group_id: int, draft: str = "", status: int = 200):
    head = head_event_id()
    tab = request.args.get("tab", "feed")
    page = pages.group_page(
        me(),
        group_id,
        tab,
        request.args.get("cursor"),
        FEED_PAGE,
        picker_query=request.args.get("q", "").strip()[:100] or None,
    )
    values = kudos.list_values(me()) if page.can_post else []
    return render_template(
        "group.html", page=page, draft=draft, head_event_id=head, values=values
    ), status


@bp.get("/groups/<id:group_id>")
@login_required
def page(group_id: int):
    return _render_group(group_id)


@bp.post("/groups/<id:group_id>/posts")
@login_required
def create_post(group_id: int):
    body = request.form.get("body", "")
    with attempt() as outcome:
        post = posts.do_create_post(me(), {"body": body, "group_id": group_id})
    if outcome.failed:
        return _render_group(group_id, draft=body, status=outcome.status)
    flash(_("Your post is live."), "success")
    return redirect(url_for("groups.page", group_id=group_id, _anchor=f"post-{post.id}"))


@bp.route("/groups/<id:group_id>/edit", methods=["GET", "POST"])
@login_required
def edit(group_id: int):
    page = pages.group_page(me(), group_id, "about", None, 0)
    if not page.can_manage:
        return render_template(
            "error.html", status=403, message=_("Only the group’s admins can change it.")
        ), 403
    if request.method == "GET":
        return render_template("group_form.html", group=page.group, draft=page.group)
    data = _group_form_data(editing=True)
    with attempt() as outcome:
        groups.do_update_group(me(), group_id, data)
    if outcome.failed:
        draft = {**page.group, **data}
        return render_template("group_form.html", group=page.group, draft=draft), outcome.status
    flash(_("Group updated."), "success")
    return redirect(url_for("groups.page", group_id=group_id, tab="about"))


@bp.post("/groups/<id:group_id>/official")
@login_required
def set_official(group_id: int):
    official = request.form.get("official") == "1"
    return _act(
        lambda: groups.do_update_group(me(), group_id, {"official": official}),
        _("Marked as an official group.") if official else _("No longer an official group."),
        group_id,
        "about",
    )


@bp.post("/groups/<id:group_id>/delete")
@login_required
def delete(group_id: int):
    with attempt() as outcome:
        groups.do_delete_group(me(), group_id)
    if outcome.failed:
        return redirect(url_for("groups.page", group_id=group_id, tab="about"))
    flash(_("Group deleted."), "success")
    return redirect(url_for("groups.directory"))


@bp.post("/groups/<id:group_id>/join")
@login_required
def join(group_id: int):
    with attempt() as outcome:
        result = groups.do_join(me(), group_id)
    if outcome.failed:
        return redirect(_back(group_id))
    if result == "joined":
        flash(_("Welcome to the group: its posts now appear in your feed."), "success")
    else:
        flash(_("Request sent: a group admin will review it."), "success")
    return redirect(_back(group_id))


@bp.post("/groups/<id:group_id>/leave")
@login_required
def leave(group_id: int):
    with attempt() as outcome:
        groups.do_remove_member(me(), group_id, me().id)
    if outcome.failed:
        return redirect(url_for("groups.page", group_id=group_id, tab="about"))
    flash(_("You left the group."), "success")
    return redirect(url_for("groups.directory"))


@bp.post("/groups/<id:group_id>/members")
@login_required
def add_member(group_id: int):
    raw = request.form.get("user_id", "")
    user_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else raw
    return _act(
        lambda: groups.do_add_member(me(), group_id, {"user_id": user_id}),
        _("Member added: they have been notified."),
        group_id,
        "members",
    )


@bp.post("/groups/<id:group_id>/members/<id:user_id>/remove")
@login_required
def remove_member(group_id: int, user_id: int):
    return _act(
        lambda: groups.do_remove_member(me(), group_id, user_id),
        _("Member removed."),
        group_id,
        "members",
    )


@bp.post("/groups/<id:group_id>/members/<id:user_id>/role")
@login_required
def set_role(group_id: int, user_id: int):
    role = request.form.get("role", "")
    return _act(
        lambda: groups.do_set_member_role(me(), group_id, user_id, {"role": role}),
        _("Now a group admin.") if policy.is_group_admin_role(role) else _("Now a member."),
        group_id,
        "members",
    )


@bp.post("/groups/<id:group_id>/requests/<id:user_id>/<any(approve, decline):decision>")
@login_required
def decide(group_id: int, user_id: int, decision: str):
    approve = decision == "approve"
    return _act(
        lambda: groups.do_decide_request(me(), group_id, user_id, approve),
        _("Request approved.") if approve else _("Request declined."),
        group_id,
        "members",
    )
