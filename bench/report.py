"""Statistics, machine description and the committed ``bench/results.md``.

``results.md`` keeps one section per database backend between HTML comment
markers, so a SQLite run and a PostgreSQL run each replace only their own
section. Raw timings go to ``bench/results/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import statistics
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy
from sqlalchemy import text

from socialnet.extensions import db

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_MD = BENCH_DIR / "results.md"
RAW_DIR = BENCH_DIR / "results"
HEADER = """# Feed benchmark results

`python -m bench.feed_bench` (or `make bench`) loads 200,000 posts by 2,000 people (plus
comments, reactions, mentions, hashtags, 20 groups) into a fresh database, then times
`GET /api/v1/feed?limit=20` through the real Flask handler (`app.test_client()`, bearer
token, JSON serialization included) for page 1 and for page 200 (cursor obtained by
walking the chain once). Targets: p99 ≤ 15 ms on page 1; page 200 within 2× page 1.
"""


@dataclass
class Stats:
    """Latency summary in milliseconds."""

    n: int
    mean: float
    p50: float
    p99: float
    max: float

    @classmethod
    def of(cls, samples_ms: list[float]) -> Stats:
        ordered = sorted(samples_ms)
        p99_index = max(0, round(0.99 * len(ordered)) - 1)  # nearest rank
        return cls(
            n=len(ordered),
            mean=statistics.fmean(ordered),
            p50=statistics.median(ordered),
            p99=ordered[p99_index],
            max=ordered[-1],
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_info() -> dict[str, str]:
    """nproc, CPU, OS, Python, SQLAlchemy and the database server version."""
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if db.engine.dialect.name == "postgresql":
        database = "PostgreSQL " + db.session.scalar(text("SHOW server_version"))
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "nproc": str(nproc),
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "database": database,
    }


def verdict(rows: dict[str, Stats]) -> list[str]:
    """Targets, from ``rows`` whose first two entries are page 1 and the deep page."""
    (_, page1), (deep_name, deep) = list(rows.items())[:2]
    ratio_p50, ratio_p99 = deep.p50 / page1.p50, deep.p99 / page1.p99
    ok = ratio_p50 <= 2 and ratio_p99 <= 2
    return [
        f"page 1 p99 {page1.p99:.2f} ms: {'PASS' if page1.p99 <= 15 else 'MISS'} (≤ 15 ms)",
        f"{deep_name} / page 1: p50 ×{ratio_p50:.2f}, p99 ×{ratio_p99:.2f}: "
        f"{'PASS' if ok else 'MISS'} (≤ 2×)",
    ]


def markdown_section(
    backend: str,
    command: str,
    machine: dict[str, str],
    dataset: str,
    rows: dict[str, Stats],
) -> str:
    """The ``## <backend>`` section: machine, command, dataset, table, verdict."""
    lines = [
        f"## {backend}",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — `{command}`",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()),
        "",
        f"Dataset: {dataset}",
        "",
        "| request | n | mean ms | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in rows.items():
        lines.append(f"| {name} | {s.n} | {s.mean:.2f} | {s.p50:.2f} | {s.p99:.2f} | {s.max:.2f} |")
    lines += ["", *(f"- {v}" for v in verdict(rows))]
    return "\n".join(lines) + "\n"


def write_results(backend: str, section: str, raw: dict) -> Path:
    """Replace ``backend``'s section of results.md (keeping the others); save raw timings."""
    key = re.sub(r"[^a-z0-9]+", "-", backend.lower())
    start, end = f"<!-- bench:{key} -->", f"<!-- /bench:{key} -->"
    block = f"{start}\n{section}{end}"
    current = RESULTS_MD.read_text() if RESULTS_MD.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(current):
        current = pattern.sub(lambda _m: block, current)
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS_MD.write_text(current)
    RAW_DIR.mkdir(exist_ok=True)
    raw_file = RAW_DIR / f"{key}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    raw_file.write_text(json.dumps(raw, indent=1, default=lambda o: asdict(o)))
    return raw_file
