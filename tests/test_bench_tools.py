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
    for name in ("bare", "healthz", "feed_p1", "feed_p100", "post"):
        assert result[f"{name}_cpu_ms"] > 0, name
    assert set(cpu_bench.TARGETS) <= set(result)
    assert result["met"] == [k for k, v in cpu_bench.TARGETS.items() if result[k] <= v]
    # statements per request: the fixed costs #16 took out must not come back
    assert result["healthz_statements"] == 0
    assert result["feed_p1_statements"] <= 6
    assert result["post_statements"] <= 10
    figure, verdict = scale_report._fig_cpu({"cpu": result})
    assert "feed p1" in figure and verdict is result["pass"]


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
