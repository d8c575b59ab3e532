"""Guests from the extended company (issue #19): invitations, sign-up, renewal."""

from __future__ import annotations

from flask import jsonify
from flask_wtf.csrf import generate_csrf

from ..lifecycle import sign_in_with_session
from ..serializers import user_private
from ..services.guests import invitations
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, json_body, no_content, require_user


@bp.post("/guests/invitations")
def invite_guest():
    invitation = invitations.do_invite(require_user(), json_body())
    commit()
    return created(invitations.invitation_dict(invitation))


@bp.get("/guests/invitations")
def list_guest_invitations():
    return jsonify({"items": invitations.list_invitations(require_user())})


@bp.delete("/guests/invitations/<id:invitation_id>")
def revoke_guest_invitation(invitation_id: int):
    invitations.do_revoke(require_user(), invitation_id)
    commit()
    return no_content()


@bp.post("/guests/accept")
def accept_guest_invitation():
    guest = invitations.do_accept(json_body())
    commit()
    sign_in_with_session(guest)
    return created({"user": user_private(guest), "csrf_token": generate_csrf()})


@bp.get("/guests")
def list_guests():
    return jsonify({"items": invitations.list_guests(require_user())})


@bp.patch("/guests/<id:user_id>")
def renew_guest(user_id: int):
    guest = invitations.do_renew(require_user(), user_id, json_body())
    commit()
    return jsonify(invitations.guest_dict(guest))
