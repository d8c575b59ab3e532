"""Engagement analytics for community managers: JSON reports and CSV tables."""

from __future__ import annotations

from flask import Response, jsonify, request

from ..services import analytics
from .blueprint import bp
from .common import require_user


def _report(name: str):
    return jsonify(analytics.report(require_user(), name, request.args))


@bp.get("/analytics/overview")
def analytics_overview():
    return _report("overview")


@bp.get("/analytics/groups")
def analytics_groups():
    return _report("groups")


@bp.get("/analytics/contributors")
def analytics_contributors():
    return _report("contributors")


@bp.get("/analytics/questions")
def analytics_questions():
    return _report("questions")


@bp.get("/analytics/answers")
def analytics_answers():
    return _report("answers")


@bp.get("/analytics/announcements")
def analytics_announcements():
    return _report("announcements")


@bp.get("/analytics/newsletters")
def analytics_newsletters():
    return _report("newsletters")


@bp.get("/analytics/polls")
def analytics_polls():
    return _report("polls")


@bp.get("/analytics/kudos")
def analytics_kudos():
    return _report("kudos")


@bp.get("/analytics/moderation")
def analytics_moderation():
    return _report("moderation")


@bp.get("/analytics/onboarding")
def analytics_onboarding():
    return _report("onboarding")


@bp.get("/analytics/<table>.csv")
def analytics_csv(table: str):
    text = analytics.export_csv(require_user(), table, request.args)
    period = f"{request.args.get('from', '')}_{request.args.get('to', '')}".strip("_")
    filename = f"analytics-{table}{'-' + period if period else ''}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


# --- OpenAPI ---------------------------------------------------------------------------
