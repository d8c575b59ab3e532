"""Server CPU per request, side by side in one process: ``python -m bench.inprocess``.

A busy machine inflates every wall-clock figure, but the *ratio* of the CPU time two
requests cost in the same process, interleaved, holds. This loads a small dataset into a
database (seeded by :mod:`bench.seed_big`, reused while its parameters hold: a SQLite
file in the temporary directory, or ``--database-url``, whose name must contain 'bench'),
then calls the WSGI apps directly (no sockets, no server) and reports
``time.process_time()`` per request:

- ``bare``: a bare Flask + Flask-SocketIO hello world (:func:`bench.hello_app.make_app`);
- ``healthz``: socialnet's ``GET /healthz``;
- ``me``: ``GET /api/v1/me``, the cheapest authenticated API read (the token and its
  person, then the person's skills: two statements) — the floor under any API request;
- ``feed_p1`` / ``feed_p100``: ``GET /api/v1/feed?limit=20``, page 1 and page 100;
- ``post``: ``POST /api/v1/posts`` (each a new post);

with each one's ratio to ``healthz`` and to ``bare``, and the SQL statements it runs; then
the feed's page-1 reads once more through the bare driver (:func:`raw_replay_ms`).
The requests are interleaved round by round so drift affects all alike. ``--profile
NAME`` prints a cProfile of one kind. Nothing is written to ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event
from werkzeug.test import EnvironBuilder

from socialnet import create_app
from socialnet.extensions import db

from .hello_app import make_app as make_bare_app
from .seed_big import seed

VIEWER_ID = 2  # an employee (user 1 is the administrator)
KINDS = ("bare", "healthz", "me", "feed_p1", "feed_p100", "post")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("--database-url", help="e.g. postgresql+psycopg://postgres@127.0.0.1/x")
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--only", default=",".join(KINDS))
    parser.add_argument("--profile", choices=KINDS, help="cProfile this kind, print the top")
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime…")
    parser.add_argument("--top", type=int, default=45, help="lines of the profile to print")
    return parser.parse_args(argv)


def make_socialnet(url: str):
    """The app as a server runs it (not TESTING: activity recording and limits on)."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "inprocess-bench",
            "RATE_LIMITS_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "socialnet-memory://",  # the default without Redis
            # Limits are counted (their cost is measured) but one person posts a lot here.
            "SOCIALNET_RATE_POSTS": "1000000 per minute",
            # …and reads a lot: thousands of feed pages a minute, beyond one person's budget.
            "SOCIALNET_RATE_API": "1000000 per minute",
            "SOCKETIO_MESSAGE_QUEUE": None,
            "REDIS_URL": None,
            "MAIL_SUPPRESS_SEND": True,
        }
    )


class Caller:
    """Calls a WSGI app with a prepared environ and drains the body; returns the status."""

    def __init__(self, app: Callable[..., Any], path: str, method: str = "GET", **kw: Any):
        self.app = app
        builder = EnvironBuilder(path=path, method=method, base_url="http://127.0.0.1", **kw)
        self.environ = builder.get_environ()
        self.body = builder.input_stream.read() if builder.input_stream else b""
        builder.close()
        self.status = ""

    def _start(self, status: str, _headers: list, _exc: Any = None) -> None:
        self.status = status

    def __call__(self) -> bytes:
        environ = dict(self.environ)
        environ["wsgi.input"] = io.BytesIO(self.body)
        result = self.app(environ, self._start)
        try:
            data = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
        if not self.status.startswith("2"):
            raise RuntimeError(f"{environ['PATH_INFO']}: {self.status} {data[:300]!r}")
        return data


def _cursor_of_page(call_page: Callable[[str | None], dict], page: int) -> str:
    cursor = None
    for _ in range(page - 1):
        cursor = call_page(cursor)["next_cursor"]
    assert cursor
    return cursor


def build_callers(app, bare, secret: str, only: list[str]) -> dict[str, Caller]:
    auth = {"Authorization": f"Bearer {secret}"}
    feed = "/api/v1/feed"

    def page(cursor: str | None) -> dict:
        query = {"limit": "20", **({"cursor": cursor} if cursor else {})}
        return json.loads(Caller(app, feed, headers=auth, query_string=query)())

    callers = {
        "bare": Caller(bare, "/"),
        "healthz": Caller(app, "/healthz"),
        "me": Caller(app, "/api/v1/me", headers=auth),
        "feed_p1": Caller(app, feed, headers=auth, query_string={"limit": "20"}),
    }
    if "feed_p100" in only:
        query = {"limit": "20", "cursor": _cursor_of_page(page, 100)}
        callers["feed_p100"] = Caller(app, feed, headers=auth, query_string=query)
    body = {"body": "Benchmark post about **#perf** with @user2 in it."}
    callers["post"] = Caller(app, "/api/v1/posts", "POST", headers=auth, json=body)
    return {k: v for k, v in callers.items() if k in only}


def capture_statements(app, caller: Caller) -> list[tuple[str, Any]]:
    """The SQL statements one call of ``caller`` runs, as sent to the driver, with their
    parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        caller()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def count_statements(app, caller: Caller) -> int:
    return len(capture_statements(app, caller))


def raw_replay_ms(app, caller: Caller, rounds: int) -> float:
    """CPU ms per round to run ``caller``'s reads again through the bare driver (``sqlite3``
    or psycopg: no Flask, no SQLAlchemy), the same SQL with the same parameters — what a
    request's statements cost below everything around them. On PostgreSQL the database's
    own work is in its process, not in this figure."""
    reads = [
        (sql, params)
        for sql, params in capture_statements(app, caller)
        if sql.lstrip().upper().startswith("SELECT")
    ]
    with app.app_context():
        connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()

        def replay() -> None:
            for sql, params in reads:
                cursor.execute(sql, params)
                cursor.fetchall()

        for _ in range(20):
            replay()
        started = time.process_time()
        for _ in range(rounds):
            replay()
        return (time.process_time() - started) / rounds * 1000
    finally:
        connection.rollback()
        connection.close()


def measure(callers: dict[str, Caller], rounds: int) -> dict[str, float]:
    """Mean CPU ms per request, interleaved round by round (after a warm-up)."""
    for _ in range(20):
        for caller in callers.values():
            caller()
    spent = dict.fromkeys(callers, 0.0)
    for _ in range(rounds):
        for name, caller in callers.items():
            started = time.process_time()
            caller()
            spent[name] += time.process_time() - started
    return {name: spent[name] / rounds * 1000 for name in callers}


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    only = [k.strip() for k in args.only.split(",") if k.strip()]
    url = args.database_url or f"sqlite:///{Path(tempfile.gettempdir()) / 'inprocess_bench.db'}"
    groups = max(10, args.users // 50)
    info = seed(url, users=args.users, posts=args.posts, groups=groups, progress=False)
    secret = info.token(VIEWER_ID)
    app = make_socialnet(url)
    callers = build_callers(app, make_bare_app(), secret, only)
    queries = {name: count_statements(app, c) for name, c in callers.items() if name != "bare"}
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.rounds):
            callers[args.profile]()
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
        return 0
    cpu = measure(callers, args.rounds)
    print(f"database: {url.split(':')[0]}, {args.posts:,} posts, {args.rounds} rounds")
    print(f"{'request':<10} {'cpu ms':>8} {'/healthz':>9} {'/bare':>7} {'queries':>8}")
    for name, ms in cpu.items():
        over_health = ms / cpu["healthz"] if "healthz" in cpu else float("nan")
        over_bare = ms / cpu["bare"] if "bare" in cpu else float("nan")
        print(f"{name:<10} {ms:8.3f} {over_health:9.2f} {over_bare:7.2f} {queries.get(name, 0):8}")
    if "feed_p1" in cpu and "feed_p100" in cpu:
        print(f"feed page 1 / page 100: {cpu['feed_p1'] / cpu['feed_p100']:.2f}")
    if "feed_p1" in callers:
        raw = raw_replay_ms(app, callers["feed_p1"], args.rounds)
        print(f"feed page 1's reads through the bare driver: {raw:.3f} ms", end="")
        print(f" (×{raw / cpu['healthz']:.2f} /healthz)" if "healthz" in cpu else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
