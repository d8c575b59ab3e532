"""The editorial calendar pages: a month or a week, filtered by person or site, with the
link to the same span as .ics, the form that plans an item (the communication team) and
the assignee's draft; the per-site results; the correspondents (named by administrators)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from .. import policy
from ..errors import ValidationFailed
from ..extensions import db
from ..models import User
from ..services import directory
from ..services.editorial import calendar, correspondents, drafts, items, sites
from ..unit_of_work import attempt
from ._common import company_instant, me
from .announcements import _publish_at

bp = Blueprint("editorial", __name__)


def _person_id(who: str) -> int | None:
    """The id of the colleague named by an email address or handle (the service checks
    they are active). :raise ValidationFailed: nobody has it."""
    who = who.strip().lstrip("@").lower()
    if not who:
        return None
    column = User.email if "@" in who else User.handle
    found = db.session.scalar(select(User.id).where(column == who))
    if found is None:
        raise ValidationFailed(_("No such colleague."), fields={"assignee_id": "unknown"})
    return found


def _form_data() -> dict:
    form = request.form
    site = form.get("site", "")
    return {
        "title": form.get("title", ""),
        "brief": form.get("brief", ""),
        "due_at": _publish_at(form.get("due_at", ""), form.get("tz_offset", "")),
        "publish_at": _publish_at(form.get("publish_at", ""), form.get("tz_offset", "")),
        "assignee_id": _person_id(form.get("assignee", "")),
        "target": {"kind": "site", "value": site} if site else {"kind": "company"},
        "status": form.get("status") or None,
    }


@bp.post("/editorial")
@login_required
def plan():
    items.check_can_plan(me())
    with attempt() as outcome:
        items.do_create_item(me(), _form_data())  # _form_data may refuse the assignee
    if outcome.failed:
        return calendar_page(outcome.status)
    flash(_("Item added to the editorial calendar."), "success")
    return redirect(url_for("editorial.calendar_page", view=request.args.get("view")))


@bp.get("/editorial")
@login_required
def calendar_page(status: int = 200):
    data = calendar.view(me(), request.args)
    weeks = [data["days"][n : n + 7] for n in range(0, len(data["days"]), 7)]
    _departments, sites = directory.departments_and_sites()
    return render_template(
        "editorial.html",
        cal=data,
        weeks=weeks,
        sites=sites,
        site=request.args.get("site", ""),
        assignee_id=request.args.get("assignee_id", ""),
        can_plan=policy.can_plan_editorial(me()),
        me_id=me().id,
        status_labels={
            "idea": _("Idea"),
            "assigned": _("Assigned"),
            "draft": _("Draft"),
            "scheduled": _("Scheduled"),
            "published": _("Published"),
            "dropped": _("Dropped"),
        },
        form=request.form,
    ), status


def _draft_from_form() -> dict:
    form = request.form
    if form.get("kind") != "event":
        return {"kind": "post", "body": form.get("body", "")}
    return {
        "kind": "event",
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "starts_at": company_instant(form.get("starts_at", "")),
        "ends_at": company_instant(form.get("ends_at", "")),
        "location": form.get("location", ""),
    }


@bp.post("/editorial/items/<id:item_id>/draft")
@login_required
def write_draft(item_id: int):
    """The assignee's draft from the calendar page: a post, or an event (``kind=event``;
    times typed on the company's wall clock)."""
    with attempt() as outcome:
        drafts.do_write_draft(me(), item_id, _draft_from_form())
    if outcome.failed:
        return calendar_page(outcome.status)
    flash(_("Draft saved: only you see it until it is published."), "success")
    return redirect(url_for("editorial.calendar_page", date=request.form.get("date") or None))


@bp.get("/editorial/sites")
@login_required
def sites_page():
    """What the calendar published for each site, and how it did."""
    return render_template("editorial_sites.html", view=sites.site_view(me(), request.args))


@bp.get("/editorial/correspondents")
@login_required
def correspondents_page(status: int = 200):
    """The correspondents; administrators name and withdraw them here."""
    listed = correspondents.list_correspondents(me())
    departments, all_sites = directory.departments_and_sites()
    return render_template(
        "editorial_correspondents.html",
        correspondents=listed,
        can_grant=policy.can_grant_correspondent(me()),
        sites=all_sites,
        departments=departments,
        space=correspondents.space_group(),
        form=request.form,
    ), status


@bp.post("/editorial/correspondents")
@login_required
def grant_correspondent():
    correspondents.check_can_grant(me())
    form = request.form
    with attempt() as outcome:
        person_id = _person_id(form.get("person", ""))
        if person_id is None:
            raise ValidationFailed(_("No such colleague."), fields={"person": "unknown"})
        scope = form.get("scope", "")
        value = form.get(scope, "") if scope in ("site", "department") else ""
        correspondents.do_grant(me(), person_id, {"scope": scope, "value": value})
    if outcome.failed:
        return correspondents_page(outcome.status)
    flash(_("Correspondent named."), "success")
    return redirect(url_for("editorial.correspondents_page"))


@bp.post("/editorial/correspondents/<id:person_id>/revoke")
@login_required
def revoke_correspondent(person_id: int):
    with attempt() as outcome:
        correspondents.do_revoke(me(), person_id)
    if not outcome.failed:
        flash(_("Correspondent role withdrawn."), "success")
    return redirect(url_for("editorial.correspondents_page"))
