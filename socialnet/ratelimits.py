"""Abuse limits (Flask-Limiter): sign-in, password reset, posting (and editing), commenting,
reacting, reporting, token creation, the API as a whole, and Socket.IO messages.

Each limit is a *bucket* shared by the routes doing the same thing (posting through the
API or a form counts once), keyed by the person (or, before sign-in, by the account
named and by the client's address). Buckets are settings (``SOCIALNET_RATE_<NAME>``,
in the ``limits`` notation: ``"30 per minute"``, ``"5 per 30 minutes"``). Counters live
in Redis when ``REDIS_URL`` is set (shared by every process), in memory otherwise. An
exceeded limit answers 429 with ``Retry-After`` (JSON under /api, a page elsewhere).

Sign-in counts failures only, per account and per address, in fixed windows: an
attacker can keep an account waiting for at most one window, never lock it for good.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse
from limits.storage import MemoryStorage

log = logging.getLogger(__name__)

limiter = Limiter(key_func=get_remote_address, headers_enabled=True, swallow_errors=True)


def user_key() -> str:
    """The signed-in person (bearer token or cookie), else the client's address."""
    user = g.get("api_user")
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    return f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"


def account_key() -> str:
    """The account a sign-in or reset names (normalised), else the client's address."""
    email = request.form.get("email") if request.form else None
    if email is None and request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    if isinstance(email, str) and email.strip():
        return "account:" + email.strip().lower()[:254]
    return f"ip:{get_remote_address()}"


def ip_key() -> str:
    return f"ip:{get_remote_address()}"


def _failed(response) -> bool:
    return response.status_code in (400, 401)


@dataclass(frozen=True)
class Bucket:
    name: str
    default: str
    key: Callable[[], str]
    endpoints: tuple[str, ...]
    failures_only: bool = False
    #: Only these methods count (None: all). Opening a form to write is not writing.
    methods: tuple[str, ...] | None = None


WRITES = ("POST", "PUT", "PATCH", "DELETE")


SIGN_IN = ("api.login", "auth.sign_in_submit")
RESET = (
    "api.request_password_reset",
    "auth.password_reset_request_submit",
    "api.signup",
)
CONFIRM = (
    "api.confirm_password_reset",
    "auth.password_reset_confirm_submit",
    "api.confirm_signup",
    "auth.signup_confirm_submit",
    "api.accept_guest_invitation",
    "guests.join_submit",
)
BUCKETS = (
    Bucket("signin_account", "5 per 30 minutes", account_key, SIGN_IN, failures_only=True),
    Bucket("signin_ip", "50 per 30 minutes", ip_key, SIGN_IN, failures_only=True),
    Bucket("reset_account", "3 per hour", account_key, RESET),
    Bucket("reset_ip", "20 per hour", ip_key, RESET),
    Bucket("confirm_ip", "20 per hour", ip_key, CONFIRM, failures_only=True),
    Bucket(
        "password_change",
        "10 per hour",
        user_key,
        ("api.change_password", "auth.change_password_submit"),
    ),
    Bucket(
        "posts",
        "30 per minute",
        user_key,
        (
            "api.create_post",
            "api.create_poll",
            "api.give_kudos",
            "api.create_team_success",
            "api.create_announcement",
            "api.publish_synthesis",
            "api.share_synthesis",
            "api.relay_synthesis",
            "circles.publish",
            "circles.relay",
            "feed.create_post",
            "groups.create_post",
            "polls.create",
            "recognition.give",
            "recognition.team_success",
            "announcements.create",
            # An edit renders its text again and tells the audience: it costs what a post does.
            "api.edit_post",
            "feed.edit_post",
        ),
        methods=WRITES,
    ),
    # (Comments cannot be edited; an edit of one would belong here.)
    Bucket(
        "comments",
        "60 per minute",
        user_key,
        ("api.create_comment", "feed.create_comment"),
        methods=WRITES,
    ),
    Bucket(
        "reactions",
        "120 per minute",
        user_key,
        ("api.add_reaction", "api.remove_reaction", "feed.react"),
    ),
    Bucket("reports", "20 per hour", user_key, ("api.create_report", "moderation.report")),
    # Each invitation sends an email to an address outside the company.
    Bucket(
        "guest_invitations",
        "30 per hour",
        user_key,
        ("api.invite_guest", "guests.invite"),
        methods=WRITES,
    ),
    # Each upload is decoded (images) and written to disk; the daily quota caps the bytes.
    Bucket(
        "uploads",
        "60 per minute",
        user_key,
        ("api.upload_file", "api.set_avatar", "people.set_avatar"),
    ),
    Bucket("tokens", "10 per hour", user_key, ("api.create_token",)),
    # The public tracked link: people follow it once; a flood from one address is a script
    # (its clicks are counted once an hour anyway).
    Bucket("share_links", "120 per minute", ip_key, ("advocacy.follow",)),
    Bucket("shares", "60 per minute", user_key, ("api.open_share", "advocacy.open_share")),
    # Building an archive reads everything a person ever did: a few per hour is plenty.
    Bucket(
        "data_export",
        "10 per hour",
        user_key,
        (
            "api.export_my_data",
            "api.export_user_data",
            "auth.export_my_data",
            "auth.export_person_data",
        ),
    ),
    # A stolen session must not be able to guess the password that deletion asks for.
    Bucket(
        "account_delete",
        "5 per hour",
        user_key,
        ("api.delete_my_account", "auth.delete_account_submit"),
        failures_only=True,
    ),
)
#: Every /api/v1 route, per person: a runaway script, not a busy human.
API_BUCKET = Bucket("api", "6000 per minute", user_key, ())
#: Socket.IO messages (join/leave…) per connection.
SOCKET_DEFAULT = "30 per 10 seconds"


def setting(name: str, default: str) -> str:
    return current_app.config.get(f"SOCIALNET_RATE_{name.upper()}", default)


@functools.cache
def _limit_of(bucket: Bucket) -> Callable[[], str]:
    """One provider per bucket for the process: Flask-Limiter keeps an endpoint's limits in
    a set on the (global) limiter, so a second app built in the same process (tests, the
    benchmarks) registers the same limit again instead of counting every request twice."""
    return lambda: setting(bucket.name, bucket.default)


def _too_many_requests() -> str:
    """The 429 answer's message, in the language of the request that went over its limit."""
    return _("Too many requests: please wait a moment before trying again.")


def _wrap(app: Flask, endpoint: str, bucket: Bucket) -> None:
    view = app.view_functions.get(endpoint)
    if view is None:
        raise RuntimeError(f"rate limit {bucket.name!r} names an unknown endpoint {endpoint!r}")
    decorate = limiter.shared_limit(
        _limit_of(bucket),
        scope=bucket.name,
        key_func=bucket.key,
        deduct_when=_failed if bucket.failures_only else None,
        methods=list(bucket.methods) if bucket.methods else None,
        error_message=_too_many_requests,
    )
    app.view_functions[endpoint] = decorate(view)


class LazyExpiryMemoryStorage(MemoryStorage):
    """limits' in-process storage (``socialnet-memory://``, the default without Redis),
    minus a thread per request.

    ``MemoryStorage`` drops expired counters from a ``threading.Timer`` that it starts
    again, 10 ms later, at the next hit: one new thread (a greenlet under eventlet) for
    nearly every rate-limited request of a server that is not saturated, the largest
    single cost of a feed request in the profile. Reading a counter already ignores an
    expired one (``get`` checks its expiry), so the sweep only frees memory: here it runs
    inline, at most once every :attr:`SWEEP_SECONDS`. Limits count exactly as before.
    """

    STORAGE_SCHEME = ["socialnet-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._next_sweep = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the parent's private hook
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + self.SWEEP_SECONDS
            self._MemoryStorage__expire_events()


def install(app: Flask) -> None:
    """Attach the limits to the app's routes; call after every blueprint is registered."""
    default_storage = app.config.get("REDIS_URL") or "socialnet-memory://"
    app.config.setdefault("RATELIMIT_STORAGE_URI", default_storage)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "socialnet-rl")
    limiter.init_app(app)
    for bucket in BUCKETS:
        for endpoint in bucket.endpoints:
            _wrap(app, endpoint, bucket)
    for endpoint in list(app.view_functions):
        if endpoint.startswith("api.") and endpoint != "api.openapi_document":
            _wrap(app, endpoint, API_BUCKET)
    _drop_idle_middleware_check(app)
    _run_context_hooks_only_when_used(app)


#: Where Flask-Limiter keeps its per-request context (limits checked, deductions to make).
_LIMITER_CONTEXT_ATTRIBUTE = "_limiter_request_context"


def _limiter_context_used() -> bool:
    return getattr(request_ctx, _LIMITER_CONTEXT_ATTRIBUTE, None) is not None


def _run_context_hooks_only_when_used(app: Flask) -> None:
    """Flask-Limiter's after-request hook (rate-limit headers, deductions made on failure)
    and teardown hook (reset) act on its per-request context, which exists once a limit was
    checked. A request that checked none (a probe, a page, a static file) never made one:
    the hooks would make it only to find it empty. They are wrapped to run only when it
    exists; if Flask-Limiter registers them differently, they are left as they are."""
    inject = getattr(Limiter, "_Limiter__inject_headers", None)
    release = getattr(Limiter, "_Limiter__release_context", None)
    after = app.after_request_funcs.get(None, [])
    for index, hook in enumerate(after):
        if getattr(hook, "func", None) is inject and inject is not None:
            after[index] = _when_context_used(hook)
    teardown = app.teardown_request_funcs.get(None, [])
    for index, hook in enumerate(teardown):
        if getattr(hook, "__func__", None) is release and release is not None:
            teardown[index] = _when_context_used(hook)


def _when_context_used(hook: Callable) -> Callable:
    def run_if_context_used(value):
        return hook(value) if _limiter_context_used() else value

    run_if_context_used.wrapped_limiter_hook = hook  # type: ignore[attr-defined]
    return run_if_context_used


def _drop_idle_middleware_check(app: Flask) -> None:
    """Every limit here decorates its views (:func:`_wrap`), which check it themselves.
    Flask-Limiter's ``before_request`` hook only applies default, application-wide and
    meta limits, and socialnet configures none: left in place it would still resolve
    "no limits" on every request (a fifth of what ``/healthz`` cost). It is kept if any
    such limit was configured (``RATELIMIT_DEFAULT``, ``RATELIMIT_APPLICATION``…)."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or limiter._meta_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    idle = Limiter._check_request_limit
    hooks[:] = [f for f in hooks if getattr(f, "__func__", None) is not idle]


@limiter.request_filter
def _limits_off() -> bool:
    """``SOCIALNET_RATE_LIMITS=0`` (the test suite's default) turns every limit off."""
    return not current_app.config.get("RATE_LIMITS_ENABLED", True)


def socket_message_allowed(sid: str) -> bool:
    """One Socket.IO message of connection ``sid``: within its limit? (Counted in the same
    storage as the HTTP limits; an unreachable store lets the message through, logged.)"""
    if not current_app.config.get("RATE_LIMITS_ENABLED", True):
        return True
    item = parse(setting("socket", SOCKET_DEFAULT))
    try:
        return limiter.limiter.hit(item, "socket", sid)
    except Exception:  # the store is down: never take the socket down with it
        log.exception("socket rate limit store unreachable")
        return True
