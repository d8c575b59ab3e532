"""Pages for guests from the extended company: inviting and managing them (admins and
group admins), and signing up through an invitation."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..lifecycle import sign_in_with_session
from ..services.guests import invitations
from ..unit_of_work import attempt
from ._common import me
from .auth import RULES

bp = Blueprint("guests", __name__)


def _manage_page(status: int = 200, draft: dict | None = None):
    if not policy.can_invite_guests(me()):
        abort(403)
    return render_template(
        "guests.html",
        groups=invitations.invitable_groups(me()),
        invitations=invitations.list_invitations(me()),
        guests=invitations.list_guests(me()),
        draft=draft or {},
    ), status


@bp.get("/guests")
@login_required
def manage():
    return _manage_page()


@bp.post("/guests/invite")
@login_required
def invite():
    draft = {
        "email": request.form.get("email", ""),
        "company": request.form.get("company", ""),
        "access_until": request.form.get("access_until", ""),
        "group_ids": [int(v) for v in request.form.getlist("group_ids") if v.isdigit()],
    }
    with attempt() as outcome:
        invitations.do_invite(me(), draft)
    if outcome.failed:
        return _manage_page(outcome.status, draft)
    flash(_("The invitation is on its way to %(email)s.", email=draft["email"]), "success")
    return redirect(url_for("guests.manage"))


@bp.post("/guests/invitations/<id:invitation_id>/revoke")
@login_required
def revoke(invitation_id: int):
    with attempt() as outcome:
        invitations.do_revoke(me(), invitation_id)
    if not outcome.failed:
        flash(_("The invitation is withdrawn: its link no longer works."), "success")
    return redirect(url_for("guests.manage"))


@bp.post("/guests/<id:user_id>/renew")
@login_required
def renew(user_id: int):
    with attempt() as outcome:
        guest = invitations.do_renew(
            me(), user_id, {"access_until": request.form.get("access_until", "")}
        )
    if not outcome.failed:
        flash(_("%(name)s’s access is renewed.", name=guest.display_name), "success")
    return redirect(url_for("guests.manage"))


@bp.get("/guests/join/<token>")
def join(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("feed.home"))
    with attempt() as outcome:
        invitation = invitations.access_invitation(token)
    if outcome.failed:
        return render_template("guest_join.html", invitation=None, rules=RULES), outcome.status
    return render_template("guest_join.html", invitation=invitation, token=token, rules=RULES)


@bp.post("/guests/join/<token>")
def join_submit(token: str):
    name = request.form.get("display_name", "")
    data = {"token": token, "display_name": name, "password": request.form.get("password", "")}
    with attempt() as outcome:
        guest = invitations.do_accept(data)
    if outcome.failed:
        fields = getattr(outcome.error, "fields", None) or {}
        shown = None if fields.get("token") else invitations.access_invitation(token)
        return render_template(
            "guest_join.html", invitation=shown, token=token, rules=RULES, name=name
        ), outcome.status
    sign_in_with_session(guest)
    flash(_("Welcome! You are in, as a guest."), "info")
    return redirect(url_for("feed.home"))
