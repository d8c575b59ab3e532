"""Prometheus metrics of this process, served at ``GET /metrics``.

Each server process keeps and serves its own figures (the usual Prometheus
practice: scrape every process, aggregate in queries). Metric objects live at
module level so that importing this module (publisher, queue, jobs) costs
nothing and creates no app dependency.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from ..extensions import socketio

REQUEST_LATENCY = Histogram(
    "socialnet_http_request_duration_seconds",
    "Time spent handling an HTTP request, by Flask endpoint (not raw path) and method.",
    ["endpoint", "method"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "socialnet_http_requests_total",
    "HTTP requests answered, by Flask endpoint, method and status class.",
    ["endpoint", "method", "status"],
)
EVENTS_EMITTED = Counter(
    "socialnet_events_emitted_total",
    "Events handed to Socket.IO after commit (and to the message queue, if any), by type.",
    ["type"],
)
EMIT_FAILURES = Counter(
    "socialnet_emit_failures_total",
    "Emits that failed: 'queue' = could not publish to the message queue (other processes "
    "missed it), 'error' = the emit raised.",
    ["reason"],
)
SOCKETS_REFUSED_BUSY = Counter(
    "socialnet_sockets_refused_busy_total",
    "Socket connects refused because the database could not serve them in time (pool "
    "exhausted, database unreachable): the client retries after a growing delay.",
)
QUEUE_LAG = Histogram(
    "socialnet_queue_lag_seconds",
    "Time from publishing a message on the queue to its reception by this process's listener.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
QUEUE_LISTENER_ERRORS = Counter(
    "socialnet_queue_listener_errors_total",
    "Times the message-queue listener lost its connection (it reconnects on its own).",
)
QUEUE_UP = Gauge(
    "socialnet_queue_listener_up",
    "1 while this process is subscribed to the message queue, 0 while it is reconnecting "
    "(absent meaning: no message queue configured or listener not started).",
)
JOB_PASSES = Counter(
    "socialnet_job_passes_total",
    "Background job passes: 'ran' (this process held the cluster lock), 'locked' (another "
    "process was running them), 'error'.",
    ["result"],
)


def _open_sockets() -> int:
    server = socketio.server
    if server is None:
        return 0
    return sum(1 for _ in server.manager.get_participants("/", None))


OPEN_SOCKETS = Gauge(
    "socialnet_open_sockets", "Socket.IO connections open on this process (namespace /)."
)
OPEN_SOCKETS.set_function(_open_sockets)

#: Labelled children, per (endpoint, method[, class]): ``labels()`` takes a lock and
#: validates its arguments on every call, and endpoints and methods are few.
_LATENCY_OF: dict[tuple[str, str], Any] = {}
_COUNT_OF: dict[tuple[str, str, str], Any] = {}


#: Methods counted by name; any other (a client may send anything) is counted as "OTHER",
#: so a stray method never makes a new series that lives as long as the process.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(endpoint: str | None, method: str, status: str, seconds: float) -> None:
    """Count one answered Flask request and its latency (the edge, :mod:`socialnet.edge`,
    calls this once the app returned; ``method`` upper-case, ``status`` the code as text,
    ``"404"``)."""
    key = (endpoint or "unmatched", method if method in _METHODS else "OTHER")
    latency = _LATENCY_OF.get(key)
    if latency is None:
        latency = _LATENCY_OF.setdefault(key, REQUEST_LATENCY.labels(*key))
    latency.observe(seconds)
    counted = (*key, f"{status[:1]}xx")
    count = _COUNT_OF.get(counted)
    if count is None:
        count = _COUNT_OF.setdefault(counted, REQUESTS.labels(*counted))
    count.inc()


def metrics_response() -> Response:
    """The Prometheus text exposition; a bearer token is required if METRICS_TOKEN is set."""
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return Response(
                "metrics token required\n",
                status=401,
                mimetype="text/plain",
                headers={"WWW-Authenticate": "Bearer"},
            )
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
