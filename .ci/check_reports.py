"""Fail unless every part of the suite ran: SQLite (with browser and e2e tests) and PostgreSQL.

Reads the JUnit XML reports written by `make test`. A part that was skipped,
deselected or silently absent fails the CI run with a message saying which.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def _cases(path: Path) -> list[ET.Element]:
    if not path.exists():
        sys.exit(f"CI: {path} is missing: that part of the suite did not run.")
    return list(ET.parse(path).getroot().iter("testcase"))


def _passed(case: ET.Element) -> bool:
    return not any(case.find(tag) is not None for tag in ("failure", "error", "skipped"))


def _require(cases: list[ET.Element], marker: str, what: str, minimum: int = 1) -> None:
    selected = [c for c in cases if marker in c.get("classname", "")]
    passed = [c for c in selected if _passed(c)]
    if len(passed) < minimum or len(passed) != len(selected):
        sys.exit(f"CI: {what}: {len(passed)} of {len(selected)} passed (need {minimum}+, all).")
    print(f"CI: {what}: {len(passed)} passed")


def _dialect(cases: list[ET.Element]) -> str | None:
    for case in cases:
        for prop in case.iter("property"):
            if prop.get("name") == "dialect":
                return prop.get("value")
    return None


def main(sqlite_report: str, postgresql_report: str) -> None:
    sqlite_cases = _cases(Path(sqlite_report))
    _require(sqlite_cases, "tests.browser", "browser tests (Playwright + chromium)")
    _require(sqlite_cases, "tests.e2e", "end-to-end tests on the real eventlet server")
    if _dialect(sqlite_cases) != "sqlite":
        sys.exit("CI: the SQLite run did not run on SQLite.")
    pg_cases = _cases(Path(postgresql_report))
    if _dialect(pg_cases) != "postgresql":
        sys.exit("CI: the PostgreSQL run did not run on PostgreSQL.")
    _require(pg_cases, "tests.", "PostgreSQL run", minimum=50)
    skipped = [c.get("name") for c in sqlite_cases + pg_cases if c.find("skipped") is not None]
    if skipped:
        sys.exit(f"CI: skipped tests hide missing parts: {skipped}")
    print("CI: every part of the suite ran.")


if __name__ == "__main__":
    main(*sys.argv[1:3])
