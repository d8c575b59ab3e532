"""The engagement dashboard for community managers and admins (``/analytics``).

Tables are rendered on the server (the page reads without JavaScript); the charts
are drawn by ``static/js/analytics.js`` from a JSON data island.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ..errors import ValidationFailed
from ..services import analytics
from ._common import me

bp = Blueprint("analytics", __name__)

#: How the tables name a group's visibility and an announcement's kind of audience.
VISIBILITY_LABELS = {"public": _l("public"), "private": _l("private"), "secret": _l("secret")}
AUDIENCE_KIND_LABELS = {
    "company": _l("the whole company"),
    "reports": _l("reporting line"),
    "site": _l("site"),
    "department": _l("department"),
    "group": _l("group"),
}


@bp.get("/analytics")
@login_required
def dashboard():
    """:raise Forbidden: not a community manager or admin (403 page)."""
    analytics.check_can_read(me())
    status, error = 200, None
    try:
        data = analytics.dashboard(me(), request.args)
    except ValidationFailed as exc:
        status, error = 400, exc.message
        data = analytics.dashboard(me(), {})
    return render_template(
        "analytics.html",
        data=data,
        error=error,
        visibility_labels=VISIBILITY_LABELS,
        audience_kind_labels=AUDIENCE_KIND_LABELS,
    ), status
