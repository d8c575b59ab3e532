"""One log line per request, under an id that the response and its error page carry.

The WSGI edge (:mod:`socialnet.edge`) wraps the whole app (Flask and Engine.IO's HTTP
requests alike): it gives each request an id (:func:`new_request_id`, ``X-Request-ID`` on
the response), times it and logs (:func:`log_request`), on logger ``socialnet.request`` at
INFO, one ``key=value`` line::

    request_id=0f3c… method=GET path=/api/v1/posts/<id:post_id> status=200 duration_ms=4.1 user_id=7

``path`` is the route's template (the URL rule), so ids in paths group together and no
query string (where reset tokens travel) is ever written; a path no route matched is
logged as received, without its query string, quoted when it holds anything but plain
URL characters, so one request is always one line. ``user_id`` is ``-`` for anonymous
callers (and for Engine.IO requests, whose caller Flask never sees). A WebSocket is
logged when it closes, ``status=101``, its lifetime as the duration.

The id of an incoming ``X-Request-ID`` is kept only behind a trusted proxy
(``SOCIALNET_TRUSTED_PROXIES`` > 0) and when well formed; otherwise one is made.
JSON error bodies carry it as ``request_id`` and error pages show it
(:func:`request_id`), so a person can quote it to support.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from typing import Any

from flask import Flask, Response, g, request
from sqlalchemy import inspect

log = logging.getLogger("socialnet.request")

#: Where the middleware leaves the id and the per-request record (a dict shared with
#: Flask's copy of the environ: Flask-SocketIO hands Flask a shallow copy).
ENVIRON_ID = "socialnet.request_id"
ENVIRON_RECORD = "socialnet.request_log"
HEADER = "X-Request-ID"
#: What a proxy's request id may look like (nginx's ``$request_id`` is 32 hex digits).
INCOMING_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
_BARE_RE = re.compile(r"[A-Za-z0-9_./<>:@%+,=-]+")
_PATH_MAX = 200


def request_id() -> str:
    """The current request's id (made here if the middleware did not run, e.g. in a
    test request context)."""
    return request.environ.setdefault(ENVIRON_ID, os.urandom(16).hex())


def _value(value: Any) -> str:
    """One field's value: bare when plain, else JSON-quoted (no newline survives)."""
    if value is None:
        return "-"
    text = str(value)
    return text if _BARE_RE.fullmatch(text) else json.dumps(text)


def new_request_id(environ: dict[str, Any], config: dict[str, Any]) -> str:
    """The id of the request in ``environ``: a proxy's well-formed ``X-Request-ID`` when
    behind a trusted proxy, else a new random one."""
    if config.get("TRUSTED_PROXIES"):
        given = environ.get("HTTP_X_REQUEST_ID", "")
        if INCOMING_RE.fullmatch(given):
            return given
    return os.urandom(16).hex()


def log_request(
    environ: dict[str, Any], record: dict[str, Any], started: float, socket_prefix: str
) -> None:
    """Write the request's line (nothing is formatted when the logger is off)."""
    if not log.isEnabledFor(logging.INFO):
        return
    path = record.get("rule")
    if path is None:
        raw = environ.get("PATH_INFO", "")
        path = socket_prefix if raw.startswith(socket_prefix) else raw[:_PATH_MAX]
    status = record["status"]
    if status is None and environ.get("HTTP_UPGRADE", "").lower() == "websocket":
        status = "101"  # an upgraded socket never calls start_response; logged when closed
    fields = {
        "request_id": environ[ENVIRON_ID],
        "method": environ.get("REQUEST_METHOD"),
        "path": path,
        "status": status,
        "duration_ms": f"{(time.perf_counter() - started) * 1000:.1f}",
        "user_id": record.get("user_id"),
    }
    log.info(" ".join(f"{key}={_value(value)}" for key, value in fields.items()))


def request_user_id() -> int | None:
    """The caller's id if the request already resolved one; never loads anything.

    After the request's commit the caller's row is expired: asking it anything (even
    Flask-Login's ``is_authenticated``, which reads ``active``) would load it again, one
    more query per write. A person who was resolved is a stored row with an identity
    key, and the id is read from there; an anonymous caller has none.
    """
    user = g.get("api_user") or g.get("_login_user")
    if user is None:
        return None
    state = inspect(user, raiseerr=False)
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def _note(response: Response) -> Response:
    """``after_request``: hand the endpoint, the route template and the caller to the edge
    (:mod:`socialnet.edge`), for the log line, the metrics and the security headers."""
    record = request.environ.get(ENVIRON_RECORD)
    if record is not None:
        rule = request.url_rule
        record["endpoint"] = rule.endpoint if rule is not None else None
        record["rule"] = rule.rule if rule is not None else None
        record["user_id"] = request_user_id()
    return response


def install(app: Flask) -> None:
    """Note each request's route and caller, and offer ``request_id`` to templates.

    The edge that writes the line is placed by the app factory (:mod:`socialnet.edge`).
    """
    app.after_request(_note)
    app.context_processor(lambda: {"request_id": request_id})
