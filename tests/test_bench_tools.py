"""The benchmark's own tools: a seeded database is upgraded, not re-seeded, when
migrations were only added; the in-process CPU scenario runs on a seeded database and
reports what issue #16 asks, and the report renders it."""

from __future__ import annotations

from bench import cpu_bench, scale_report, seed_big


def test_only_migrations_added_since_the_seed_upgrade_it(monkeypatch):
    monkeypatch.setattr(seed_big, "migration_files", lambda: {"a.py": "1", "b.py": "2"})
    assert seed_big.only_added({"a.py": "1"})  # b.py added since: upgrade
    assert seed_big.only_added({"a.py": "1", "b.py": "2"})
    assert not seed_big.only_added({"a.py": "0"})  # edited in place: re-seed
    assert not seed_big.only_added({"a.py": "1", "gone.py": "3"})  # removed: re-seed
    assert not seed_big.only_added(None)  # a seed from before the list was kept


def test_the_cpu_scenario_measures_every_request_side_by_side(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench_cpu.db'}"
    info = seed_big.seed(url, users=60, posts=3_000, groups=10, progress=False)
    result = cpu_bench.scenario_cpu(info, runs=1, rounds=3)
    for name in ("bare", "healthz", "me", "feed_p1", "feed_p100", "post"):
        assert result[f"{name}_cpu_ms"] > 0, name
    assert set(cpu_bench.TARGETS) <= set(result)
    assert result["met"] == [k for k, v in cpu_bench.TARGETS.items() if result[k] <= v]
    # statements per request: the fixed costs #16 took out must not come back
    assert result["healthz_statements"] == 0
    assert result["me_statements"] == 2  # the floor: the token and its person, the skills
    assert result["me_over_healthz"] == result["me_cpu_ms"] / result["healthz_cpu_ms"]
    # the feed's reads replayed through the bare driver: cheaper than the request around them
    assert 0 < result["feed_p1_raw_reads_ms"] < result["feed_p1_cpu_ms"]
    assert result["feed_p1_statements"] <= 6
    assert result["post_statements"] <= 10
    figure, verdict = scale_report._fig_cpu({"cpu": result})
    assert "feed p1" in figure and "/api/v1/me" in figure and "bare driver" in figure
    assert verdict is result["pass"]


def test_each_scenario_waits_for_a_quiet_machine_and_only_its_start_is_judged():
    from bench import run

    loads = iter([3.0, 2.2, 1.4, 9.9])
    naps: list[float] = []
    assert run.settle(60, poll=5, sleep=naps.append, load=lambda: next(loads)) == 1.4
    assert naps == [5, 5]  # polled until the load fell, then stopped
    busy = iter([3.0] * 100)
    assert run.settle(12, poll=5, sleep=lambda _s: None, load=lambda: next(busy)) == 3.0
    # The load after a scenario is its own work: only the load when it began counts.
    result = {"feed": {"load_average_before_after": [0.8, 2.9]}, "seed": {"seconds": 3}}
    assert run.busiest(result) == (0.8, "feed")
    result["search"] = {"load_average_before_after": [1.9, 1.0]}
    assert run.busiest(result) == (1.9, "search")
    refused: list[str] = []
    assert run._too_busy(result, "sqlite", busy_ok=False, refused=refused)
    assert refused == ["sqlite: load average 1.90 around search"]


def test_storm_clients_back_off_like_the_browser():
    from bench.clients import BROWSER_BACKOFF, backoff_delay

    assert BROWSER_BACKOFF["delay"] == 1.5 and BROWSER_BACKOFF["delay_max"] == 30  # app.js
    for attempt, base in enumerate([1.5, 3, 6, 12, 24]):
        for rand in (0.0, 0.25, 0.55, 0.99):
            assert base * 0.5 <= backoff_delay(attempt, rand) <= min(base * 1.5, 30), attempt
    assert backoff_delay(0, 0.1) > backoff_delay(0, 0.05)  # jitter is proportional: ±50 %
    assert backoff_delay(9, 0.3) == 30  # capped
    assert {backoff_delay(1, r / 100) for r in range(100)} != {3.0}  # spread, not one instant


class _Fleet:
    connected, failed = 4, 0


def test_the_reconnect_row_is_met_only_when_everyone_is_back_caught_up_in_time():
    from bench import run

    stopped, ready = 100.0, 103.0
    records = [(100.0, 100.0 + t, 2, [7, 8]) for t in (4.0, 5.0, 9.0, 20.0)]
    failures = [(101.0, "ConnectionError: refused"), (104.0, "TimeoutError: ")]
    row = run.reconnect_row(_Fleet(), records, failures, {7, 8}, stopped, ready, cpu=0.006)
    assert row["lost"] == 0 and row["incomplete_catchups"] == 0
    assert row["all_back_seconds"] == 20.0 and row["downtime_seconds"] == 3.0
    assert row["failed_attempts_while_down"] == 1 and row["failures"] == {"TimeoutError: ": 1}
    assert row["reconnect_cpu_ms_per_socket"] == 1.5 and row["pass"]
    figure, verdict = scale_report._fig_reconnect({"reconnect": row})
    assert "4 of 4 back and caught up in 20.0 s" in figure and verdict is True
    # one socket never came back, one replay missed a post, too slow, too costly: each misses
    for changed in (
        {"records": records[:3]},
        {"records": [*records[:3], (100.0, 110.0, 1, [7])]},
        {"records": [*records[:3], (100.0, 161.0, 5, [7, 8])]},
        {"cpu": 0.009},
    ):
        args = {"records": records, "cpu": 0.006, **changed}
        row = run.reconnect_row(
            _Fleet(), args["records"], failures, {7, 8}, stopped, ready, cpu=args["cpu"]
        )
        assert not row["pass"], changed
        assert scale_report._fig_reconnect({"reconnect": row})[1] is False


def test_the_summary_has_a_reconnect_row():
    from bench import run

    assert "reconnect" in run.SCENARIOS
    labels = [label for label, *_rest in scale_report.summary_rows({"sqlite": {}})]
    assert any("Reconnect storm" in label for label in labels)


def test_the_cluster_row_says_where_each_posts_cpu_went_and_the_ceiling():
    from bench import cluster_bench, run

    assert "cluster" in run.SCENARIOS
    before = {"machine": 10.0, "app": 4.0, "postgresql": 2.0, "nginx": 0.1, "redis": 0.1}
    after = {"machine": 12.0, "app": 5.4, "postgresql": 2.4, "nginx": 0.12, "redis": 0.11}
    row = cluster_bench.cpu_per_post(before, after, posts=100)
    assert round(row["cpu_ms_per_post_app"], 6) == 14.0
    assert round(row["cpu_ms_per_post_postgresql"], 6) == 4.0
    assert round(row["cpu_ms_per_post_clients_and_rest"], 6) == 1.7  # 2 s − 1.83 s named
    assert round(row["cpu_ms_per_post_total"], 6) == 20.0
    row.update(posts_per_s=100.0, errors=0, p50_ms=80.0, p99_ms=300.0, cores=2)
    row.update(ceiling_posts_per_s=100.0, cores_busy=2.0, **{"pass": False})
    figure, verdict = scale_report._fig_cluster({"cluster": row})
    assert "app 14.0, PostgreSQL 4.0" in figure and "ceiling 100 posts/s on 2 cores" in figure
    assert verdict is False
    assert cluster_bench.machine_cpu_seconds() > 0
    assert set(cluster_bench.component_cpu_seconds()) == {"postgresql", "nginx", "redis"}
