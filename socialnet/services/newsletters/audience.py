"""Who a newsletter goes to: the audience as it is given, checked, and as SQL.

An audience is ``{"kind": company|site|department|group, "value": …}`` (the announcements'
kinds without the reporting line). It is copied into ``newsletter_recipients`` when the
issue is published (``sending.do_publish``); until then it is whoever it names now.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from ... import policy
from ...errors import ValidationFailed
from ...extensions import db
from ...models import NEWSLETTER_AUDIENCES, Group, GroupMembership, User
from ..validation import check_known_fields, check_optional_id, check_text


def audience_ids(kind: str, value: str, group_id: int | None) -> Select:
    """SQL SELECT of the ids of the active people an audience addresses now. Guests are
    addressed only as members of a group audience: the company, a site or a department
    means its employees."""
    query = select(User.id.label("id")).where(User.active.is_(True), User.deleted_at.is_(None))
    if kind == "group":
        members = select(GroupMembership.user_id).where(GroupMembership.group_id == group_id)
        return query.where(User.id.in_(members))
    query = query.where(User.guest_company.is_(None))
    if kind == "site":
        return query.where(User.site == value)
    if kind == "department":
        return query.where(User.department == value)
    return query


def check_audience(user: User, raw: Any, field: str = "audience") -> tuple[str, str, int | None]:
    """``{"kind": company|site|department|group, "value": …}`` → (kind, value, group id).

    :raise ValidationFailed: ``fields.audience``: ``invalid``, ``unknown_group`` (missing
        or not visible to ``user``), ``unknown_site``, ``unknown_department`` (nobody active
        works there).
    """
    if not isinstance(raw, dict) or raw.get("kind") not in NEWSLETTER_AUDIENCES:
        raise ValidationFailed(
            _(
                '%(field)s must be {"kind": one of %(kinds)s, "value": …}.',
                field=field,
                kinds=", ".join(NEWSLETTER_AUDIENCES),
            ),
            fields={field: "invalid"},
        )
    check_known_fields(raw, {"kind", "value"})
    kind, value = raw["kind"], raw.get("value")
    if kind == "group":
        group_id = check_optional_id(value, f"{field}.value")
        group = db.session.get(Group, group_id) if group_id else None
        if group is None or not policy.can_see_group(user, group):
            raise ValidationFailed(_("No such group."), fields={field: "unknown_group"})
        return kind, "", group.id
    if kind in ("site", "department"):
        value = check_text(value, f"{field}.value", max_len=120)
        column = User.site if kind == "site" else User.department
        someone = db.session.scalar(select(User.id).where(column == value, User.active).limit(1))
        if someone is None:
            message = (
                _("Nobody works at the site %(value)s.", value=value)
                if kind == "site"
                else _("Nobody works in the department %(value)s.", value=value)
            )
            raise ValidationFailed(message, fields={field: f"unknown_{kind}"})
        return kind, value, None
    return kind, "", None
