"""Inviting guests by email into specific groups, signing up through the invitation,
listing and renewing guests.

An invitation names the guest's email and company, one to :data:`MAX_GROUPS` groups and
the last day of their access (at most :data:`MAX_ACCESS_DAYS` ahead; renewable). Its link
(``/guests/join/<token>``) works for :data:`LINK_DAYS` days; only the token's SHA-256 is
stored. The address of an employee (an account that is not a guest's, or an address of
the company's sign-up domains) cannot be invited. An address that is already a guest's
joins the groups at once. Signing up through one invitation accepts every pending one
for the same address (the guest joins all their groups).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from ... import policy
from ...errors import Conflict, Forbidden, NotFound, ValidationFailed
from ...extensions import db
from ...models import (
    Group,
    GroupMembership,
    GuestInvitation,
    GuestInvitationGroup,
    NotificationType,
    User,
    hash_token,
)
from ...models._time import utcnow
from ...realtime.publisher import after_commit
from ...serializers import user_summary
from .. import audit
from ..accounts import check_email, do_create_user
from ..company_day import company_today
from ..groups.membership import _add_member
from ..notifications import do_notify
from ..password_reset import _message, link_to, send_in_background
from ..validation import MAX_ID, check_known_fields, check_text, parse_date

MAX_GROUPS = 20
MAX_ACCESS_DAYS = 366
LINK_DAYS = 14
INVITE_FIELDS = {"email", "company", "group_ids", "access_until"}


# --- checks ---------------------------------------------------------------------------


def check_access_until(value: Any) -> date:
    """The last day of access: from today to :data:`MAX_ACCESS_DAYS` days ahead.

    :raise ValidationFailed: ``fields.access_until``: ``required``, ``not_date``,
        ``out_of_range``.
    """
    today = company_today()
    day = parse_date(value, "access_until", lo=today, hi=today + timedelta(days=MAX_ACCESS_DAYS))
    if day is None:
        raise ValidationFailed(
            _("Choose the last day of the guest's access."), fields={"access_until": "required"}
        )
    return day


def check_not_employee(email: str) -> User | None:
    """The guest account of ``email`` if there is one.

    :raise Conflict: ``fields.email``: ``employee`` — the address is an employee's (an
        account that is not a guest's, or one of the company's sign-up domains).
    """
    existing = db.session.scalar(select(User).where(User.email == email))
    domains = current_app.config.get("ALLOWED_EMAIL_DOMAINS") or ()
    if (existing is not None and not policy.is_guest(existing)) or (
        email.rsplit("@", 1)[1] in domains
    ):
        raise Conflict(
            _("This is an employee's address: employees are not invited as guests."),
            fields={"email": "employee"},
        )
    return existing


def check_invitation_groups(actor: User, value: Any) -> list[Group]:
    """The groups ``actor`` invites into (:func:`policy.can_invite_guest_to`).

    :raise ValidationFailed: not a list of 1 to :data:`MAX_GROUPS` ids.
    :raise NotFound: a group ``actor`` may not see (a secret one they are not in).
    :raise Forbidden: a group they may not invite into (a secret group of which they are
        not an admin, or one they do not administer).
    :raise Conflict: an archived group.
    """
    if (
        not isinstance(value, list)
        or not value
        or len(value) > MAX_GROUPS
        or not all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= MAX_ID for v in value
        )
    ):
        raise ValidationFailed(
            _("Choose 1 to %(num)d groups.", num=MAX_GROUPS), fields={"group_ids": "invalid"}
        )
    groups = []
    for group_id in dict.fromkeys(value):
        group = db.session.get(Group, group_id)
        if not policy.can_see_group(actor, group):
            raise NotFound(_("No such group."))
        if not policy.can_invite_guest_to(actor, group):
            raise Forbidden(
                _("You cannot invite guests into %(group)s.", group=group.name)
                if not policy.is_secret_group(group)
                else _("Only the admins of a secret group invite guests into it.")
            )
        if group.is_archived:
            raise Conflict(_("This group is archived."))
        groups.append(group)
    return groups


# --- inviting -------------------------------------------------------------------------


def do_invite(actor: User, data: Any) -> GuestInvitation:
    """Invite a guest (admins and group admins, into the groups they may invite into).

    A new address gets an email with the sign-up link (after commit); an existing guest
    joins the groups at once (the invitation is accepted) and their access runs to the
    later of their current last day and this one.
    """
    if not policy.can_invite_guests(actor):
        raise Forbidden(_("Only administrators and group admins invite guests."))
    data = check_known_fields(data, INVITE_FIELDS)
    email = check_email(data.get("email"))
    company = check_text(data.get("company"), "company", max_len=120)
    groups = check_invitation_groups(actor, data.get("group_ids"))
    access_until = check_access_until(data.get("access_until"))
    guest = check_not_employee(email)
    token = secrets.token_urlsafe(32)
    invitation = GuestInvitation(
        email=email,
        company=company,
        token_hash=hash_token(token),
        invited_by_id=actor.id,
        access_until=access_until,
        link_expires_at=utcnow() + timedelta(days=LINK_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    db.session.add_all(
        GuestInvitationGroup(invitation_id=invitation.id, group_id=g.id) for g in groups
    )
    db.session.flush()
    audit.record(
        actor,
        "guest.invited",
        "guest_invitation",
        invitation.id,
        after={"company": company, "groups": [g.id for g in groups], "until": access_until},
    )
    if guest is not None:
        _accept(invitation, guest, actor)
        return invitation
    message = _message(
        email,
        _l("You are invited to %(company)s as a guest"),
        "guest_invitation_email.txt",
        inviter=actor.display_name,
        groups=[g.name for g in groups],
        guest_company=company,
        link=link_to("guests.join", token=token),
        days=LINK_DAYS,
        until=access_until.isoformat(),
    )
    app = current_app._get_current_object()
    after_commit(lambda: send_in_background(app, message))
    return invitation


def _accept(invitation: GuestInvitation, guest: User, actor: User | None) -> None:
    """Join ``guest`` to the invitation's groups; their access runs to the later last day
    and starts again if it had ended."""
    invitation.accepted_at = utcnow()
    invitation.user_id = guest.id
    if guest.guest_expires_on is None or guest.guest_expires_on < invitation.access_until:
        guest.guest_expires_on = invitation.access_until
    guest.guest_ended_at = None
    for group in _groups_of(invitation):
        if not policy.is_group_member(guest, group.id) and not group.is_archived:
            _add_member(group, guest.id)
            do_notify([guest.id], NotificationType.ADDED, actor=actor, group=group)
    db.session.flush()


def _groups_of(invitation: GuestInvitation) -> list[Group]:
    return list(
        db.session.scalars(
            select(Group)
            .join(GuestInvitationGroup, GuestInvitationGroup.group_id == Group.id)
            .where(GuestInvitationGroup.invitation_id == invitation.id)
            .order_by(Group.id)
        )
    )


def _pending(email: str | None = None):
    now = utcnow()
    stmt = select(GuestInvitation).where(
        GuestInvitation.accepted_at.is_(None),
        GuestInvitation.revoked_at.is_(None),
        GuestInvitation.link_expires_at > now,
    )
    return stmt if email is None else stmt.where(GuestInvitation.email == email)


# --- signing up -----------------------------------------------------------------------


def access_invitation(token: Any) -> GuestInvitation:
    """The pending invitation a link's token names.

    :raise ValidationFailed: ``fields.token``: ``invalid`` (unknown, revoked, used or
        expired: one answer, nothing to probe).
    """
    if isinstance(token, str) and 0 < len(token) <= 200 and token.isascii():
        invitation = db.session.scalar(
            _pending().where(GuestInvitation.token_hash == hash_token(token))
        )
        if invitation is not None:
            return invitation
    raise ValidationFailed(
        _("This invitation is not valid any more: ask the person who invited you for a new one."),
        fields={"token": "invalid"},
    )


def do_accept(data: Any) -> User:
    """Sign up through an invitation: create the guest's account with their name and
    password, and join the groups of every pending invitation to that address.

    :raise ValidationFailed: bad token, name or password. :raise Conflict: the address
        became an employee's, or has an account already.
    """
    data = check_known_fields(data, {"token", "display_name", "password"})
    invitation = access_invitation(data.get("token"))
    if check_not_employee(invitation.email) is not None:
        raise Conflict(
            _("This address has an account already: sign in."), fields={"email": "taken"}
        )
    name = check_text(data.get("display_name"), "display_name", max_len=120)
    guest = do_create_user(
        {"email": invitation.email, "display_name": name, "password": data.get("password")}
    )
    guest.guest_company = invitation.company
    for pending in db.session.scalars(_pending(invitation.email)).all():
        inviter = db.session.get(User, pending.invited_by_id) if pending.invited_by_id else None
        _accept(pending, guest, inviter)
    audit.record(guest, "guest.signed_up", "user", guest.id, after={"company": guest.guest_company})
    return guest


def invitable_groups(actor: User) -> list[Group]:
    """The groups ``actor`` may invite guests into, by name (the invitation form)."""
    return list(
        db.session.scalars(
            select(Group)
            .where(policy.invitable_groups_filter(actor))
            .order_by(Group.name_key, Group.id)
        )
    )


# --- listing, revoking, renewing ------------------------------------------------------


def invitation_dict(invitation: GuestInvitation) -> dict[str, Any]:
    """An invitation as its inviter and the group's admins see it (never its token)."""
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    if invitation.revoked_at is not None:
        status = "revoked"
    elif invitation.accepted_at is not None:
        status = "accepted"
    elif invitation.link_expires_at <= utcnow():
        status = "expired"
    else:
        status = "pending"
    return {
        "id": invitation.id,
        "email": invitation.email,
        "company": invitation.company,
        "status": status,
        "access_until": invitation.access_until.isoformat(),
        "link_expires_at": invitation.link_expires_at.isoformat() + "Z",
        "created_at": invitation.created_at.isoformat() + "Z",
        "invited_by": user_summary(inviter) if inviter else None,
        "groups": [{"id": g.id, "name": g.name} for g in _groups_of(invitation)],
    }


def _managed_invitations(actor: User):
    """Invitations ``actor`` may see and revoke: their own, and (admins) every one, or
    (group admins) those into a group they administer."""
    if not policy.can_invite_guests(actor):
        raise Forbidden(_("Only administrators and group admins invite guests."))
    stmt = select(GuestInvitation)
    if not policy.is_admin(actor):
        into_theirs = select(GuestInvitationGroup.invitation_id).where(
            GuestInvitationGroup.group_id.in_(policy.administered_group_ids(actor))
        )
        stmt = stmt.where(
            or_(GuestInvitation.invited_by_id == actor.id, GuestInvitation.id.in_(into_theirs))
        )
    return stmt


def list_invitations(actor: User, limit: int = 100) -> list[dict[str, Any]]:
    """The most recent invitations ``actor`` manages, newest first."""
    rows = db.session.scalars(
        _managed_invitations(actor).order_by(GuestInvitation.id.desc()).limit(limit)
    ).all()
    return [invitation_dict(i) for i in rows]


def do_revoke(actor: User, invitation_id: int) -> None:
    """Withdraw a pending invitation: its link stops working.

    :raise NotFound: not one ``actor`` manages. :raise Conflict: already accepted.
    """
    invitation = db.session.scalar(
        _managed_invitations(actor).where(GuestInvitation.id == invitation_id)
    )
    if invitation is None:
        raise NotFound(_("No such invitation."))
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation was accepted: remove the guest from the group instead."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record(actor, "guest.invitation_revoked", "guest_invitation", invitation.id)
    db.session.flush()


def guest_dict(guest: User) -> dict[str, Any]:
    """A guest as the people who manage them see them."""
    groups = db.session.scalars(
        select(Group)
        .join(GroupMembership, GroupMembership.group_id == Group.id)
        .where(GroupMembership.user_id == guest.id)
        .order_by(Group.name_key, Group.id)
    ).all()
    return {
        "user": user_summary(guest),
        "email": guest.email,
        "company": guest.guest_company,
        "access_until": guest.guest_expires_on.isoformat() if guest.guest_expires_on else None,
        "access_ended": policy.guest_access_ended(guest, company_today()),
        "groups": [{"id": g.id, "name": g.name} for g in groups],
    }


def list_guests(actor: User, limit: int = 200) -> list[dict[str, Any]]:
    """The guests ``actor`` manages (:func:`policy.can_manage_guest`), by name."""
    if not policy.can_invite_guests(actor):
        raise Forbidden(_("Only administrators and group admins manage guests."))
    rows = db.session.scalars(
        select(User)
        .where(policy.managed_guests_filter(actor), User.deleted_at.is_(None))
        .order_by(User.name_key, User.id)
        .limit(limit)
    ).all()
    return [guest_dict(g) for g in rows]


def do_renew(actor: User, guest_id: int, data: Any) -> User:
    """Set a guest's last day of access (renew it, or shorten it). Renewing a guest whose
    access expired gives it back if they are still in a group.

    :raise NotFound: not a guest ``actor`` manages. :raise ValidationFailed: bad date.
    """
    data = check_known_fields(data, {"access_until"})
    guest = db.session.get(User, guest_id)
    if guest is None or not policy.can_manage_guest(actor, guest):
        raise NotFound(_("No such guest."))
    access_until = check_access_until(data.get("access_until"))
    before = guest.guest_expires_on
    guest.guest_expires_on = access_until
    if db.session.scalar(policy.member_group_ids(guest).limit(1)) is not None:
        guest.guest_ended_at = None
    audit.record(
        actor,
        "guest.renewed",
        "user",
        guest.id,
        before={"until": before},
        after={"until": access_until},
    )
    db.session.flush()
    return guest
