"""Scenario "cpu" of ``python -m bench.run``: server CPU per request, side by side (issue #16).

:mod:`bench.inprocess` on the seeded database (1M posts): a bare Flask + Flask-SocketIO
hello world, ``/healthz``, ``GET /api/v1/me`` (the floor under any authenticated API
request), the feed's page 1 and page 100 and ``POST /api/v1/posts``, and the feed's page-1
reads replayed through the bare driver (what its statements cost without Flask or SQLAlchemy),
called through the WSGI apps in one process and interleaved round by round, so the
ratios hold even when the machine is not quiet. Targets of issue #16: ``/healthz`` ≤ 1.3×
bare; feed page 1 ≤ 4× ``/healthz`` and ≤ 1.2× page 100; a post ≤ 3× ``/healthz``.
The posts it writes are above the seed and deleted by ``reset_writes``.
"""

from __future__ import annotations

import statistics

from socialnet.ops.gc_tuning import freeze_startup_heap

from .hello_app import make_app as make_bare_app
from .inprocess import (
    KINDS,
    VIEWER_ID,
    build_callers,
    count_statements,
    make_socialnet,
    measure,
    raw_replay_ms,
)
from .seed_big import SeedInfo

TARGETS = {
    "healthz_over_bare": 1.3,
    "feed_p1_over_healthz": 4.0,
    "feed_p1_over_p100": 1.2,
    "post_over_healthz": 3.0,
}


def scenario_cpu(info: SeedInfo, runs: int, rounds: int) -> dict:
    """Median over ``runs`` of each request's CPU ms (``rounds`` each), their ratios,
    the statements each runs, and whether each ratio meets its target."""
    app = make_socialnet(info.url)
    callers = build_callers(app, make_bare_app(), info.token(VIEWER_ID), list(KINDS))
    freeze_startup_heap()  # as wsgi.py does before serving
    per_run = [measure(callers, rounds) for _ in range(runs)]
    cpu = {name: statistics.median(run[name] for run in per_run) for name in callers}
    ratios = {
        "healthz_over_bare": cpu["healthz"] / cpu["bare"],
        "feed_p1_over_healthz": cpu["feed_p1"] / cpu["healthz"],
        "feed_p1_over_p100": cpu["feed_p1"] / cpu["feed_p100"],
        "post_over_healthz": cpu["post"] / cpu["healthz"],
    }
    # No targets: what any API read pays, and what the feed's statements cost on their own.
    raw = raw_replay_ms(app, callers["feed_p1"], rounds)
    floor = {
        "me_over_healthz": cpu["me"] / cpu["healthz"],
        "feed_p1_raw_reads_ms": raw,
        "feed_p1_raw_reads_over_healthz": raw / cpu["healthz"],
    }
    result: dict = {f"{name}_cpu_ms": ms for name, ms in cpu.items()}
    result.update(ratios)
    result.update(floor)
    result.update({f"{name}_statements": count_statements(app, c) for name, c in callers.items()})
    result["rounds"] = rounds
    result["pass"] = all(ratios[key] <= limit for key, limit in TARGETS.items())
    result["met"] = [key for key, limit in TARGETS.items() if ratios[key] <= limit]
    return result
