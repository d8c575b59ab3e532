"""Seed a large company into a benchmark database, fast: ``python -m bench.seed_big``.

Default scale: 10,000 people, 200 groups (everyone in 10 of them, sizes skewed),
1,000,000 posts over two years (a third in groups), comments, reactions,
mentions, hashtags and one personal API token per person. The schema is the
real one: the Alembic migrations are applied first (``flask db upgrade``), and
columns added by later migrations that this module does not know are filled
with their model default, so the seed keeps working while the schema grows.

Writing is bulk: ``COPY … FROM STDIN`` (psycopg ``cursor.copy``) on PostgreSQL,
``executemany`` in large transactions with ``synchronous=OFF`` on SQLite.

:func:`seed` is the entry point others reuse. A ``bench_seed`` marker table
records the parameters: when they match, the database is reused as is
(seeding a million posts is not free); otherwise the benchmark database is
dropped and rebuilt. Only databases whose name contains ``bench`` are ever
dropped.

Tokens are derived from the parameters (:func:`token_secret`), so any process
can authenticate as user ``n`` without a round trip.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / ".data"
DEFAULT_SQLITE_URL = f"sqlite:///{DATA_DIR / 'bench.db'}"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/socialnet_bench"
SEED_VERSION = 4  # bump when the generated data changes shape
MARKER_TABLE = "bench_seed"

#: The group whose members the delivery scenario connects: private, the largest.
DELIVERY_GROUP_ID = 1
#: Share of people in the delivery group (so 2,500 of 10,000).
DELIVERY_GROUP_SHARE = 0.25
REACTION_KINDS = ("like", "celebrate", "support", "insightful", "funny")
SITES = ("Lyon", "Paris", "Nantes", "Montréal", "Barcelona", "Berlin")
DEPARTMENTS = ("Production", "R&D", "Sales", "Marketing", "HR", "Finance", "IT", "Logistics")
FIRST = ("Ana", "Marc", "Léa", "Karim", "Wei", "Sofia", "Hugo", "Fatou", "João", "Emma")
LAST = ("Martin", "Dubois", "Nguyen", "Haddad", "García", "Tremblay", "Rossi", "Diallo")
POST_TEMPLATES = (
    "Bravo à @user{a} pour la livraison de la série **Aurora** ! #production #bravo",
    "Reminder: the VPN certificate rotates on Friday.\n\n```\nlumen-vpn renew\n```\n#it",
    "Nouveau dans l'équipe : bienvenue à @user{a} ☕ N'hésitez pas à passer dire bonjour.",
    "Our booth is confirmed! Checklist:\n\n- demo kit (ask @user{a})\n- brochures\n"
    "- **badges**\n\n#marketing",
    "Les résultats du trimestre sont en ligne : [synthèse](https://intranet.lumen.example/t2). "
    "Questions bienvenues. #finance",
    "Sécurité : 100 jours sans accident sur le site de Nantes 🎉 Merci @user{a} et @user{b} !",
    "Quick question: does anyone have a spare *calibrated lux meter* in Lyon?",
    "Afterwork ce jeudi à 18h30 — @user{b} réserve la terrasse. #afterwork",
    "Thanks everyone for the great offsite. Slides are in the shared drive.",
    "Le parking B est fermé lundi pour travaux. #lyon",
)
#: Each post ends with one word of a made-up lexicon drawn with Zipf weights, so search
#: meets words of every frequency: the first ones are in ~10 % of posts, the last in none
#: or one (:func:`lexicon_word` names a word by its rank).
LEXICON_SIZE = 20_000
_SYLLABLES = ("ba", "de", "ki", "lo", "mu", "na", "pe", "ri", "so", "tu", "va", "zo")


def lexicon_word(rank: int) -> str:
    """The lexicon's word of ``rank`` (0 = most frequent): four syllables, unique per rank."""
    n = len(_SYLLABLES)
    digits = [(rank // n**i) % n for i in range(4)]
    return "".join(_SYLLABLES[d] for d in digits)


COMMENT_TEMPLATES = ("Bravo ! 👏", "Great job @user{a}!", "Merci pour le partage, **super**.")
VARIANTS_PER_TEMPLATE = 6


@dataclass(frozen=True)
class SeedParams:
    users: int = 10_000
    posts: int = 1_000_000
    groups: int = 200
    groups_per_user: int = 10
    rng_seed: int = 1
    version: int = SEED_VERSION

    def key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


@dataclass
class SeedInfo:
    """What is in the database: the parameters, row counts, and how long seeding took."""

    url: str
    params: SeedParams
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    reused: bool = False
    delivery_group_id: int = DELIVERY_GROUP_ID
    delivery_members: list[int] = field(default_factory=list)
    max_post_id: int = 0

    @property
    def dialect(self) -> str:
        return "postgresql" if self.url.startswith("postgresql") else "sqlite"

    def token(self, user_id: int) -> str:
        return token_secret(self.params, user_id)


def token_secret(params: SeedParams, user_id: int) -> str:
    """The API token of ``user_id`` in a database seeded with ``params`` (deterministic)."""
    mac = hmac.new(params.key().encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return f"snt_bench{user_id}_{mac[:32]}"


def migration_files() -> dict[str, str]:
    """Each migration script's name and a digest of its text."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted((ROOT / "migrations" / "versions").glob("*.py"))
    }


def only_added(recorded: dict[str, str] | None) -> bool:
    """Whether the migrations differ from ``recorded`` only by scripts added since: then
    ``flask db upgrade`` brings a seeded database up to date (as it would a company's),
    and seeding a million posts again is not needed. A script edited or removed since
    (same revision id, so upgrade would not re-run it) is not."""
    if not recorded:
        return False
    current = migration_files()
    return all(current.get(name) == digest for name, digest in recorded.items())


def migrations_digest() -> str:
    """A digest of the migration scripts: a migration edited in place (same revision id,
    so ``flask db upgrade`` would not re-run it) still invalidates a seeded database."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def delivery_members(params: SeedParams) -> list[int]:
    """Members of the delivery group, ascending (user 1, its admin, first)."""
    return list(range(1, max(2, int(params.users * DELIVERY_GROUP_SHARE)) + 1))


# --------------------------------------------------------------------------- database admin


def _is_pg(url: str) -> bool:
    return url.startswith("postgresql")


def _pg_conninfo(url: str, dbname: str | None = None) -> str:
    u = make_url(url)
    parts = {
        "host": u.host or "127.0.0.1",
        "port": u.port or 5432,
        "user": u.username or "postgres",
        "dbname": dbname or u.database,
    }
    if u.password:
        parts["password"] = u.password
    return " ".join(f"{k}={v}" for k, v in parts.items())


def _sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def _guard(url: str) -> None:
    name = make_url(url).database or ""
    if "bench" not in Path(name).name:
        raise SystemExit(f"refusing to drop a database whose name lacks 'bench': {name!r}")


def _read_marker(url: str) -> dict | None:
    try:
        if _is_pg(url):
            import psycopg

            with psycopg.connect(_pg_conninfo(url), connect_timeout=5) as conn:
                row = conn.execute(
                    f"SELECT value FROM {MARKER_TABLE} WHERE key = 'seed'"  # noqa: S608
                ).fetchone()
        else:
            path = _sqlite_path(url)
            if not path.exists():
                return None
            with sqlite3.connect(path) as conn:
                row = conn.execute(
                    f"SELECT value FROM {MARKER_TABLE} WHERE key = 'seed'"
                ).fetchone()
    except Exception:  # noqa: BLE001 - no database, no table: not seeded
        return None
    return json.loads(row[0]) if row else None


def _reset_database(url: str) -> None:
    """Drop and re-create the benchmark database (guarded by its name)."""
    _guard(url)
    if _is_pg(url):
        import psycopg

        name = make_url(url).database
        with psycopg.connect(_pg_conninfo(url, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate(url: str) -> None:
    """``flask db upgrade`` on ``url`` (the real schema, as deployments get it)."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": url,
        "SOCKETIO_ASYNC_MODE": "threading",
        "SECRET_KEY": "bench-migrate",
        "PYTHONWARNINGS": "ignore",
    }
    subprocess.run(
        [sys.executable, "-m", "flask", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


# --------------------------------------------------------------------------- row generation


def _zipf_weights(n: int, s: float = 0.8) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def _weighted_sample(rng: random.Random, population: Sequence[int], cum: list[float], k: int):
    """``k`` distinct items drawn with cumulative weights ``cum``."""
    chosen: set[int] = set()
    while len(chosen) < k:
        chosen.update(rng.choices(population, cum_weights=cum, k=k - len(chosen)))
    return chosen


def plan_memberships(params: SeedParams, rng: random.Random) -> dict[int, list[int]]:
    """user id → its groups: the first quarter in the delivery group, then Zipf-sized groups."""
    others = list(range(2, params.groups + 1))
    weights = _zipf_weights(len(others))
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    in_delivery = set(delivery_members(params))
    k = min(params.groups_per_user, params.groups)
    plan = {}
    for user_id in range(1, params.users + 1):
        first = [DELIVERY_GROUP_ID] if user_id in in_delivery else []
        rest = _weighted_sample(rng, others, cum, min(k - len(first), len(others)))
        plan[user_id] = first + sorted(rest)
    return plan


@dataclass(frozen=True)
class Body:
    body: str
    html: str
    mentioned_ids: tuple[int, ...]
    hashtags: tuple[str, ...]


def _render_bodies(templates: Iterable[str], rng: random.Random, users: int) -> list[Body]:
    """Templates rendered through the app's own Markdown pipeline (needs an app context)."""
    from socialnet.services.content import render_body

    out = []
    for template in templates:
        for _ in range(VARIANTS_PER_TEMPLATE):
            source = template.format(a=rng.randrange(2, users + 1), b=rng.randrange(2, users + 1))
            rendered = render_body(source)
            out.append(
                Body(source, rendered.html, tuple(rendered.mentioned_ids), tuple(rendered.hashtags))
            )
    return out


class Writer:
    """Bulk-writes rows (tuples in a given column order) into one table of the database."""

    def __init__(self, url: str, defaults: dict[str, dict[str, Any]], bar: tqdm) -> None:
        self.url, self.defaults, self.bar = url, defaults, bar
        self.pg = _is_pg(url)
        if self.pg:
            import psycopg

            self.conn = psycopg.connect(_pg_conninfo(url))
            self.conn.execute("SET synchronous_commit = off")
        else:
            self.conn = sqlite3.connect(_sqlite_path(url), isolation_level=None)
            for pragma in (
                "synchronous=OFF",
                "journal_mode=MEMORY",
                "foreign_keys=OFF",
                "cache_size=-400000",
                "temp_store=MEMORY",
            ):
                self.conn.execute(f"PRAGMA {pragma}")

    def write(self, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert ``rows``; NOT NULL columns this module does not know get their model default."""
        extra = {c: v for c, v in self.defaults.get(table, {}).items() if c not in columns}
        cols = list(columns) + list(extra)
        tail = tuple(extra.values())
        count = 0
        self.bar.set_postfix_str(table)
        if self.pg:
            with self.conn.cursor() as cur:
                quoted = ", ".join(f'"{c}"' for c in cols)
                with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row + tail if tail else row)
                        count += 1
                        if count % 20_000 == 0:
                            self.bar.update(20_000)
            self.conn.commit()
        else:
            sql = (
                f'INSERT INTO "{table}" ({", ".join(cols)}) '  # noqa: S608
                f"VALUES ({', '.join('?' * len(cols))})"
            )
            chunk: list[tuple] = []
            self.conn.execute("BEGIN")
            for row in rows:
                chunk.append(row + tail if tail else row)
                if len(chunk) == 50_000:
                    self.conn.executemany(sql, chunk)
                    count += len(chunk)
                    self.bar.update(len(chunk))
                    chunk = []
            if chunk:
                self.conn.executemany(sql, chunk)
                count += len(chunk)
            self.conn.execute("COMMIT")
        self.bar.update(count % 20_000 if self.pg else (count % 50_000))
        return count

    def execute(self, sql: str) -> None:
        if self.pg:
            self.conn.execute(sql)
            self.conn.commit()
        else:
            self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()


def _column_defaults(url: str) -> dict[str, dict[str, Any]]:
    """Per table, a value for each NOT NULL column without a server default (model default)."""
    from sqlalchemy import create_engine, inspect

    from socialnet.extensions import db

    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        out: dict[str, dict[str, Any]] = {}
        for table_name in inspector.get_table_names():
            model_table = db.metadata.tables.get(table_name)
            values = {}
            for col in inspector.get_columns(table_name):
                if col["nullable"] or col.get("default") is not None:
                    continue
                model_col = (
                    model_table.columns.get(col["name"]) if model_table is not None else None
                )
                default = getattr(model_col, "default", None)
                if default is not None and getattr(default, "is_scalar", False):
                    values[col["name"]] = default.arg
                elif default is not None and getattr(default, "is_callable", False):
                    values[col["name"]] = datetime.now(UTC).replace(tzinfo=None)
            out[table_name] = values
        return out
    finally:
        engine.dispose()


@dataclass
class _Plan:
    """Everything decided before writing: who is where, who wrote what, when."""

    params: SeedParams
    rng: random.Random
    now: datetime
    group_members: dict[int, list[int]]
    post_bodies: list[Body] = field(default_factory=list)
    comment_bodies: list[Body] = field(default_factory=list)
    p_group: list[int | None] = field(default_factory=list)
    p_author: list[int] = field(default_factory=list)
    p_body: list[int] = field(default_factory=list)
    p_word: list[int] = field(default_factory=list)
    p_comments: list[int] = field(default_factory=list)
    comment_posts: list[int] = field(default_factory=list)

    @property
    def start(self) -> datetime:
        return self.now - timedelta(days=730)

    @property
    def step(self) -> timedelta:
        return timedelta(days=730) / max(self.params.posts, 1)

    def plan_posts(self) -> None:
        """A third of the posts in groups (weighted by size, by members); oldest first."""
        rng, n_posts = self.rng, self.params.posts
        group_ids = list(self.group_members)
        group_cum, total = [], 0.0
        for g in group_ids:
            total += len(self.group_members[g])
            group_cum.append(total)
        self.p_group = [None] * (n_posts + 1)
        self.p_author = [0] * (n_posts + 1)
        self.p_body = [0] * (n_posts + 1)
        self.p_comments = [0] * (n_posts + 1)
        n_bodies = len(self.post_bodies)
        for pid in range(1, n_posts + 1):
            if rng.random() < 0.33:
                g = rng.choices(group_ids, cum_weights=group_cum)[0]
                members = self.group_members[g]
                self.p_group[pid] = g
                self.p_author[pid] = members[rng.randrange(len(members))]
            else:
                self.p_author[pid] = rng.randrange(1, self.params.users + 1)
            self.p_body[pid] = rng.randrange(n_bodies)
        zipf = _zipf_weights(LEXICON_SIZE, 1.0)
        self.p_word = [0, *rng.choices(range(LEXICON_SIZE), weights=zipf, k=n_posts)]
        # Comments: the latest tenth of the posts gets half of them.
        self.comment_posts = sorted(
            [
                rng.randrange(max(1, n_posts - n_posts // 10), n_posts + 1)
                for _ in range(n_posts // 10)
            ]
            + [rng.randrange(1, n_posts + 1) for _ in range(n_posts // 10)]
        )
        for pid in self.comment_posts:
            self.p_comments[pid] += 1

    def reader(self, pid: int) -> int:
        """Somebody who can read post ``pid``."""
        g = self.p_group[pid]
        if g is None:
            return self.rng.randrange(1, self.params.users + 1)
        pool = self.group_members[g]
        return pool[self.rng.randrange(len(pool))]


USER_COLUMNS = (
    "id", "email", "handle", "display_name", "password_hash", "job_title", "department", "site",
    "manager_id", "role", "active", "session_epoch", "created_at", "handle_key", "name_key",
    "search_key",
)  # fmt: skip
GROUP_COLUMNS = (
    "id", "name", "description", "visibility", "is_official", "cover_color", "created_by_id",
    "created_at", "name_key", "handle", "handle_key",
)  # fmt: skip
POST_COLUMNS = (
    "id", "author_id", "group_id", "kind", "body", "body_html", "comments_enabled",
    "comment_count", "created_at", "deleted_at", "deleted_by_id",
)  # fmt: skip
VISIBILITIES = ("public", "public", "public", "private", "private", "secret")


def _name_keys(handle: str, name: str, *others: str) -> tuple[str, str, str]:
    """``handle_key``, ``name_key``, ``search_key`` as ``models.User`` keeps them."""
    from socialnet.text_keys import KEY_WIDTH_FACTOR, fold, truncated

    search_key = "\n".join(fold(t) for t in (handle, name, *others))
    return fold(handle), truncated(name, 120 * KEY_WIDTH_FACTOR), search_key


def _user_rows(plan: _Plan) -> Iterator[tuple]:
    now = plan.now
    for i in range(1, plan.params.users + 1):
        handle, name = f"user{i}", f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]} {i}"
        department, site = DEPARTMENTS[i % len(DEPARTMENTS)], SITES[i % len(SITES)]
        yield (
            i, f"user{i}@bench.example", handle, name, "!unusable", "Engineer", department, site,
            None if i <= 20 else 1 + i % 20,
            "admin" if i == 1 else "manager" if i <= 20 else "employee",
            True, 0, now - timedelta(days=800),
            *_name_keys(handle, name, "Engineer", department, site),
        )  # fmt: skip


def _group_rows(plan: _Plan) -> Iterator[tuple]:
    for g, members in plan.group_members.items():
        visibility = "private" if g == DELIVERY_GROUP_ID else VISIBILITIES[g % len(VISIBILITIES)]
        creator = members[0] if members else 1
        yield (
            g, f"Group {g}", f"Benchmark group {g}", visibility, g <= 10, "#3b5bdb", creator,
            plan.now - timedelta(days=790), _name_keys("", f"Group {g}")[1],
            f"group-{g}", f"group-{g}",  # the handle the before_insert hook would derive
        )  # fmt: skip


def _membership_rows(plan: _Plan) -> Iterator[tuple]:
    joined = plan.now - timedelta(days=780)
    for g, members in plan.group_members.items():
        for i, u in enumerate(members):
            yield (g, u, "admin" if i == 0 else "member", joined)


def _token_rows(plan: _Plan) -> Iterator[tuple]:
    from socialnet.models.users import hash_token

    for i in range(1, plan.params.users + 1):
        yield (i, i, "bench", hash_token(token_secret(plan.params, i)), plan.now)


def _post_rows(plan: _Plan) -> Iterator[tuple]:
    start, step = plan.start, plan.step
    for pid in range(1, plan.params.posts + 1):
        b = plan.post_bodies[plan.p_body[pid]]
        created = start + step * pid
        deleted = created if pid % 211 == 0 else None
        author = plan.p_author[pid]
        word = lexicon_word(plan.p_word[pid])
        body, html = f"{b.body}\n\n{word}", f"{b.html}<p>{word}</p>"
        yield (
            pid, author, plan.p_group[pid], "post", body, html, True, plan.p_comments[pid],
            created, deleted, author if deleted else None,
        )  # fmt: skip


def _hashtag_rows(plan: _Plan) -> Iterator[tuple]:
    for pid in range(1, plan.params.posts + 1):
        for tag in plan.post_bodies[plan.p_body[pid]].hashtags:
            yield (pid, tag)


def _mention_rows(plan: _Plan) -> Iterator[tuple]:
    mention_id = 0
    for pid in range(1, plan.params.posts + 1):
        for uid in plan.post_bodies[plan.p_body[pid]].mentioned_ids:
            mention_id += 1
            yield (mention_id, pid, None, uid)


def _comment_rows(plan: _Plan) -> Iterator[tuple]:
    bodies, rng = plan.comment_bodies, plan.rng
    for cid, pid in enumerate(plan.comment_posts, start=1):
        b = bodies[rng.randrange(len(bodies))]
        created = plan.start + plan.step * pid + timedelta(hours=1)
        yield (cid, pid, plan.reader(pid), b.body, b.html, created)


def _reaction_rows(plan: _Plan) -> Iterator[tuple]:
    """0-3 reactions a post (1.5 on average), by distinct readers."""
    rng = plan.rng
    for pid in range(1, plan.params.posts + 1):
        k = rng.randrange(4)
        if not k:
            continue
        people = {plan.reader(pid) for _ in range(k)}
        created = plan.start + plan.step * pid + timedelta(minutes=30)
        for uid in sorted(people):
            yield (pid, uid, REACTION_KINDS[(uid + pid) % 5], created)


def _generate(params: SeedParams, url: str, progress: bool) -> dict[str, int]:
    from socialnet import create_app
    from socialnet.extensions import db

    rng = random.Random(params.rng_seed)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    group_members: dict[int, list[int]] = {g: [] for g in range(1, params.groups + 1)}
    for user_id, gids in plan_memberships(params, rng).items():
        for g in gids:
            group_members[g].append(user_id)
    plan = _Plan(params, rng, now, group_members)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SOCKETIO_ASYNC_MODE": "threading",
            "SECRET_KEY": "bench-seed",
            "JOBS_IN_SERVER": False,
        }
    )
    defaults = _column_defaults(url)
    counts: dict[str, int] = {}
    estimate = params.users * 13 + params.posts * 5
    with tqdm(total=estimate, desc="seed", unit="row", disable=not progress) as bar:
        writer = Writer(url, defaults, bar)
        try:
            counts["users"] = writer.write("users", USER_COLUMNS, _user_rows(plan))
            counts["groups"] = writer.write("groups", GROUP_COLUMNS, _group_rows(plan))
            counts["group_memberships"] = writer.write(
                "group_memberships",
                ("group_id", "user_id", "role", "created_at"),
                _membership_rows(plan),
            )
            counts["api_tokens"] = writer.write(
                "api_tokens",
                ("id", "user_id", "name", "token_hash", "created_at"),
                _token_rows(plan),
            )
            with app.app_context():  # @handles resolve against the users just written
                plan.post_bodies = _render_bodies(POST_TEMPLATES, rng, params.users)
                plan.comment_bodies = _render_bodies(COMMENT_TEMPLATES, rng, params.users)
                db.session.remove()
                db.engine.dispose()
            plan.plan_posts()
            counts["posts"] = writer.write("posts", POST_COLUMNS, _post_rows(plan))
            counts["post_hashtags"] = _write_hashtags(writer, plan)
            counts["mentions"] = writer.write(
                "mentions", ("id", "post_id", "comment_id", "user_id"), _mention_rows(plan)
            )
            counts["comments"] = writer.write(
                "comments",
                ("id", "post_id", "author_id", "body", "body_html", "created_at"),
                _comment_rows(plan),
            )
            counts["reactions"] = writer.write(
                "reactions", ("post_id", "user_id", "kind", "created_at"), _reaction_rows(plan)
            )
            bar.total = bar.n
            bar.refresh()
            _finish(writer)
        finally:
            writer.close()
    return counts


def _write_hashtags(writer: Writer, plan: _Plan) -> int:
    """``post_hashtags``, then ``topic_counts`` recounted in one statement. On PostgreSQL the
    count triggers are off during the COPY: each row's ``ON CONFLICT DO UPDATE`` of the same
    few (tag, place) rows in one transaction leaves a chain of versions that every next
    update walks, so a million rows took hours (quadratic) instead of seconds."""
    from socialnet.models.topics import RECOUNT_TOPICS

    if writer.pg:
        writer.execute("ALTER TABLE post_hashtags DISABLE TRIGGER USER")
    try:
        count = writer.write("post_hashtags", ("post_id", "tag"), _hashtag_rows(plan))
    finally:
        if writer.pg:
            writer.execute("ALTER TABLE post_hashtags ENABLE TRIGGER USER")
    for statement in RECOUNT_TOPICS:
        writer.execute(statement)
    return count


def _finish(writer: Writer) -> None:
    """PostgreSQL: sequences past the explicit ids, then ANALYZE (what autovacuum would do).
    SQLite is left as the app leaves it: the app never runs ANALYZE there."""
    if writer.pg:
        for table in ("users", "groups", "posts", "comments", "mentions", "api_tokens"):
            writer.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT GREATEST(MAX(id), 1) FROM {table}))"
            )
        writer.conn.autocommit = True
        writer.conn.execute("VACUUM ANALYZE")
    else:
        writer.execute("PRAGMA journal_mode=WAL")


def _write_marker(url: str, params: SeedParams, info: dict) -> None:
    value = json.dumps({"params": json.loads(params.key()), **info})
    if _is_pg(url):
        import psycopg

        with psycopg.connect(_pg_conninfo(url)) as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key text PRIMARY KEY, value text)"
            )
            conn.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
            conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES ('seed', %s)", (value,))  # noqa: S608
    else:
        with sqlite3.connect(_sqlite_path(url)) as conn:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key text PRIMARY KEY, value text)"
            )
            conn.execute(f"DELETE FROM {MARKER_TABLE}")  # noqa: S608
            conn.execute(f"INSERT INTO {MARKER_TABLE} VALUES ('seed', ?)", (value,))  # noqa: S608


def _max_post_id(url: str) -> int:
    try:
        return _query_max_post_id(url)
    except Exception:  # noqa: BLE001 - no database or no table: nothing seeded
        return 0


def _query_max_post_id(url: str) -> int:
    if _is_pg(url):
        import psycopg

        with psycopg.connect(_pg_conninfo(url)) as conn:
            return conn.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]
    with sqlite3.connect(_sqlite_path(url)) as conn:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM posts").fetchone()[0]


def seed(
    database_url: str,
    users: int = 10_000,
    posts: int = 1_000_000,
    groups: int = 200,
    groups_per_user: int = 10,
    rng_seed: int = 1,
    *,
    progress: bool = True,
    force: bool = False,
) -> SeedInfo:
    """Make ``database_url`` hold the seeded company; reuse it when the marker matches.

    Returns what is there, with the seeding time (of this call, or of the run that
    seeded it when reused).
    """
    params = SeedParams(users, posts, groups, groups_per_user, rng_seed)
    found = None if force else _read_marker(database_url)
    if (
        found
        and found.get("params") == json.loads(params.key())
        and found.get("migrations") != migrations_digest()
        and only_added(found.get("migration_files"))
        and _max_post_id(database_url) >= found.get("max_post_id", params.posts)
    ):  # migrations added since the seed: upgrade it, as a company's database would be
        started = time.perf_counter()
        migrate(database_url)
        if progress:
            print(f"   upgraded the seeded database in {time.perf_counter() - started:.1f} s")
        found = {**found, "migrations": migrations_digest(), "migration_files": migration_files()}
        _write_marker(database_url, params, {k: v for k, v in found.items() if k != "params"})
    if (
        found
        and found.get("params") == json.loads(params.key())
        and found.get("migrations") == migrations_digest()
        and _max_post_id(database_url) >= found.get("max_post_id", params.posts)
    ):  # same parameters and schema, and the posts are still there (not dropped by a tool)
        info = SeedInfo(
            database_url,
            params,
            counts=found["counts"],
            seconds=found["seconds"],
            reused=True,
            delivery_members=delivery_members(params),
            max_post_id=found.get("max_post_id", params.posts),
        )
        return info
    _reset_database(database_url)
    started = time.perf_counter()
    migrate(database_url)
    migrated = time.perf_counter() - started
    counts = _generate(params, database_url, progress)
    seconds = time.perf_counter() - started
    max_post_id = _max_post_id(database_url)
    _write_marker(
        database_url,
        params,
        {
            "counts": counts,
            "seconds": seconds,
            "migrate_seconds": migrated,
            "max_post_id": max_post_id,
            "migrations": migrations_digest(),
            "migration_files": migration_files(),
        },
    )
    return SeedInfo(
        database_url,
        params,
        counts=counts,
        seconds=seconds,
        delivery_members=delivery_members(params),
        max_post_id=max_post_id,
    )


def reset_writes(info: SeedInfo) -> None:
    """Delete what benchmark runs added after the seed (posts above the seed, their rows,
    events), so the next run measures the same data and the marker stays true."""
    top = info.max_post_id
    child_tables = ("post_hashtags", "mentions", "reactions", "comments", "notifications")
    statements = [f"DELETE FROM {t} WHERE post_id > {top}" for t in child_tables]  # noqa: S608
    statements += ["DELETE FROM events", f"DELETE FROM posts WHERE id > {top}"]  # noqa: S608
    if _is_pg(info.url):
        import psycopg

        with psycopg.connect(_pg_conninfo(info.url)) as conn:
            for sql in statements:
                conn.execute(sql)
        # The deleted rows were the newest: until vacuumed, every newest-first walk (the
        # feed, search's recent windows) steps over them, and the statistics count them. A
        # company's posts are never deleted in bulk at the top of the table; the
        # benchmark's are (thousands per scenario), so it cleans up after itself.
        with psycopg.connect(_pg_conninfo(info.url), autocommit=True) as conn:
            conn.execute(f"VACUUM (ANALYZE) events, posts, {', '.join(child_tables)}")
    else:
        with sqlite3.connect(_sqlite_path(info.url), timeout=30) as conn:
            for sql in statements:
                conn.execute(sql)


def url_for(db: str, scale: float = 1.0) -> str:
    """The benchmark database of ``db`` at ``scale`` (one per scale, so both stay cached)."""
    suffix = "" if scale == 1 else "_s" + f"{scale:g}".replace(".", "_")
    if db.startswith("p"):
        return DEFAULT_PG_URL + suffix
    return f"sqlite:///{DATA_DIR / f'bench{suffix}.db'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed_big", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="overrides --db")
    parser.add_argument("--scale", type=float, default=1.0, help="0.1 = 100,000 posts, 1,000 users")
    parser.add_argument("--force", action="store_true", help="reseed even if the marker matches")
    args = parser.parse_args(argv)
    url = args.database_url or url_for(args.db, args.scale)
    info = seed(url, **scaled(args.scale), force=args.force)
    state = "reused" if info.reused else "seeded"
    print(f"{state} {url}: {info.counts} in {info.seconds:.1f} s")
    return 0


def scaled(scale: float) -> dict[str, int]:
    """Seed parameters at ``scale`` (groups shrink too, so groups stay a few hundred strong)."""
    return {
        "users": max(100, round(10_000 * scale)),
        "posts": max(1_000, round(1_000_000 * scale)),
        "groups": max(10, round(200 * min(1.0, scale * 2))),
    }


if __name__ == "__main__":
    sys.exit(main())
