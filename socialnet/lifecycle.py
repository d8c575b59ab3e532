"""The request lifecycle: what happens to every request around its handler, in one place.

In the order a request meets them (:func:`install` registers the hooks; the app factory
places the middlewares):

1. WSGI middlewares, outermost first: ProxyFix (behind trusted proxies), the request
   log and its id (:mod:`socialnet.request_log`), trusted Hosts for Engine.IO
   (:mod:`socialnet.hosts`), then :class:`HeadersMiddleware` (security headers on
   Engine.IO's own responses).
2. ``before_request``: an untrusted Host is refused first (:mod:`socialnet.hosts`), the
   metrics timer starts (:mod:`socialnet.ops.metrics`), a signed-in browser's session
   is noted as used (:func:`note_session_use`), rate limits apply
   (:mod:`socialnet.ratelimits`); under /api/v1, repeated query parameters are refused
   (:func:`refuse_repeated_query_parameters`) and the caller is authenticated by bearer
   token or cookie + CSRF (:func:`authenticate_request`).
3. The handler, whose service calls flush and whose one commit is
   :mod:`socialnet.unit_of_work`'s; events leave after it.
4. ``after_request`` (last registered runs first): :func:`security_headers`, then
   :func:`record_request_activity`, then metrics and the request log's note.

Signing this browser in and out, for the pages and the API that start or end a session
(:func:`sign_in_with_session`, :func:`sign_in_afresh`, :func:`end_this_session`), is here
too. The caller resolved here is read by handlers through ``api.common.require_user`` or
Flask-Login's ``current_user``; services never touch ``flask.g`` or the session.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from flask import Flask, Response, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError
from itsdangerous import URLSafeTimedSerializer

from .errors import Forbidden, NotAuthenticated, ValidationFailed
from .extensions import csrf, db
from .models import User
from .ops import OPS_ENDPOINTS
from .request_log import request_user_id
from .services import sessions
from .services.analytics.activity import do_record_activity
from .services.celebrations import company_today
from .services.tokens import do_note_token_use, live_token
from .unit_of_work import commit

# --- security headers ---------------------------------------------------------------------

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


#: Endpoints whose URL changes with their content (a version in it), so that a browser may
#: keep them (never a shared cache): avatars.
PRIVATELY_CACHED = frozenset({"api.download_avatar"})


def security_headers(response: Response) -> Response:
    """``after_request`` for every response of the Flask app (pages, API, errors, static).

    Contract: every response carries :data:`COMMON_HEADERS`; HTML gets :data:`CSP`,
    anything else :data:`CSP_NOT_A_PAGE`; ``Strict-Transport-Security`` only when
    ``SESSION_COOKIE_SECURE`` says the site is served over HTTPS; every response but
    a static file is ``Cache-Control: no-store`` (pages, JSON and downloads hold one
    person's data, and the sign-in page a CSRF token: neither the browser's disk cache
    nor a proxy keeps them, so the back button after signing out shows nothing).
    A view may set a stricter CSP of its own; caching cannot be opted into, except by
    the endpoints of :data:`PRIVATELY_CACHED`, with a ``private`` ``Cache-Control``.

    Every request pays for this hook: the headers a response lacks are added in one
    pass over the few it has (no per-header lookups in werkzeug's ``Headers``).
    """
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    csp = CSP if response.mimetype == "text/html" else CSP_NOT_A_PAGE
    extra = [item for item in _COMMON_ITEMS if item[0].lower() not in present]
    if "content-security-policy" not in present:
        extra.append(("Content-Security-Policy", csp))
    if "strict-transport-security" not in present and current_app.config.get(
        "SESSION_COOKIE_SECURE"
    ):
        extra.append(("Strict-Transport-Security", HSTS))
    endpoint = request.endpoint
    if endpoint != "static" and not (
        endpoint in PRIVATELY_CACHED and headers.get("Cache-Control", "").startswith("private")
    ):
        if "cache-control" in present:
            del headers["Cache-Control"]
        extra.append(("Cache-Control", "no-store"))
    headers.extend(extra)
    return response


_COMMON_ITEMS = tuple(COMMON_HEADERS.items())


class HeadersMiddleware:
    """WSGI middleware giving responses made outside Flask (Engine.IO's polling
    transport under ``prefix``, ``/socket.io/``) the :data:`COMMON_HEADERS` and ``no-store``.

    Headers a response already has are left alone. Other paths are Flask's, whose
    :func:`security_headers` hook sets them (on error responses too): they pass through
    untouched, at no cost. A WebSocket upgrade that never calls ``start_response`` is
    not affected.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], prefix: str = "/socket.io/") -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            present = {name.lower() for name, _value in headers}
            headers = headers + [(n, v) for n, v in _OUTSIDE_FLASK if n.lower() not in present]
            return start_response(status, headers, exc_info)

        return self.app(environ, start)


_OUTSIDE_FLASK = (
    *COMMON_HEADERS.items(),
    ("Content-Security-Policy", CSP_NOT_A_PAGE),
    ("Cache-Control", "no-store"),
)


# --- who is calling -----------------------------------------------------------------------

#: Endpoints that serve anyone the same answer: the caller is never looked up for them
#: (no session row refreshed, no user loaded, no activity recorded). Probes are called
#: every few seconds by load balancers and Prometheus; static files by every page.
NO_CALLER_ENDPOINTS = frozenset({"static", *OPS_ENDPOINTS})


def note_session_use() -> None:
    """``before_app_request``: refresh the signed-in browser's ``last_seen_at`` every few
    minutes, in its own tiny unit of work before the request's (as token use is)."""
    if request.endpoint in NO_CALLER_ENDPOINTS or not current_user.is_authenticated:
        return
    row = current_user.login_session
    if row is not None and sessions.do_note_session_use(row):
        commit()


def sign_in_with_session(user: User, *, remember: bool = False) -> None:
    """Start a server-side session for this browser and sign it in as ``user``.

    The session row is its own unit of work (committed here, after the request's
    own changes were committed or there were none); the cookie then names it. A
    session this browser had before (as anyone) ends: its cookie is replaced.
    """
    if current_user.is_authenticated:
        sessions.do_end_session(current_user._get_current_object())
    sessions.do_start_session(user)
    commit()
    login_user(user, remember=remember)


def end_this_session() -> None:
    """End this browser's session on the server (any copy of its session or remember-me
    cookie stops working, its sockets are disconnected), then in the browser."""
    if current_user.is_authenticated:  # loads it, from the remember-me cookie if need be
        sessions.do_end_session(current_user._get_current_object())
        commit()
    logout_user()


def sign_in_afresh(user: User) -> None:
    """Keep this browser signed in after ``user``'s session epoch moved on.

    The old session (and any copy of its cookie) no longer loads; this one gets a
    new session at the new epoch. A browser that had "keep me signed in" gets a new
    remember-me cookie.
    """
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    sign_in_with_session(user, remember=cookie in request.cookies)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Endpoints that create a session rather than act for one: no CSRF token exists yet.
#: They only accept ``application/json``, which a cross-site form cannot send.
SESSION_STARTERS = frozenset({"api.login", "api.signup"})


def refuse_repeated_query_parameters() -> None:
    """``before_request``: no documented query parameter takes several values, so
    ``?department=a&department=b`` is a 400 rather than silently the first value."""
    repeated = sorted(key for key in request.args if len(request.args.getlist(key)) > 1)
    if repeated:
        raise ValidationFailed(
            _("Give each query parameter once: %(names)s.", names=", ".join(repeated)),
            fields=dict.fromkeys(repeated, "repeated"),
        )


def authenticate_request() -> None:
    """``before_request``: resolve the caller from a bearer token or the session cookie.

    Cookie-authenticated mutations must carry the CSRF token (``X-CSRFToken``);
    token-authenticated ones need none, since a browser never adds the header.
    """
    g.api_user = g.api_token = None
    header = request.headers.get("Authorization")
    if header:
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthenticated(_("Use the header 'Authorization: Bearer <token>'."))
        token = live_token(secret.strip())
        if token is None:
            raise NotAuthenticated(
                _("This token is not valid: unknown, revoked, or its account is inactive.")
            )
        if do_note_token_use(token):
            commit()  # its own tiny unit of work, before the request's
        g.api_user, g.api_token = token.user, token
        return
    if request.method in SAFE_METHODS:
        g.api_user = current_user._get_current_object() if current_user.is_authenticated else None
        return
    if request.endpoint in SESSION_STARTERS:
        if not request.is_json:
            raise ValidationFailed(_("Send a JSON body with 'Content-Type: application/json'."))
        return
    if current_user.is_authenticated:
        try:
            csrf.protect()
        except CSRFError as exc:
            raise Forbidden(
                _("Missing or invalid CSRF token: send it in the X-CSRFToken header."),
                error="csrf_failed",
            ) from exc
        g.api_user = current_user._get_current_object()


# --- activity -----------------------------------------------------------------------------

#: Who was already recorded today, per process (a bounded LRU of user id → day).
_RECORDED: OrderedDict[int, date] = OrderedDict()
_RECORDED_MAX = 50_000
SESSION_KEY = "activity_day"


def record_request_activity(response):
    """``after_app_request``: record the caller's day once (session and process cache).

    Off when ``ANALYTICS_RECORD_ACTIVITY`` is false (by default under ``TESTING``, so
    other suites' query-count guards are not disturbed). Failed requests, static
    files and anonymous calls record nothing. Its own tiny unit of work, after the
    request's: a failure here never affects the answer.
    """
    config = current_app.config
    if not config.get("ANALYTICS_RECORD_ACTIVITY", not config.get("TESTING")):
        return response
    if response.status_code >= 400 or request.endpoint in NO_CALLER_ENDPOINTS:
        return response
    user_id = request_user_id()
    if user_id is None:
        return response
    today = company_today()
    if _RECORDED.get(user_id) == today or (
        g.get("api_user") is None and session.get(SESSION_KEY) == today.isoformat()
    ):
        return response
    try:
        do_record_activity(user_id, today)
        commit()
    except Exception:  # noqa: BLE001  (never fail a served request over a statistic)
        db.session.rollback()
        current_app.logger.warning("could not record activity of user %s", user_id)
        return response
    _remember(user_id, today)
    if g.get("api_user") is None:
        session[SESSION_KEY] = today.isoformat()
    return response


def _remember(user_id: int, day: date) -> None:
    _RECORDED[user_id] = day
    _RECORDED.move_to_end(user_id)
    while len(_RECORDED) > _RECORDED_MAX:
        _RECORDED.popitem(last=False)


def forget_recorded() -> None:
    """Empty the process cache (tests, which reuse user ids after wiping tables)."""
    _RECORDED.clear()


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its signing serializer built once per key set.

    Flask builds a new ``URLSafeTimedSerializer`` (keys, salt, signer) for every request
    that opens or saves a session, i.e. every request. The keys are read from the config
    each time, so a changed ``SECRET_KEY`` (or fallbacks) takes effect at once.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # keys rotated in a test run: keep few
                self._serializers.clear()
            self._serializers[key] = serializer
        return serializer


def install(app: Flask) -> None:
    """Register the lifecycle's hooks; call after the blueprints are registered.

    Order matters: ``after_request`` hooks run last-registered first, so the security
    headers are set before the activity is recorded; the API's hooks run after the
    app's own ``before_request`` hooks, in the order listed.
    """
    app.session_interface = SessionCookies()
    app.before_request(note_session_use)
    # The API blueprint is registered already, so its hooks are added by its name.
    app.before_request_funcs.setdefault("api", []).extend(
        [refuse_repeated_query_parameters, authenticate_request]
    )
    app.after_request(record_request_activity)
    app.after_request(security_headers)
