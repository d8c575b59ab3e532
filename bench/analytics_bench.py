"""Time the analytics endpoints on a big company: ``python -m bench.analytics_bench``.

Seeds (or reuses) 10,000 people, 200 groups and 1,000,000 posts with
``bench.seed_big.seed`` — plus, here, what that seed has not: company values and
20,000 kudos, 2,000 polls with ballots, 300 announcements with their recipients,
20,000 moderation cases and ~1.5 M recorded active days — then times each
``GET /api/v1/analytics/…`` through the real API handler (test client, bearer token
of a community manager) for a 30-day and a 365-day range ending on the last seeded
day. Prints a Markdown table (and appends it to ``bench/analytics_results.md`` with
``--write``).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text, update

from bench.seed_big import DATA_DIR, migrate, seed

SQLITE_URL = f"sqlite:///{DATA_DIR / 'analytics_bench.db'}"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/socialnet_analytics_bench"
RESULTS = Path(__file__).resolve().parent / "analytics_results.md"
ENDPOINTS = (
    "overview",
    "groups",
    "contributors",
    "questions",
    "announcements",
    "polls",
    "kudos",
    "moderation",
    "daily.csv",
)
EXTRA_MARKER = "analytics_bench_extra"
CM_ID = 1


def _chunks(rows, size=50_000):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def add_extras(url: str, users: int, posts: int) -> None:
    """What seed_big does not write: kudos, polls, announcements, cases, active days."""
    from socialnet.models import (
        Announcement,
        AnnouncementRecipient,
        Ballot,
        CompanyValue,
        Kudos,
        KudosRecipient,
        ModerationCase,
        Poll,
        User,
        UserActivityDay,
    )

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {EXTRA_MARKER} (done INTEGER)"))
        if conn.execute(text(f"SELECT count(*) FROM {EXTRA_MARKER}")).scalar():
            return
        conn.execute(update(User).where(User.id == CM_ID).values(role="community_manager"))
        rng = random.Random(7)
        first, last = conn.execute(
            select(func.min(text("created_at")), func.max(text("created_at"))).select_from(
                text("posts")
            )
        ).one()
        first, last = _dt(first), _dt(last)
        span = (last - first).total_seconds()

        def when() -> datetime:
            return first + timedelta(seconds=rng.random() * span)

        values = [
            {"id": i, "name": f"Value {i}", "description": "", "emoji": "", "active": True}
            for i in range(1, 7)
        ]
        conn.execute(insert(CompanyValue), values)
        post_ids = rng.sample(range(1, posts + 1), 22_000)
        listed = ",".join(map(str, post_ids))
        created = dict(
            conn.execute(text(f"SELECT id, created_at FROM posts WHERE id IN ({listed})")).all()
        )
        kudos = [
            {
                "id": i + 1,
                "post_id": pid,
                "giver_id": rng.randint(1, users),
                "value_id": rng.randint(1, 6),
                "message": "merci",
                "created_at": _dt(created[pid]),
            }
            for i, pid in enumerate(post_ids[:20_000])
        ]
        conn.execute(insert(Kudos), kudos)
        recipients = {(k["id"], rng.randint(1, users)) for k in kudos for _ in range(2)}
        for chunk in _chunks([{"kudos_id": k, "user_id": u} for k, u in recipients]):
            conn.execute(insert(KudosRecipient), chunk)
        polls = [
            {
                "id": i + 1,
                "post_id": pid,
                "question": f"Question {i}?",
                "kind": "choice",
                "multiple": False,
                "anonymous": False,
                "results": "always",
                "created_at": _dt(created[pid]),
            }
            for i, pid in enumerate(post_ids[20_000:])
        ]
        conn.execute(insert(Poll), polls)
        ballots = {(p["id"], rng.randint(1, users)) for p in polls for _ in range(100)}
        rows = [
            {"poll_id": p, "user_id": u, "created_at": when(), "updated_at": when()}
            for p, u in ballots
        ]
        for chunk in _chunks(rows):
            conn.execute(insert(Ballot), chunk)
        for a in range(1, 301):
            at = when()
            conn.execute(
                insert(Announcement),
                [
                    {
                        "id": a,
                        "sender_id": CM_ID,
                        "title": f"News {a}",
                        "body": "…",
                        "audience_kind": "site",
                        "audience_value": "Lyon",
                        "publish_at": at,
                        "published_at": at,
                        "expires_at": at + timedelta(days=30),
                        "comments_enabled": True,
                        "created_at": at,
                    }
                ],
            )
            people = rng.sample(range(1, users + 1), 1_000)
            conn.execute(
                insert(AnnouncementRecipient),
                [
                    {
                        "announcement_id": a,
                        "user_id": u,
                        "acknowledged_at": at + timedelta(hours=1) if rng.random() < 0.6 else None,
                    }
                    for u in people
                ],
            )
        cases = []
        for i in range(20_000):
            opened = when()
            closed = opened + timedelta(hours=rng.uniform(0.2, 200)) if rng.random() < 0.9 else None
            cases.append(
                {
                    "kind": "report",
                    "target_type": "post",
                    "target_id": i + 1,
                    "status": "closed" if closed else "open",
                    "severity": 1,
                    "report_count": 1,
                    "summary": "",
                    "appeal_text": "",
                    "opened_at": opened,
                    "updated_at": opened,
                    "closed_at": closed,
                }
            )
        for chunk in _chunks(cases, 5_000):
            conn.execute(insert(ModerationCase), chunk)
        day, end = first.date(), last.date()
        while day <= end:
            people = rng.sample(range(1, users + 1), 2_000)
            conn.execute(insert(UserActivityDay), [{"user_id": u, "day": day} for u in people])
            day += timedelta(days=1)
        conn.execute(text(f"INSERT INTO {EXTRA_MARKER} (done) VALUES (1)"))
    engine.dispose()


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def measure(url: str, token: str, end: date, requests: dict[int, int]) -> list[tuple]:
    """``[(endpoint, days, p50 ms, p99 ms, n)]`` through the real handlers."""
    from socialnet import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "bench",
            "COMPANY_TIMEZONE": "Europe/Paris",
            "ANALYTICS_RECORD_ACTIVITY": False,
        }
    )
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    out = []
    for days, n in requests.items():
        query = f"from={end - timedelta(days=days - 1)}&to={end}"
        for name in ENDPOINTS:
            path = f"/api/v1/analytics/{name}?{query}"
            assert client.get(path, headers=headers).status_code == 200, path  # warm-up
            times = []
            for _ in range(n):
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            times.sort()
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            out.append((name, days, statistics.median(times), p99, n))
            print(f"{name:14} {days:3} d  p50 {out[-1][2]:8.1f} ms  p99 {p99:8.1f} ms", flush=True)
    return out


def rollup(url: str, today: date) -> None:
    """Roll up every day before ``today`` (the last seeded day stays live, like a real
    today), as the job loop would have; prints how long the backfill took."""
    from zoneinfo import ZoneInfo

    from socialnet import create_app
    from socialnet.extensions import db
    from socialnet.services.analytics.rollup import do_rollup

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SOCKETIO_ASYNC_MODE": "threading",
                      "SECRET_KEY": "bench"})  # fmt: skip
    with app.app_context():
        started = time.perf_counter()
        rolled = do_rollup(today, ZoneInfo("Europe/Paris"))
        db.session.commit()
        print(f"rollup: {rolled} days in {time.perf_counter() - started:.1f} s", flush=True)


def run(url: str, requests: dict[int, int]) -> tuple[str, list[tuple]]:
    info = seed(url)
    migrate(url)  # this module's migration, if the seed predates it
    add_extras(url, info.params.users, info.params.posts)
    engine = create_engine(url)
    with engine.connect() as conn:
        last = _dt(conn.execute(text("SELECT max(created_at) FROM posts")).scalar()).date()
        version = conn.execute(
            text("SELECT sqlite_version()" if info.dialect == "sqlite" else "SHOW server_version")
        ).scalar()
    engine.dispose()
    rollup(url, last)
    return f"{info.dialect} {version}", measure(url, info.token(CM_ID), last, requests)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.analytics_bench", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=10, help="per endpoint, 30-day range")
    parser.add_argument("--requests-long", type=int, default=5, help="per endpoint, 365 days")
    parser.add_argument("--write", action="store_true", help=f"append to {RESULTS.name}")
    args = parser.parse_args(argv)
    urls = {"sqlite": [SQLITE_URL], "postgresql": [PG_URL], "both": [SQLITE_URL, PG_URL]}
    lines = [f"### {datetime.now():%Y-%m-%d %H:%M} — 10,000 people, 1,000,000 posts", ""]
    lines += [
        "| backend | endpoint | range | p50 ms | p99 ms | requests |",
        "|---|---|---|---|---|---|",
    ]
    for url in urls[args.db]:
        backend, rows = run(url, {30: args.requests, 365: args.requests_long})
        lines += [
            f"| {backend} | {name} | {days} d | {p50:.1f} | {p99:.1f} | {n} |"
            for name, days, p50, p99, n in rows
        ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        with RESULTS.open("a") as fh:
            fh.write("\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
