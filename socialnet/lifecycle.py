"""The request lifecycle: what happens to every request around its handler, in one place.

In the order a request meets them (:func:`install` registers the hooks; the app factory
places the middlewares):

1. WSGI middlewares, outermost first: ProxyFix (behind trusted proxies), then the edge
   (:mod:`socialnet.edge`): the request's id, its log line and metrics, trusted Hosts for
   Engine.IO, and the security headers of every response (:func:`secure_headers`).
2. ``before_request``: an untrusted Host is refused first (:mod:`socialnet.hosts`), a form
   post's CSRF token is checked (:func:`protect_from_csrf`), a view that only reads runs
   without a transaction (:func:`begin_request_reads`), a signed-in browser's session
   is noted as used (:func:`note_session_use`); under /api/v1, repeated query parameters are
   refused (:func:`refuse_repeated_query_parameters`) and the caller is authenticated by
   bearer token or cookie + CSRF (:func:`authenticate_request`). Rate limits are checked
   by the views they decorate (:mod:`socialnet.ratelimits`).
3. The handler, whose service calls flush and whose one commit is
   :mod:`socialnet.unit_of_work`'s; events leave after it.
4. ``after_request`` (last registered runs first): Flask-Limiter's headers, then
   :func:`record_request_activity`, then the request log's note to the edge (endpoint,
   route, caller) and Flask-Login's remember-me cookie (signed-in browsers only).

Signing this browser in and out, for the pages and the API that start or end a session
(:func:`sign_in_with_session`, :func:`sign_in_afresh`, :func:`end_this_session`), is here
too. The caller resolved here is read by handlers through ``api.common.require_user`` or
Flask-Login's ``current_user``; services never touch ``flask.g`` or the session.
"""

from __future__ import annotations

from collections import OrderedDict
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
from .unit_of_work import commit, end_reading_transaction, read_without_transaction

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


def secure_headers(
    headers: list[tuple[str, str]],
    endpoint: str | None,
    *,
    https: bool,
    flask: bool,
    status: str = "200",
) -> list[tuple[str, str]]:
    """The headers a response leaves with: ``headers`` plus the security headers it lacks.

    Called for every response, Flask's and Engine.IO's, by :class:`socialnet.edge.EdgeMiddleware`
    as the response starts (``endpoint`` is Flask's, handed over by the request's
    after-request hook; ``None`` outside Flask or when no route matched; ``status`` the
    response's code, as text).

    Contract: every response carries :data:`COMMON_HEADERS`; an HTML response of Flask's
    gets :data:`CSP`, anything else :data:`CSP_NOT_A_PAGE`; ``Strict-Transport-Security``
    only when ``https`` (``SESSION_COOKIE_SECURE`` says the site is served over HTTPS);
    every response but a static file (200 or 304) is ``Cache-Control: no-store`` (pages,
    JSON, error pages (a missing static file's included) and
    downloads hold one person's data, and the sign-in page a CSRF token: neither the
    browser's disk cache nor a proxy keeps them, so the back button after signing out shows
    nothing). A view may set a stricter CSP of its own; caching cannot be opted into, except
    by the endpoints of :data:`PRIVATELY_CACHED`, with a ``private`` ``Cache-Control``.
    """
    present = {name.lower(): value for name, value in headers}
    keep_cache = (endpoint == "static" and status in _STATIC_KEPT) or (
        endpoint in PRIVATELY_CACHED and present.get("cache-control", "").startswith("private")
    )
    if not keep_cache and "cache-control" in present:
        headers = [item for item in headers if item[0].lower() != "cache-control"]
    extra = [item for lower, item in _COMMON_ITEMS if lower not in present]
    if "content-security-policy" not in present:
        mimetype = present.get("content-type", "").partition(";")[0].strip().lower()
        extra.append(_PAGE_CSP if flask and mimetype == "text/html" else _NOT_A_PAGE_CSP)
    if https and "strict-transport-security" not in present:
        extra.append(_HSTS)
    if not keep_cache:
        extra.append(_NO_STORE)
    return [*headers, *extra]


_COMMON_ITEMS = tuple((name.lower(), (name, value)) for name, value in COMMON_HEADERS.items())
#: The answers of a static file that a browser may keep (its error pages may not).
_STATIC_KEPT = frozenset({"200", "206", "304"})
_PAGE_CSP = ("Content-Security-Policy", CSP)
_NOT_A_PAGE_CSP = ("Content-Security-Policy", CSP_NOT_A_PAGE)
_HSTS = ("Strict-Transport-Security", HSTS)
_NO_STORE = ("Cache-Control", "no-store")


# --- who is calling -----------------------------------------------------------------------

#: Endpoints that serve anyone the same answer: the caller is never looked up for them
#: (no session row refreshed, no user loaded, no activity recorded). Probes are called
#: every few seconds by load balancers and Prometheus; static files by every page.
NO_CALLER_ENDPOINTS = frozenset({"static", *OPS_ENDPOINTS})


def begin_request_reads() -> None:
    """``before_app_request``: a view marked :func:`unit_of_work.reads_only` reads without
    a transaction, from its first statement (the caller's token or session) on."""
    if request.method in ("GET", "HEAD") and getattr(
        current_app.view_functions.get(request.endpoint), "reads_only", False
    ):
        read_without_transaction()


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

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        """Flask's, without reading seven cookie settings first when there is nothing to
        save: an empty session that was not emptied by this request sets no cookie (Flask
        would return at the same point, after marking ``Vary: Cookie`` if it was read)."""
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def protect_from_csrf() -> None:
    """``before_request``: Flask-WTF's CSRF check of every form post, asked in the cheap order.

    Flask-WTF's own hook looks up the view's exemptions before the method on every request,
    a GET included; this one answers a safe method at once. Same rule otherwise:
    ``WTF_CSRF_ENABLED`` and ``WTF_CSRF_CHECK_DEFAULT`` turn it off, exempt views and
    blueprints (the API, which checks its cookie callers in :func:`authenticate_request`)
    pass.
    """
    config = current_app.config
    if (
        request.method in config["WTF_CSRF_METHODS"]
        and config["WTF_CSRF_ENABLED"]
        and config["WTF_CSRF_CHECK_DEFAULT"]
    ):
        csrf.protect(apply_exemptions=True)


def _replace_csrf_hook(app: Flask) -> None:
    hooks = app.before_request_funcs.get(None, [])
    flask_wtf_hooks = [
        f for f in hooks if getattr(f, "__qualname__", "").startswith("CSRFProtect.")
    ]
    if len(flask_wtf_hooks) != 1:  # Flask-WTF changed how it registers: keep its hook
        return
    hooks[hooks.index(flask_wtf_hooks[0])] = protect_from_csrf


def _refresh_remember_cookie_if_signed_in(app: Flask) -> None:
    """Flask-Login refreshes the remember-me cookie after every request; an empty session
    (an anonymous caller, a probe, a bearer-token call) holds nothing it could act on."""
    hooks = app.after_request_funcs.get(None, [])
    remember = [f for f in hooks if getattr(f, "__name__", "") == "_update_remember_cookie"]
    if len(remember) != 1:
        return
    update = remember[0]

    def refresh_remember_cookie(response: Response) -> Response:
        return update(response) if session else response  # an empty session: nothing to do

    hooks[hooks.index(update)] = refresh_remember_cookie


def install(app: Flask) -> None:
    """Register the lifecycle's hooks; call after the blueprints are registered.

    Order matters: ``after_request`` hooks run last-registered first; the API's hooks run
    after the app's own ``before_request`` hooks, in the order listed. Security headers,
    the request id, the log line and the request metrics are the WSGI edge's
    (:mod:`socialnet.edge`), which every response crosses, Flask's or not.
    """
    app.session_interface = SessionCookies()
    _replace_csrf_hook(app)
    _refresh_remember_cookie_if_signed_in(app)
    app.before_request(begin_request_reads)
    app.before_request(note_session_use)
    # The API blueprint is registered already, so its hooks are added by its name.
    app.before_request_funcs.setdefault("api", []).extend(
        [refuse_repeated_query_parameters, authenticate_request]
    )
    app.after_request(record_request_activity)
    app.teardown_request(end_reading_transaction)
