"""Prometheus metrics of this process, served at ``GET /metrics``.

Each server process keeps and serves its own figures (the usual Prometheus
practice: scrape every process, aggregate in queries). Metric objects live at
module level so that importing this module (publisher, queue, jobs) costs
nothing and creates no app dependency.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from flask import Flask, Response, current_app, g, request
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

_START = "socialnet.request_started"


def _start_timer() -> None:
    g.setdefault(_START, time.perf_counter())


#: Labelled children, per (endpoint, method[, class]): ``labels()`` takes a lock and
#: validates its arguments on every call, and endpoints and methods are few.
_LATENCY_OF: dict[tuple[str, str], Any] = {}
_COUNT_OF: dict[tuple[str, str, str], Any] = {}


def _observe(response: Response) -> Response:
    started = g.pop(_START, None)
    if started is not None:
        key = (request.endpoint or "unmatched", request.method)
        latency = _LATENCY_OF.get(key)
        if latency is None:
            latency = _LATENCY_OF.setdefault(key, REQUEST_LATENCY.labels(*key))
        latency.observe(time.perf_counter() - started)
        counted = (*key, f"{response.status_code // 100}xx")
        count = _COUNT_OF.get(counted)
        if count is None:
            count = _COUNT_OF.setdefault(counted, REQUESTS.labels(*counted))
        count.inc()
    return response


def install_request_metrics(app: Flask) -> None:
    """Time every request (first before-request hook, so the others are included)."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_observe)


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
