"""Catch-up cost benchmark: ``python -m bench.catchup_bench [--database-url URL]``.

A reconnecting client asks for the events it missed; the server replays at most
``CATCHUP_MAX_EVENTS`` (1,000) of them, each rewritten to the present: current
post and comment text, notifications as they render now, people as they are now
(so a deleted account's old snapshots never name it). This measures what that
rewriting costs: it builds a company where one person missed 1,000 events
(posts, comments, reactions' notifications, kudos), then times
``catchup_events(viewer, 0, 1000)`` as shipped, and with the present-day passes
(:data:`PASSES`, and the walk that finds snapshots) replaced by no-ops (the raw
replay), interleaved. Prints p50/p99 and the ratio; nothing is written to
bench/results.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from socialnet import create_app
from socialnet.extensions import db
from socialnet.models import CompanyValue, User
from socialnet.realtime import catchup
from socialnet.services.accounts import hash_password
from socialnet.services.comments import do_create_comment
from socialnet.services.kudos import do_give_kudos
from socialnet.services.posts import do_create_post
from socialnet.services.reactions import do_set_reaction


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.catchup_bench", description=__doc__)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    parser.add_argument("--reps", type=int, default=60)
    return parser.parse_args(argv)


def _seed() -> User:
    """Ten colleagues; the viewer missed ~1,000 events about them and their posts."""
    password = hash_password("bench password 123")
    people = [
        User(
            email=f"p{n}@bench.example",
            handle=f"p{n}",
            display_name=f"Person {n}",
            password_hash=password,
        )
        for n in range(10)
    ]
    db.session.add_all(people)
    db.session.add(CompanyValue(name="Entraide"))
    db.session.commit()
    viewer = people[0]
    for round_ in range(80):
        for author in people[1:4]:
            post = do_create_post(author, {"body": f"Round {round_} @p0 #bench"})
            do_create_comment(people[4], post.id, {"body": f"Reply to {round_} @p0"})
            do_set_reaction(people[5], post, "like", True)
        if round_ % 4 == 0:
            do_give_kudos(
                people[6], {"recipient_ids": [viewer.id], "message": "Merci", "value": "Entraide"}
            )
        db.session.commit()
    return viewer


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


#: The present-day passes, and what stands in for each in the raw replay.
PASSES = {
    "_with_current_notifications": lambda events: events,
    "_refresh_posts": lambda snapshots, known=None: None,
    "_refresh_comments": lambda snapshots: None,
    "_refresh_people": lambda snapshots: None,
}


def _time(viewer: User, reps: int) -> dict[str, list[float]]:
    """Milliseconds per catch-up, shipped and raw, interleaved after 5 warm-up rounds."""
    shipped = {name: getattr(catchup, name) for name in PASSES}
    collect = catchup._Snapshots.collect
    timings: dict[str, list[float]] = {"shipped": [], "raw": []}
    try:
        for rep in range(reps + 5):
            for variant, passes in (("shipped", shipped), ("raw", PASSES)):
                for name, function in passes.items():
                    setattr(catchup, name, function)
                catchup._Snapshots.collect = collect if variant == "shipped" else _no_walk
                db.session.expire_all()
                started = time.perf_counter()
                catchup.catchup_events(viewer, 0, 1000)
                if rep >= 5:
                    timings[variant].append((time.perf_counter() - started) * 1000)
    finally:
        for name, function in shipped.items():
            setattr(catchup, name, function)
        catchup._Snapshots.collect = collect
    return timings


def _no_walk(self, value) -> None:
    """The raw replay does not look for snapshots in payloads."""


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'catchup.db'}"
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "SOCKETIO_ASYNC_MODE": "threading",
                "SECRET_KEY": "catchup-bench",
                "RATE_LIMITS_ENABLED": False,
            }
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            viewer = _seed()
            timings = _time(viewer, args.reps)
            count = len(catchup.catchup_events(viewer, 0, 1000)[0])
            db.session.remove()  # PostgreSQL: DROP waits for the session's open transaction
            db.drop_all()
    backend = url.split(":", 1)[0]
    print(f"catch-up of {count} events on {backend}, {args.reps} runs each (ms)")
    for name, samples in timings.items():
        p50, p99 = statistics.median(samples), _percentile(samples, 0.99)
        print(f"  {name:8} p50 {p50:7.1f}  p99 {p99:7.1f}")
    ratio = statistics.median(timings["shipped"]) / statistics.median(timings["raw"])
    print(f"  shipped / raw (p50): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
