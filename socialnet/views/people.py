"""The people directory and profile pages."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..realtime.catchup import head_event_id
from ..services import directory, kudos, pages
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
        **filters, cursor=request.args.get("cursor"), limit=DIRECTORY_PAGE
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
    return render_template("profile.html", page=page, head_event_id=head, received=received)
