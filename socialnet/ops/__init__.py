"""Operations endpoints: ``/healthz``, ``/readyz`` and ``/metrics``.

They need no session, no CSRF token and must never be rate-limited: load
balancers and Prometheus call them every few seconds. ``OPS_ENDPOINTS`` names
them for whatever middleware would otherwise get in their way.
"""

from __future__ import annotations

from flask import Flask

OPS_ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})


def init_ops(app: Flask) -> None:
    """Register the ops blueprint on ``app`` (request latency is observed by the WSGI edge,
    :mod:`socialnet.edge`, through :func:`socialnet.ops.metrics.observe_request`)."""
    from ..extensions import csrf
    from .health import bp

    csrf.exempt(bp)
    app.register_blueprint(bp)
