"""The people directory and profile pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import policy
from ..realtime.catchup import head_event_id
from ..services import accounts, directory, kudos, pages
from ..services.editorial.roles import role_of
from ..services.people import avatar, org, skills
from ..services.people import profile as own_profile
from ..unit_of_work import attempt
from ._common import FEED_PAGE, me

bp = Blueprint("people", __name__)

DIRECTORY_PAGE = 24


@bp.get("/people")
@login_required
def directory_page():
    filters = {
        "query": request.args.get("q", "").strip()[:120] or None,
        "department": request.args.get("department") or None,
        "site": request.args.get("site") or None,
        "skill": request.args.get("skill", "").strip()[:60] or None,
    }
    people, next_cursor = directory.search_people(
        **filters, cursor=request.args.get("cursor"), limit=DIRECTORY_PAGE, viewer=me()
    )
    departments, sites = directory.departments_and_sites()
    return render_template(
        "directory.html",
        people=people,
        next_cursor=next_cursor,
        filters=filters,
        departments=departments,
        sites=sites,
    )


@bp.get("/people/<id:person_id>")
@login_required
def profile(person_id: int):
    head = head_event_id()
    page = pages.profile_page(me(), person_id, request.args.get("cursor"), FEED_PAGE)
    pages.with_groups(page.posts)
    received = kudos.kudos_received(me(), person_id)
    return render_template(
        "profile.html",
        page=page,
        head_event_id=head,
        received=received,
        skills=skills.skills_of(page.person),
        my_endorsements=skills.endorsed_by(me(), page.person),
        correspondent=role_of(page.person),
    )


def _list_field(name: str) -> list[str]:
    """A comma-separated form field as a list (empty items dropped)."""
    return [item.strip() for item in request.form.get(name, "").split(",") if item.strip()]


@bp.route("/me/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    if request.method == "GET":
        return render_template("profile_edit.html", draft=None, skills=skills.skills_of(me()))
    data = {f: request.form.get(f, "") for f in own_profile.TEXT_FORM_FIELDS}
    data["skills"] = _list_field("skills")
    data["languages"] = _list_field("languages")
    with attempt() as outcome:
        own_profile.do_update_own_profile(me(), data)
    if outcome.failed:
        draft = {
            **data,
            "skills": ", ".join(data["skills"]),
            "languages": ", ".join(data["languages"]),
        }
        return render_template("profile_edit.html", draft=draft, skills=[]), outcome.status
    flash(_("Your profile is updated."), "success")
    return redirect(url_for("people.profile", person_id=me().id))


@bp.post("/me/avatar")
@login_required
def set_avatar():
    """The profile page's photo form without JavaScript (avatars.js sends it to the API,
    which takes up to ``MAX_UPLOAD_MB``; here the page limit, ``MAX_CONTENT_LENGTH``)."""
    sent = request.files.get("file")
    with attempt() as outcome:
        avatar.do_set_avatar(me(), sent.read() if sent else b"")
    if not outcome.failed:
        flash(_("Your photo is updated."), "success")
    return redirect(url_for("people.edit_profile"))


@bp.post("/me/avatar/delete")
@login_required
def remove_avatar():
    with attempt() as outcome:
        avatar.do_remove_avatar(me())
    if not outcome.failed:
        flash(_("Your photo is removed: your initials show instead."), "success")
    return redirect(url_for("people.edit_profile"))


@bp.route("/people/<id:person_id>/organisation", methods=["GET", "POST"])
@login_required
def edit_organisation(person_id: int):
    """Administrators set where someone sits: manager, department, site, hire date, role."""
    if not policy.can_manage_users(me()):
        abort(403)
    person = accounts.access_user(person_id, me())
    if request.method == "GET":
        return render_template("organisation_edit.html", person=person, draft=None)
    data = {f: request.form.get(f, "").strip() for f in ("department", "site", "role")}
    data["manager_id"] = int(raw) if (raw := request.form.get("manager_id", "")).isdigit() else None
    data["hire_date"] = request.form.get("hire_date") or None
    with attempt() as outcome:
        accounts.do_update_user(me(), person_id, data)
    if outcome.failed:
        return render_template("organisation_edit.html", person=person, draft=data), outcome.status
    flash(
        _("%(name)s’s place in the organisation is updated.", name=person.display_name),
        "success",
    )
    return redirect(url_for("people.org_chart", person_id=person_id))


@bp.post("/people/<id:person_id>/endorsement")
@login_required
def endorse(person_id: int):
    skill = request.form.get("skill", "")
    with attempt() as outcome:
        person = accounts.access_user(person_id, me())
        if request.form.get("withdraw"):
            skills.do_withdraw(me(), person, skill)
        else:
            skills.do_endorse(me(), person, skill)
    if not outcome.failed:
        flash(_("Thank you: your endorsement is recorded."), "success")
    return redirect(url_for("people.profile", person_id=person_id, _anchor="skills"))


@bp.get("/people/<id:person_id>/org")
@login_required
def org_chart(person_id: int):
    chart = org.org_chart(accounts.access_user(person_id, me()), me())
    return render_template("org_chart.html", chart=chart)
