"""The engagement dashboard for community managers and admins (``/analytics``).

Tables are rendered on the server (the page reads without JavaScript); the charts
are drawn by ``static/js/analytics.js`` from a JSON data island.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..errors import ValidationFailed
from ..services import analytics
from ._common import me

bp = Blueprint("analytics", __name__)


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
    return render_template("analytics.html", data=data, error=error), status
