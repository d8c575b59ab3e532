"""Liveness and readiness probes.

``/healthz`` answers 200 while the process serves requests (restart it if not).
``/readyz`` answers 200 only when the dependencies answer: ``SELECT 1`` on the
database and, when a message queue is configured, Redis ``PING`` and this
process's queue listener being subscribed. Each check has its own hard timeout
(``READY_CHECK_TIMEOUT``, 2 s by default) on a dedicated connection, so a
saturated pool or a dead server cannot hold the answer past ~2 × the timeout
(≤ 5 s with the default). A failure answers 503 naming the failed dependency
and the error class; details go to the log, not to the (public) response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from ..realtime.queue import current_manager, redis_client
from .metrics import metrics_response

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)

_ENGINES: dict[tuple[str, float], Engine] = {}
_REDIS: dict[tuple[str, float], Any] = {}
NO_STORE = {"Cache-Control": "no-store"}


def _probe_engine(uri: str, timeout: float) -> Engine:
    """An engine without a pool, used only by the probe, with timeouts on connect and query."""
    key = (uri, timeout)
    if key not in _ENGINES:
        if uri.startswith("postgresql"):
            connect_args = {
                "connect_timeout": max(1, round(timeout)),
                "options": f"-c statement_timeout={int(timeout * 1000)}",
                "application_name": "socialnet-readyz",
            }
        elif uri.startswith("sqlite"):
            connect_args = {"timeout": timeout}
        else:
            connect_args = {}
        _ENGINES[key] = create_engine(uri, poolclass=NullPool, connect_args=connect_args)
    return _ENGINES[key]


def check_database() -> None:
    config = current_app.config
    engine = _probe_engine(config["SQLALCHEMY_DATABASE_URI"], config["READY_CHECK_TIMEOUT"])
    with engine.connect() as connection:
        connection.execute(text("SELECT 1")).scalar_one()


def check_redis() -> None:
    config = current_app.config
    url = config.get("SOCKETIO_MESSAGE_QUEUE") or config.get("REDIS_URL")
    key = (url, config["READY_CHECK_TIMEOUT"])
    if key not in _REDIS:
        _REDIS[key] = redis_client(url, config["READY_CHECK_TIMEOUT"])
    _REDIS[key].ping()
    manager = current_manager()
    if manager is None:
        return
    if manager.state.listener_started and not manager.state.listening:
        raise ConnectionError("message queue listener is not subscribed yet")
    manager.state.publish_ok = True  # reachable again: the next publish reconnects


def _run(check: Callable[[], None]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:
        log.error("readiness: %s failed: %s: %s", check.__name__, type(exc).__name__, exc)
        result = {"ok": False, "error": type(exc).__name__}
    else:
        result = {"ok": True}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@bp.get("/healthz")
def healthz():
    """Liveness: the process answers. No dependency is checked."""
    return jsonify(status="ok"), 200, NO_STORE


@bp.get("/readyz")
def readyz():
    """Readiness: 200 ``{"status": "ready", "checks": …}`` or 503 ``{"status": "unready",
    "failed": [names], "checks": …}``."""
    checks = {"database": _run(check_database)}
    config = current_app.config
    if config.get("SOCKETIO_MESSAGE_QUEUE") or config.get("REDIS_URL"):
        checks["redis"] = _run(check_redis)
    manager = current_manager()
    if manager is not None:
        checks["redis"]["failed_publishes"] = manager.state.failed_publishes
    failed = sorted(name for name, result in checks.items() if not result["ok"])
    if failed:
        return jsonify(status="unready", failed=failed, checks=checks), 503, NO_STORE
    return jsonify(status="ready", checks=checks), 200, NO_STORE


@bp.get("/metrics")
def metrics():
    """Prometheus text format; see :mod:`socialnet.ops.metrics`."""
    return metrics_response()
