"""The one clock (models/_time.py): every "now" and "today" is read through it, so tests
about today can set it (the ``midday`` fixture) and pass at any wall-clock hour."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from socialnet.models._time import now_utc, set_clock, utcnow
from socialnet.services.celebrations import company_today
from socialnet.services.company_day import company_today as day_of_company

PACKAGE = Path(__file__).resolve().parent.parent / "socialnet"
#: The clock itself, and the backup file's stamp (a CLI tool, outside the app's rules).
ALLOWED = {PACKAGE / "models" / "_time.py", PACKAGE / "backup.py"}


def _system_clock_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else None
            if (name, node.func.attr) in {
                ("datetime", "now"),
                ("datetime", "utcnow"),
                ("date", "today"),
                ("datetime", "today"),
            }:  # time.time()/monotonic() measure durations (heartbeats, timers), not days
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


def test_nothing_reads_the_system_clock_but_the_clock():
    calls = [
        hit
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in ALLOWED
        for hit in _system_clock_calls(path)
    ]
    assert calls == []


def test_set_clock_moves_now_and_today_and_runs_on():
    late = datetime(2027, 2, 28, 23, 30, tzinfo=UTC)  # 00:30 on 1 March in Paris
    with set_clock(late):
        first = now_utc()
        assert timedelta(0) <= first - late < timedelta(seconds=5)
        assert utcnow() >= first.replace(tzinfo=None)  # it runs on, in order
        assert company_today() == day_of_company() == date(2027, 3, 1)
    assert abs(now_utc() - datetime.now(UTC)) < timedelta(seconds=5)  # back to the system's


def test_the_midday_fixture_is_noon_in_paris_on_a_recent_day(midday):
    from zoneinfo import ZoneInfo

    local = now_utc().astimezone(ZoneInfo("Europe/Paris"))
    assert local.hour == 12 and local.date() == company_today()
    assert timedelta(0) <= datetime.now(UTC) - midday < timedelta(days=1)
