"""HTML blueprints (templates live in ../templates).

:func:`register_views` also installs what every page shares: template filters,
the reaction palette, and the browser security headers of every response the app
sends (:func:`security_headers`; :class:`HeadersMiddleware` for Engine.IO's own).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from flask import Flask, Response, current_app, request

from ..models import REACTION_KINDS

REACTIONS = {
    "like": ("👍", "Like"),
    "celebrate": ("🎉", "Celebrate"),
    "support": ("🤝", "Support"),
    "insightful": ("💡", "Insightful"),
    "funny": ("😄", "Funny"),
}

#: Scripts and styles only from our own origin: a sanitizer miss still cannot run code.
#: No 'unsafe-inline' / 'unsafe-eval' anywhere; data islands are
#: ``<script type="application/json">``, which the browser never executes.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: Everything that is not a page (JSON, CSV, downloads, static files) may load nothing,
#: run nothing and be framed by nobody, should a browser ever render it as a document.
CSP_NOT_A_PAGE = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: Powerful browser features socialnet never uses, off for every document of ours.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)
#: One year; sent only when the site is served over HTTPS (``SESSION_COOKIE_SECURE``).
HSTS = "max-age=31536000; includeSubDomains"
#: Sent on every response, whatever its kind.
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def _parse(value: str | date | datetime | None) -> date | datetime | None:
    if value is None or isinstance(value, date | datetime):
        return value
    try:
        return datetime.fromisoformat(value.removesuffix("Z"))
    except ValueError:
        return None


def when(value: str | datetime | None) -> str:
    """``2025-03-04T14:05:00Z`` → ``4 Mar 2025, 14:05 UTC`` (app.js turns it into local time)."""
    parsed = _parse(value)
    if not isinstance(parsed, datetime):
        return ""
    return f"{parsed.day} {parsed:%b %Y, %H:%M} UTC"


def day(value: str | date | None) -> str:
    parsed = _parse(value)
    return f"{parsed.day} {parsed:%B %Y}" if parsed else ""


def security_headers(response: Response) -> Response:
    """``after_request`` for every response of the Flask app (pages, API, errors, static).

    Contract: every response carries :data:`COMMON_HEADERS`; HTML gets :data:`CSP`,
    anything else :data:`CSP_NOT_A_PAGE`; ``Strict-Transport-Security`` only when
    ``SESSION_COOKIE_SECURE`` says the site is served over HTTPS; every response but
    a static file is ``Cache-Control: no-store`` (pages, JSON and downloads hold one
    person's data, and the sign-in page a CSRF token: neither the browser's disk cache
    nor a proxy keeps them, so the back button after signing out shows nothing).
    A view may set a stricter CSP of its own; caching cannot be opted into.
    """
    headers = response.headers
    for name, value in COMMON_HEADERS.items():
        headers.setdefault(name, value)
    csp = CSP if response.mimetype == "text/html" else CSP_NOT_A_PAGE
    headers.setdefault("Content-Security-Policy", csp)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


class HeadersMiddleware:
    """WSGI middleware giving responses made outside Flask (Engine.IO's polling
    transport under ``/socket.io/``) the :data:`COMMON_HEADERS` and ``no-store``.

    Headers a response already has are left alone, so Flask's own responses pass
    through unchanged. A WebSocket upgrade that never calls ``start_response`` is
    not affected.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            present = {name.lower() for name, _value in headers}
            extra = {**COMMON_HEADERS, "Content-Security-Policy": CSP_NOT_A_PAGE}
            extra["Cache-Control"] = "no-store"
            headers = headers + [(n, v) for n, v in extra.items() if n.lower() not in present]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


def register_views(app: Flask) -> None:
    from .analytics import bp as analytics_bp
    from .announcements import bp as announcements_bp
    from .auth import bp as auth_bp
    from .feed import bp as feed_bp
    from .groups import bp as groups_bp
    from .moderation import bp as moderation_bp
    from .notifications import bp as notifications_bp
    from .people import bp as people_bp
    from .polls import bp as polls_bp
    from .questions import bp as questions_bp
    from .recognition import bp as recognition_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(feed_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(groups_bp)
    app.register_blueprint(announcements_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(polls_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(recognition_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(analytics_bp)
    app.add_template_filter(when)
    app.add_template_filter(day)
    app.after_request(security_headers)

    @app.context_processor
    def _globals():
        return {
            "REACTIONS": [(kind, *REACTIONS[kind]) for kind in REACTION_KINDS],
            "COMPANY_NAME": app.config.get("COMPANY_NAME", "socialnet"),
            "unread_notifications": _unread_notifications,
            "take_draft": _take_draft,
        }


def _take_draft(name: str):
    """A refused form's fields, once, for its composer to prefill (see ``_common``)."""
    from ._common import take_draft

    return take_draft(name)


def _unread_notifications() -> int:
    """The bell's count; base.html calls it only for a signed-in user (one query)."""
    from ..services.notifications import unread_count
    from ._common import me

    return unread_count(me())
