"""HTML blueprints (templates live in ../templates).

:func:`register_views` also installs what every page shares: template filters and
the reaction palette. The headers every response carries are the request
lifecycle's (:mod:`socialnet.lifecycle`).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from ..models import REACTION_KINDS
from ..serializers import avatar_src
from ..system_text import PAIN_POINT_STATUS_LABELS

REACTIONS = {
    "like": ("👍", _l("Like")),
    "celebrate": ("🎉", _l("Celebrate")),
    "support": ("🤝", _l("Support")),
    "insightful": ("💡", _l("Insightful")),
    "funny": ("😄", _l("Funny")),
}


def _parse(value: str | date | datetime | None) -> date | datetime | None:
    if value is None or isinstance(value, date | datetime):
        return value
    try:
        return datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        return None


def when(value: str | datetime | None) -> str:
    """``2025-03-04T14:05:00Z`` → ``4 Mar 2025, 15:05`` / ``4 mars 2025 15:05``: the page's
    language, the company's time zone (naive datetimes are UTC)."""
    parsed = _parse(value)
    if not isinstance(parsed, datetime):
        return ""
    return format_datetime(parsed, "d MMM y, HH:mm")


def day(value: str | date | None) -> str:
    """``2025-03-04`` → ``4 March 2025`` / ``4 mars 2025``."""
    parsed = _parse(value)
    if not parsed:
        return ""
    return format_date(parsed.date() if isinstance(parsed, datetime) else parsed, "d MMMM y")


def register_views(app: Flask) -> None:
    from . import moderation_globals
    from .advocacy import bp as advocacy_bp
    from .analytics import bp as analytics_bp
    from .announcements import bp as announcements_bp
    from .auth import bp as auth_bp
    from .briefings import bp as briefings_bp
    from .circles import bp as circles_bp
    from .digest import bp as digest_bp
    from .editorial import bp as editorial_bp
    from .events import bp as events_bp
    from .feed import bp as feed_bp
    from .files import bp as files_bp
    from .files import file_href, file_thumb
    from .groups import bp as groups_bp
    from .guests import bp as guests_bp
    from .knowledge import bp as knowledge_bp
    from .language import bp as language_bp
    from .moderation import bp as moderation_bp
    from .newsletters import bp as newsletters_bp
    from .notifications import bp as notifications_bp
    from .onboarding import bp as onboarding_bp
    from .pain_points import bp as pain_points_bp
    from .people import bp as people_bp
    from .polls import bp as polls_bp
    from .questions import bp as questions_bp
    from .recognition import bp as recognition_bp
    from .search import bp as search_bp
    from .topics import bp as topics_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(feed_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(guests_bp)
    app.register_blueprint(announcements_bp)
    app.register_blueprint(briefings_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(polls_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(circles_bp)
    app.register_blueprint(pain_points_bp)
    app.register_blueprint(knowledge_bp)
    app.register_blueprint(onboarding_bp)
    app.register_blueprint(files_bp)
    app.register_blueprint(recognition_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(analytics_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(topics_bp)
    app.register_blueprint(language_bp)
    app.register_blueprint(digest_bp)
    app.register_blueprint(advocacy_bp)
    app.register_blueprint(newsletters_bp)
    app.register_blueprint(editorial_bp)
    app.add_template_filter(when)
    app.context_processor(moderation_globals.template_globals)
    app.add_template_filter(day)
    app.add_template_global(avatar_src)
    app.add_template_global(file_href)
    app.add_template_global(file_thumb)

    @app.context_processor
    def _globals():
        return {
            "REACTIONS": [(kind, *REACTIONS[kind]) for kind in REACTION_KINDS],
            "COMPANY_NAME": app.config.get("COMPANY_NAME", "socialnet"),
            "unread_notifications": _unread_notifications,
            "take_draft": _take_draft,
            "may_invite_guests": _may_invite_guests,
            "PAIN_POINT_STATUS_LABELS": PAIN_POINT_STATUS_LABELS,
        }


def _take_draft(name: str):
    """A refused form's fields, once, for its composer to prefill (see ``_common``)."""
    from ._common import take_draft

    return take_draft(name)


def _may_invite_guests() -> bool:
    """The "Guests" link: admins and group admins (one query at most, only when asked)."""
    from .. import policy
    from ._common import me

    return policy.can_invite_guests(me())


def _unread_notifications() -> int:
    """The bell's count; base.html calls it only for a signed-in user (one query)."""
    from ..services.notifications import unread_count
    from ._common import me

    return unread_count(me())
