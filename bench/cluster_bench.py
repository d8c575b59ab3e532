"""Scenario "cluster" of ``python -m bench.run``: writes through the cluster (issue #16).

Twenty writers post as fast as they can (scenario 5's clients) through nginx in front of
:data:`PROCESSES` socialnet processes (eventlet, ``python wsgi.py``) sharing PostgreSQL and a
private Redis (Socket.IO's message queue) — the deployment of ``deploy/`` on one machine.
Target of issue #16: ≥ 500 posts/s with 0 errors, and say where the ceiling is on two cores.

Besides throughput and latency, each run reads the CPU time every part of the machine spent
(``/proc``): the app processes, PostgreSQL's processes, nginx, Redis, and the rest (the
writer clients themselves and anything else), per post written. On a machine of ``cores``
cores, ``cores × 1000 / total CPU ms per post`` is the most posts a second it could take
with every core busy: the ceiling, and which part of it each component takes.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .seed_big import SeedInfo
from .server import CLK_TCK, AppServer, Nginx, RedisServer, cpu_seconds

PROCESSES = 4
WRITERS = 20
#: The writers start this long after the scenario launches their processes (spawned).
WARM_UP_SECONDS = 6.0
TARGET_POSTS_PER_S = 500
#: Which processes count as which component (by ``comm`` in /proc/<pid>/stat).
COMPONENTS = {"postgres": "postgresql", "nginx": "nginx", "redis-server": "redis"}


def machine_cpu_seconds() -> float:
    """CPU time the whole machine spent busy so far (every state but idle and iowait)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def component_cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of the live processes of each of :data:`COMPONENTS`."""
    spent = dict.fromkeys(COMPONENTS.values(), 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # exited meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        component = COMPONENTS.get(comm)
        if component is not None:
            fields = stat.rsplit(")", 1)[1].split()
            spent[component] += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return spent


def _snapshot(servers: list[AppServer]) -> dict[str, float]:
    return {
        "machine": machine_cpu_seconds(),
        "app": sum(cpu_seconds(s.pid) for s in servers),
        **component_cpu_seconds(),
    }


class _WindowSnapshots(threading.Thread):
    """CPU snapshots at the writing window's start and end (wall clock), so that starting
    the client processes is not counted."""

    def __init__(self, servers: list[AppServer], start: float, seconds: float) -> None:
        super().__init__(daemon=True)
        self.servers, self.begin, self.seconds = servers, start, seconds
        self.before: dict[str, float] = {}
        self.after: dict[str, float] = {}

    def run(self) -> None:
        time.sleep(max(0.0, self.begin - time.time()))
        self.before = _snapshot(self.servers)
        time.sleep(max(0.0, self.begin + self.seconds - time.time()))
        self.after = _snapshot(self.servers)


def cpu_per_post(before: dict[str, float], after: dict[str, float], posts: int) -> dict:
    """CPU ms per post of each component, the rest (clients and anything else), the total."""
    spent = {key: after[key] - before[key] for key in before}
    named = ("app", *COMPONENTS.values())
    rest = spent["machine"] - sum(spent[key] for key in named)
    per_post = {f"cpu_ms_per_post_{key}": spent[key] / posts * 1000 for key in named}
    per_post["cpu_ms_per_post_clients_and_rest"] = max(rest, 0.0) / posts * 1000
    per_post["cpu_ms_per_post_total"] = spent["machine"] / posts * 1000
    return per_post


def scenario_cluster_writes(
    info: SeedInfo, runs: int, seconds: int, run_writers: Callable[..., dict]
) -> dict:
    """Median of ``runs`` runs of :data:`WRITERS` writers for ``seconds`` each, through nginx
    and :data:`PROCESSES` processes; ``run_writers`` is scenario 5's client
    (``bench.run.run_writers``)."""
    cores = os.cpu_count() or 1
    redis = RedisServer().start()
    env = {"REDIS_URL": redis.url, "SOCKETIO_MESSAGE_QUEUE": redis.url}
    servers: list[AppServer] = []
    proxy = None
    try:
        servers = [AppServer(info.url, env).start() for _ in range(PROCESSES)]
        proxy = Nginx([s.port for s in servers]).start()
        per_run = []
        for _ in range(runs):
            load = float(Path("/proc/loadavg").read_text().split()[0])
            start = time.time() + WARM_UP_SECONDS
            window = _WindowSnapshots(servers, start, seconds)
            window.start()
            row = run_writers(info, proxy.url, WRITERS, seconds, start=start)
            window.join()
            row.update(cpu_per_post(window.before, window.after, max(row["ok"], 1)))
            row["cores_busy"] = row["cpu_ms_per_post_total"] * row["posts_per_s"] / 1000
            row["ceiling_posts_per_s"] = cores * 1000 / row["cpu_ms_per_post_total"]
            row["load_average"] = load
            per_run.append(row)
            print(f"  cluster writes run: {row}", flush=True)
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()
        redis.stop()
    numbers = [k for k, v in per_run[0].items() if isinstance(v, int | float)]
    summary: dict = {k: statistics.median(r[k] for r in per_run) for k in numbers}
    summary.update(processes=PROCESSES, cores=cores, runs=per_run)
    summary["pass"] = summary["posts_per_s"] >= TARGET_POSTS_PER_S and all(
        r["errors"] == 0 for r in per_run
    )
    return summary
