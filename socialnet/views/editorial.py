"""The editorial calendar page: a month or a week, filtered by person or site, with the
link to the same span as .ics."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from .. import policy
from ..services import directory
from ..services.editorial import calendar
from ._common import me

bp = Blueprint("editorial", __name__)


@bp.get("/editorial")
@login_required
def calendar_page():
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
        status_labels={
            "idea": _("Idea"),
            "assigned": _("Assigned"),
            "draft": _("Draft"),
            "scheduled": _("Scheduled"),
            "published": _("Published"),
            "dropped": _("Dropped"),
        },
    )
