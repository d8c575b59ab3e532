"""Scenario 7 of ``python -m bench.run``: search at 1M posts / 10k people (issue #13).

In-process, through the real handlers with a bearer token (like the feed scenario's
handler figures): ``GET /api/v1/search?type=all`` for a common word, a rare word, a
phrase and a prefix, and ``GET /api/v1/search/suggest`` for type-ahead, each asked by
people in at least ten groups, interleaved so that drift affects every query alike.

Then once more after :data:`BURST_POSTS` posts without the searched words were written on
top (reported as ``burst_*``, not part of the target): the newest rows of a network are
never the table's average, and PostgreSQL's recent windows must not depend on it.

Indexing cost: ``do_create_post`` + flush timed in its own transaction, rolled back,
alternately with the posts index in place and dropped inside that same transaction
(SQLite's insert trigger, PostgreSQL's stored tsvector, its GIN index and the trigger keeping
``search_words``: DDL is transactional on
both, so the rollback restores it and the database is left as it was). The p50
difference is what indexing adds to creating a post.
"""

from __future__ import annotations

import random
import time
from urllib.parse import quote

from sqlalchemy import func, select, text

from socialnet.ops.gc_tuning import freeze_startup_heap

from .seed_big import LEXICON_SIZE, SeedInfo, lexicon_word

#: What is searched, by what it stands for. The lexicon word of rank 0 ends ~10 % of the
#: posts; rank 5,000 about twenty of a million (see bench.seed_big); "bravo" opens a
#: tenth of them; the phrase is one template's sentence; "livr" is a prefix of
#: "livraison", as typed.
QUERIES = {
    "common": "bravo",
    "common_lexicon": lexicon_word(0),
    "rare": lexicon_word(LEXICON_SIZE // 4),
    "phrase": '"le parking B est fermé"',
    "prefix": "livr",
    "two_words": f"bravo {lexicon_word(3)}",
}
SUGGEST = ("mar", "ana lyon", "prod")
#: Posts written, none with the searched words, before the "burst" round: the newest rows
#: of a network are never the table's average (a day of posts on other subjects).
BURST_POSTS = 7_000
TARGET_P99_MS = 50.0
TARGET_INDEX_MS = 1.0


def _app(url: str):
    from socialnet import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "bench-search",
            "JOBS_IN_SERVER": False,
        }
    )


def _people_in_ten_groups(app, count: int, rng: random.Random) -> list[int]:
    from socialnet.extensions import db
    from socialnet.models import GroupMembership

    with app.app_context():
        rows = db.session.execute(
            select(GroupMembership.user_id)
            .group_by(GroupMembership.user_id)
            .having(func.count() >= 10)
        ).scalars()
        people = sorted(rows)
        db.session.remove()
    return rng.sample(people, min(count, len(people)))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))]


def _time_queries(app, info: SeedInfo, people: list[int], reps: int, rng) -> dict[str, list]:
    client = app.test_client()
    paths = {name: f"/api/v1/search?type=all&limit=20&q={quote(q)}" for name, q in QUERIES.items()}
    paths |= {f"suggest {q}": f"/api/v1/search/suggest?q={quote(q)}" for q in SUGGEST}
    samples: dict[str, list[float]] = {name: [] for name in paths}
    hits: dict[str, int] = dict.fromkeys(paths, 0)
    warmup = 10
    for i in range(reps + warmup):
        uid = people[rng.randrange(len(people))]
        headers = {"Authorization": f"Bearer {info.token(uid)}"}
        for name, path in paths.items():
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            if i >= warmup:
                samples[name].append(elapsed)
                body = response.get_json()
                found = body["items"] if "items" in body else any(body.values())
                hits[name] += 1 if found else 0
    return {"samples": samples, "answered_with_hits": hits}


def _drop_posts_index(session) -> None:
    from socialnet.models.search import POSTS

    if session.get_bind().dialect.name == "sqlite":
        # pysqlite opens its transaction before a data statement only: without one, the
        # DROP would commit at once (and the rollback would not bring the trigger back).
        session.execute(text("UPDATE users SET id = id WHERE 0"))
        session.execute(text(f"DROP TRIGGER {POSTS.fts}_ai"))
    else:  # the words' triggers, the stored tsvector and its GIN index (with the column)
        for suffix in ("ai", "au"):
            session.execute(text(f"DROP TRIGGER posts_search_words_{suffix} ON posts"))
        session.execute(text(f"ALTER TABLE posts DROP COLUMN {POSTS.pg_vector()}"))


def _index_intact(app) -> bool:
    """Whether the posts index is all there (checked after the rolled-back drops)."""
    from socialnet.extensions import db
    from socialnet.models.search import POSTS

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sql = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = :name"
            found = db.session.scalar(text(sql), {"name": f"{POSTS.fts}_ai"})
        else:
            found = db.session.scalar(
                text("SELECT count(*) FROM pg_class WHERE relname = :name"),
                {"name": POSTS.pg_index},
            )
        db.session.remove()
    return found == 1


def _time_indexing(app, people: list[int], reps: int, rng) -> dict[str, list[float]]:
    """Creating a post with and without the posts index, each in a rolled-back transaction."""
    from socialnet.extensions import db
    from socialnet.models import User
    from socialnet.services.posts import do_create_post

    assert _index_intact(app), "the posts index is incomplete: run `flask search reindex`"

    out: dict[str, list[float]] = {"indexed": [], "unindexed": []}
    warmup = 10
    for i in range(reps + warmup):
        uid = people[rng.randrange(len(people))]
        body = f"Bench post {i}: bravo {lexicon_word(rng.randrange(LEXICON_SIZE))} #bench"
        for name in ("indexed", "unindexed") if i % 2 else ("unindexed", "indexed"):
            with app.test_request_context():
                user = db.session.get(User, uid)
                if name == "unindexed":
                    _drop_posts_index(db.session)
                started = time.perf_counter()
                do_create_post(user, {"body": body})
                db.session.flush()
                elapsed = (time.perf_counter() - started) * 1000
                db.session.rollback()
                db.session.remove()
            if i >= warmup:
                out[name].append(elapsed)
    assert _index_intact(app), "a rolled-back DROP of the posts index was kept"
    return out


def _write_burst(app, info: SeedInfo, count: int) -> None:
    """``count`` company posts above the seed, none holding a searched word (committed:
    the searches must see them; :func:`_remove_burst` deletes them)."""
    from datetime import UTC, datetime

    from socialnet.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            numbers = (
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :count)"
            )
            source = "FROM g"
        else:
            numbers, source = "", "FROM generate_series(1, :count) AS g(n)"
        db.session.execute(
            text(
                f"{numbers} INSERT INTO posts (author_id, body, body_html, comment_count,"
                " created_at, kind, comments_enabled, moderation_state)"
                " SELECT 1, 'Benchmark burst ' || n || ' about something else #bench',"
                f" '<p>burst</p>', 0, :now, 'post', true, 'published' {source}"
            ),
            {"count": count, "now": datetime.now(UTC).replace(tzinfo=None)},
        )
        db.session.commit()
        top = db.session.scalar(text("SELECT max(id) FROM posts"))
        db.session.remove()
    assert top > info.max_post_id


def _remove_burst(app, info: SeedInfo) -> None:
    from socialnet.extensions import db

    with app.app_context():
        db.session.execute(text("DELETE FROM posts WHERE id > :top"), {"top": info.max_post_id})
        db.session.commit()
        db.session.remove()


def scenario_search(info: SeedInfo, runs: int, reps: int) -> dict:
    """Median over ``runs`` of each query's p50/p99 (ms) and of the indexing cost."""
    rng = random.Random(13)
    app = _app(info.url)
    people = _people_in_ten_groups(app, 40, rng)
    freeze_startup_heap()  # as wsgi.py does before serving
    per_run = []
    for _run in range(runs):
        row: dict = {}
        timed = _time_queries(app, info, people, reps, rng)
        for name, values in timed["samples"].items():
            key = name.replace(" ", "_")
            row[f"{key}_p50"] = _pct(values, 50)
            row[f"{key}_p99"] = _pct(values, 99)
            row[f"{key}_with_hits"] = timed["answered_with_hits"][name] / max(len(values), 1)
        indexing = _time_indexing(app, people, max(reps // 2, 20), rng)
        row["create_post_indexed_p50"] = _pct(indexing["indexed"], 50)
        row["create_post_unindexed_p50"] = _pct(indexing["unindexed"], 50)
        row["indexing_ms_p50"] = row["create_post_indexed_p50"] - row["create_post_unindexed_p50"]
        per_run.append(row)
        figures = ", ".join(
            f"{k[:-4]} {row[k[:-4] + '_p50']:.1f}/{v:.1f}"
            for k, v in row.items()
            if k.endswith("_p99")
        )
        print(f"  search run (p50/p99 ms): {figures}; indexing {row['indexing_ms_p50']:.2f} ms")
    summary: dict = {}
    for key in per_run[-1]:
        values = sorted(r[key] for r in per_run)
        summary[key] = values[len(values) // 2]
    summary.update(runs=per_run, people_sampled=len(people), reps=reps, queries=dict(QUERIES))
    summary["worst_p99"] = max(v for k, v in summary.items() if k.endswith("_p99"))
    # Once more with a burst of other posts on top (reported, not part of the target).
    _write_burst(app, info, BURST_POSTS)
    try:
        burst = _time_queries(app, info, people, reps, rng)["samples"]
    finally:
        _remove_burst(app, info)
    for name in ("common", "rare", "phrase", "prefix"):
        summary[f"burst_{name}_p50"] = _pct(burst[name], 50)
        summary[f"burst_{name}_p99"] = _pct(burst[name], 99)
    summary["burst_posts"] = BURST_POSTS
    figures = ", ".join(
        f"{n} {summary[f'burst_{n}_p50']:.1f}/{summary[f'burst_{n}_p99']:.1f}"
        for n in ("common", "rare", "phrase", "prefix")
    )
    print(f"  search after a burst of {BURST_POSTS} other posts (p50/p99 ms): {figures}")
    summary["pass"] = (
        summary["worst_p99"] <= TARGET_P99_MS and summary["indexing_ms_p50"] <= TARGET_INDEX_MS
    )
    return summary
