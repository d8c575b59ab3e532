"""``bench/results.md`` from ``bench/results.json``: machine, versions, one table per scenario.

The hand-written analysis between ``<!-- notes -->`` and ``<!-- /notes -->`` in
results.md is kept when the file is regenerated.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sqlite3
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: The scenarios of ``python -m bench.run``, in the order they run and are reported.
SCENARIOS = (
    "cpu",
    "feed",
    "throughput",
    "delivery",
    "sockets",
    "reconnect",
    "writes",
    "scaleout",
    "cluster",
    "search",
)

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "results.md"
NOTES_START, NOTES_END = "<!-- notes -->", "<!-- /notes -->"
PACKAGES = (
    "Flask", "Flask-SocketIO", "python-socketio", "python-engineio", "eventlet", "SQLAlchemy",
    "psycopg", "redis", "aiohttp",
)  # fmt: skip


def _run(*args: str) -> str:
    if shutil.which(args[0]) is None:
        return "not installed"
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def _postgres_version() -> str:
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 user=postgres dbname=postgres", connect_timeout=3
        ) as c:
            return "PostgreSQL " + c.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # noqa: BLE001
        return f"unavailable ({type(exc).__name__})"


def machine_and_versions(fresh_url: str = "") -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo)[1])
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = {"Python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "missing"
    versions["SQLite"] = sqlite3.sqlite_version
    versions["PostgreSQL"] = _postgres_version()
    versions["Redis"] = _run("redis-server", "--version")
    versions["nginx"] = _run("nginx", "-v")
    versions["wrk"] = _run("wrk", "-v")
    root = BENCH_DIR.parent
    head = _run("git", "-C", str(root), "rev-parse", "--short", "HEAD")
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--", ".", ":!bench"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return {
        "code": f"commit {head}"
        + (f" + {len(dirty)} uncommitted paths (others' work)" if dirty else ""),
        "cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(total_kb / 2**20, 1),
        "cpu": cpu,
        "os": platform.platform(),
        "versions": versions,
    }


def _v(value, fmt: str = ".2f") -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format(value, fmt)
    return str(value)


def _verdict(ok) -> str:
    return "—" if ok is None else ("**met**" if ok else "**MISSED**")


def _fig_feed(r):
    f = r.get("feed")
    if not f:
        return "—", None
    text = (
        f"p1 {_v(f['page_1_p50'])}/{_v(f['page_1_p99'])} ms, "
        f"p{f.get('deep_page', 500)} {_v(f['page_500_p50'])}/{_v(f['page_500_p99'])} ms "
        f"(×{_v(f['ratio_p50'])}); HTTP p1 {_v(f['http_page_1_p50'])}/"
        f"{_v(f['http_page_1_p99'])}, p500 {_v(f['http_page_500_p50'])}/"
        f"{_v(f['http_page_500_p99'])} ms"
    )
    if "service_page_1_p50" in f:
        text += (
            f"; home_feed() alone p1 {_v(f['service_page_1_p50'])}/"
            f"{_v(f['service_page_1_p99'])}, p500 {_v(f['service_page_500_p50'])}/"
            f"{_v(f['service_page_500_p99'])} ms"
        )
    return text, f["pass_p99"] and f["pass_ratio"]


def _fig_throughput(r):
    t = r.get("throughput")
    if not t:
        return "—", None
    text = (
        f"feed {t['feed_rps']:.0f} req/s vs {t['hello_path']} {t['hello_rps']:.0f} "
        f"req/s = {t['ratio'] * 100:.0f} %"
    )
    if "ratio_per_cpu" in t:
        text += (
            f"; per server CPU-second {t['feed_rps_per_cpu']:.0f} vs "
            f"{t['hello_rps_per_cpu']:.0f} = {t['ratio_per_cpu'] * 100:.0f} %"
        )
    return text, t["pass"]


def _fig_overhead(r):
    t = r.get("throughput")
    if not t or "bare_cpu_ms" not in t:
        return "—", None
    text = (
        f"server CPU per request: bare hello {t['bare_cpu_ms']:.2f} ms, /healthz "
        f"{t['hello_cpu_ms']:.2f} ms (×{t['healthz_over_bare_cpu']:.2f}), feed p1 "
        f"{t['feed_cpu_ms']:.2f} ms (×{t['feed_over_healthz_cpu']:.1f} /healthz)"
    )
    return text, t["pass_healthz_vs_bare"] and t["pass_feed_vs_healthz"]


def _fig_delivery(r, d=None):
    d = d or r.get("delivery")
    if not d:
        return "—", None
    text = (
        f"p50 {d['p50_ms']:.0f} / p99 {d['p99_ms']:.0f} ms to {d['members_connected']} "
        f"members; lost {d['lost']:.0f}, misdelivered {d['misdelivered']:.0f}, "
        f"{d['server_cpu_us_per_delivery']:.0f} µs server CPU/delivery"
    )
    return text, d["pass"]


def _fig_sockets(r):
    s = r.get("sockets")
    if not s:
        return "—", None
    text = (
        f"{s['connected']:.0f} sockets, {s['kb_per_socket']:.1f} KB each, "
        f"{s['connect_failures']:.0f} failures, {s.get('alive_after_idle', 0):.0f} alive after "
        f"10 s idle, {s.get('connect_cpu_ms_per_socket', 0):.1f} ms server CPU per connect"
    )
    if "bare_connect_cpu_ms_per_socket" in s:
        text += (
            f" (a bare Flask-SocketIO connect: {s['bare_connect_cpu_ms_per_socket']:.1f} ms, "
            f"×{s['connect_cpu_vs_bare']:.2f})"
        )
    return text, s["pass"]


def _fig_reconnect(r):
    s = r.get("reconnect")
    if not s:
        return "—", None
    text = (
        f"{s['back']:.0f} of {s['connected']:.0f} back and caught up in "
        f"{s['all_back_seconds']:.1f} s (p50 {s['p50_back_seconds']:.1f} s, server down "
        f"{s['downtime_seconds']:.1f} s), lost {s['lost']:.0f}, incomplete catchups "
        f"{s['incomplete_catchups']:.0f}, {s['failed_attempts_after_ready']:.0f} failed attempts "
        f"once up, {s['reconnect_cpu_ms_per_socket']:.1f} ms server CPU per reconnect"
    )
    return text, s["pass"]


def _fig_writes(r):
    w = r.get("writes")
    if not w:
        return "—", None
    text = (
        f"{w['posts_per_s']:.0f} posts/s, {w['errors']:.0f} errors, p50/p99 "
        f"{w['p50_ms']:.0f}/{w['p99_ms']:.0f} ms, "
        f"{w.get('server_cpu_ms_per_post', float('nan')):.1f} ms server CPU per post"
    )
    return text, w["pass"]


def _fig_scaleout(r):
    s = r.get("scaleout")
    if not s:
        return "—", None
    cross = s["cross_process_delivery"]
    text = (
        f"2/1 processes = ×{s['ratio']:.2f} ({s['rps_1']:.0f} → {s['rps_2']:.0f} req/s); "
        f"cross-process delivery p50 {cross['p50_ms']:.0f} / p99 {cross['p99_ms']:.0f} ms, "
        f"lost {cross['lost']:.0f}"
    )
    return text, cross["pass"]


def _fig_cluster(r):
    c = r.get("cluster")
    if not c:
        return "—", None
    parts = ", ".join(
        f"{label} {c[f'cpu_ms_per_post_{key}']:.1f}"
        for key, label in (
            ("app", "app"),
            ("postgresql", "PostgreSQL"),
            ("nginx", "nginx"),
            ("redis", "Redis"),
            ("clients_and_rest", "clients"),
        )
    )
    text = (
        f"{c['posts_per_s']:.0f} posts/s, {c['errors']:.0f} errors, p50/p99 "
        f"{c['p50_ms']:.0f}/{c['p99_ms']:.0f} ms; CPU ms per post: {parts} = "
        f"{c['cpu_ms_per_post_total']:.1f} → ceiling {c['ceiling_posts_per_s']:.0f} posts/s "
        f"on {c['cores']:.0f} cores ({c['cores_busy']:.2f} busy)"
    )
    return text, c["pass"]


def _fig_search(r):
    s = r.get("search")
    if not s:
        return "—", None
    text = (
        f"common {_v(s['common_p50'])}/{_v(s['common_p99'])}, rare {_v(s['rare_p50'])}/"
        f"{_v(s['rare_p99'])}, phrase {_v(s['phrase_p50'])}/{_v(s['phrase_p99'])}, prefix "
        f"{_v(s['prefix_p50'])}/{_v(s['prefix_p99'])} ms (worst p99 {_v(s['worst_p99'])}); "
        f"indexing {s['indexing_ms_p50']:+.2f} ms per post (p50, with vs without the index)"
    )
    if "burst_common_p99" in s:
        text += (
            f"; after {s['burst_posts']:,} other posts: common {_v(s['burst_common_p50'])}/"
            f"{_v(s['burst_common_p99'])}, phrase {_v(s['burst_phrase_p50'])}/"
            f"{_v(s['burst_phrase_p99'])} ms"
        )
    return text, s["pass"]


def _fig_cpu(r):
    c = r.get("cpu")
    if not c:
        return "—", None
    text = (
        f"bare {c['bare_cpu_ms']:.3f}, /healthz {c['healthz_cpu_ms']:.3f} ms "
        f"(×{c['healthz_over_bare']:.2f} bare)"
        + (  # results from before the floor was measured lack it
            f"; /api/v1/me {c['me_cpu_ms']:.2f} ms (×{c['me_over_healthz']:.1f} /healthz)"
            if "me_cpu_ms" in c
            else ""
        )
        + f"; feed p1 {c['feed_p1_cpu_ms']:.2f} ms "
        f"(×{c['feed_p1_over_healthz']:.1f} /healthz, ×{c['feed_p1_over_p100']:.2f} p100"
        + (
            f"; its reads through the bare driver {c['feed_p1_raw_reads_ms']:.3f} ms, "
            f"×{c['feed_p1_raw_reads_over_healthz']:.2f} /healthz"
            if "feed_p1_raw_reads_ms" in c
            else ""
        )
        + "), "
        f"post {c['post_cpu_ms']:.2f} ms (×{c['post_over_healthz']:.1f} /healthz, "
        f"{c['post_statements']} statements)"
    )
    return text, c["pass"]


def summary_rows(dbs: dict) -> list[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(scenario, target, {db: figure}, {db: verdict}) for the short table."""
    rows = []
    for label, target, fn in (
        ("1. Feed handler p50/p99", "p99 ≤ 10 ms, p500 ≤ 2× p1", _fig_feed),
        ("2. Feed vs hello throughput", "≥ 50 %", _fig_throughput),
        ("2b. Per-request CPU", "/healthz ≤ 1.3× bare; feed p1 ≤ 4× /healthz", _fig_overhead),
        (
            "2c. CPU per request, in-process",
            "/healthz ≤ 1.3× bare; feed p1 ≤ 4× /healthz, ≤ 1.2× p100; post ≤ 3× /healthz",
            _fig_cpu,
        ),
        ("3. Post → delivery", "p99 ≤ 300 ms, 0 lost, 0 misdelivered", _fig_delivery),
        ("4. Idle sockets, one process", "≥ 5,000, ≤ 100 KB each, 0 failures", _fig_sockets),
        (
            "4b. Reconnect storm (server restart)",
            "all back and caught up ≤ 60 s, 0 lost, ≤ 2 ms server CPU per reconnect",
            _fig_reconnect,
        ),
        ("5. Writes, 20 writers", "≥ 500 posts/s, 0 errors", _fig_writes),
        ("6. 1 → 2 processes (nginx + Redis)", "ratio; cross-process delivery", _fig_scaleout),
        (
            "6b. Writes through the cluster (PostgreSQL, Redis, 4 processes, nginx)",
            "≥ 500 posts/s, 0 errors; where the ceiling is",
            _fig_cluster,
        ),
        ("7. Search p50/p99, type=all", "p99 ≤ 50 ms; indexing ≤ 1 ms", _fig_search),
    ):
        figures = {db: fn(r)[0] for db, r in dbs.items()}
        verdicts = {db: _verdict(fn(r)[1]) for db, r in dbs.items()}
        rows.append((label, target, figures, verdicts))
    return rows


def _detail(name: str, data: dict) -> list[str]:
    skip = {"runs", "rps_runs", "cross_process_delivery", "error_kinds", "failures"}
    lines = [f"**{name}**", "", "| metric | median of runs |", "|---|---:|"]
    for key, value in data.items():
        if key in skip or isinstance(value, list | dict):
            continue
        lines.append(f"| {key} | {_v(value)} |")
    for key in ("error_kinds", "failures"):
        if data.get(key):
            lines.append(f"| {key} | {data[key]} |")
    return [*lines, ""]


def write_report(results: dict) -> None:
    dbs = results["databases"]
    machine = results.get("machine", {})
    notes = ""
    if RESULTS_MD.exists():
        current = RESULTS_MD.read_text()
        m = re.search(re.escape(NOTES_START) + r".*?" + re.escape(NOTES_END), current, re.S)
        notes = m[0] if m else ""
    lines = [
        "# Scale benchmark results (issue #6)",
        "",
        "Generated by `python -m bench.run` (`make bench`) from `bench/results.json`; the notes",
        "block is hand-written and kept across runs. **Figures were taken on a 2-core machine**:",
        "read the notes and each database's load averages for how quiet it was.",
        "",
        f"Code measured: {machine.get('code')}",
        "",
        f"Machine: {machine.get('cores')} cores, {machine.get('ram_gb')} GB RAM, "
        f"{machine.get('cpu')}, {machine.get('os')}",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in machine.get("versions", {}).items()),
        "",
    ]
    for db, r in dbs.items():
        seed = r.get("seed", {})
        lines += [
            f"- **{db}**: `{r.get('command')}` at {r.get('when')}, load average "
            f"{' '.join(r.get('load_before', []))} → {' '.join(r.get('load_after', []))}; "
            f"data {seed.get('counts')}, seeded in {seed.get('seconds', 0):.0f} s"
            f"{' (reused)' if seed.get('reused') else ''}",
        ]
    lines += ["", "## Summary", ""]
    names = list(dbs)
    lines.append("| scenario | target | " + " | ".join(names) + " |")
    lines.append("|---|---|" + "---|" * len(names))
    for label, target, figures, verdicts in summary_rows(dbs):
        cells = [f"{figures[d]} — {verdicts[d]}" for d in names]
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    lines += ["", notes or f"{NOTES_START}\n{NOTES_END}", "", "## Details", ""]
    for db, r in dbs.items():
        lines += [f"### {db}", ""]
        for name in SCENARIOS:
            if name in r:
                lines += _detail(name, r[name])
                if name == "scaleout":
                    lines += _detail(
                        "scaleout: cross-process delivery", r[name]["cross_process_delivery"]
                    )
    RESULTS_MD.write_text("\n".join(lines).rstrip() + "\n")
