"""Bulk-load a large, realistic dataset for the feed benchmark, fast.

Rows are built in Python and written with SQLAlchemy Core ``insert()`` of lists
of dicts, in chunks (executemany, or insertmanyvalues on PostgreSQL). Bodies
are a handful of templates rendered once through the real
:func:`socialnet.services.content.render_body`, so ``body_html`` is exactly what
the app would store. Ids are explicit and grow with ``created_at``; on
PostgreSQL the sequences are moved past them afterwards.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, func, insert, select, text
from tqdm import tqdm

from socialnet.extensions import db
from socialnet.models import (
    REACTION_KINDS,
    Comment,
    Group,
    GroupMembership,
    Mention,
    Post,
    PostHashtag,
    Reaction,
    User,
)
from socialnet.models._time import utcnow
from socialnet.services.content import render_body

CHUNK = 5_000
GROUPS = 20
VIEWER_ID = 1
SITES = ("Lyon", "Paris", "Nantes", "Montréal", "Barcelona")
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
)
COMMENT_TEMPLATES = ("Bravo ! 👏", "Great job @user{a}!", "Merci pour le partage, **super**.")


@dataclass(frozen=True)
class Body:
    """A rendered template: what the posts table and its side tables get."""

    body: str
    html: str
    mentioned_ids: tuple[int, ...]
    hashtags: tuple[str, ...]


@dataclass
class Dataset:
    """Sizes of what was loaded, for the report."""

    users: int
    posts: int
    comments: int
    reactions: int
    groups: int


def _render(templates: tuple[str, ...], rng: random.Random, users: int) -> list[Body]:
    bodies = []
    for template in templates:
        source = template.format(a=rng.randrange(2, users + 1), b=rng.randrange(2, users + 1))
        rendered = render_body(source)
        bodies.append(
            Body(source, rendered.html, tuple(rendered.mentioned_ids), tuple(rendered.hashtags))
        )
    return bodies


def _chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Loader:
    """Writes row iterators table by table, advancing one progress bar."""

    def __init__(self, bar: tqdm) -> None:
        self.bar = bar

    def load(self, table: Table, rows: Iterator[dict]) -> int:
        count = 0
        for chunk in _chunks(rows):
            with db.engine.begin() as conn:
                conn.execute(insert(table), chunk)
            count += len(chunk)
            self.bar.update(len(chunk))
        return count


def _users(n: int, now: datetime) -> Iterator[dict]:
    """People rows with the folded keys ``models.User`` keeps (the table requires them)."""
    from .seed_big import _name_keys

    for i in range(1, n + 1):
        handle, name = f"user{i}", f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]} {i}"
        department, site = DEPARTMENTS[i % len(DEPARTMENTS)], SITES[i % len(SITES)]
        handle_key, name_key, search_key = _name_keys(handle, name, "Engineer", department, site)
        yield {
            "id": i,
            "email": f"user{i}@bench.example",
            "handle": handle,
            "display_name": name,
            "password_hash": "!unusable",
            "job_title": "Engineer",
            "department": department,
            "site": site,
            "manager_id": None if i <= 10 else 1 + i % 10,
            "role": "manager" if i <= 10 else "employee",
            "active": True,
            "session_epoch": 0,
            "created_at": now - timedelta(days=400),
            "handle_key": handle_key,
            "name_key": name_key,
            "search_key": search_key,
        }


def _memberships(rng: random.Random, users: int, now: datetime) -> Iterator[dict]:
    """Everyone is in 0-3 groups; the viewer in one public (1) and one private (2) group."""
    yield from (
        {"group_id": g, "user_id": VIEWER_ID, "role": "member", "created_at": now} for g in (1, 2)
    )
    for user_id in range(2, users + 1):
        for group_id in rng.sample(range(1, GROUPS + 1), rng.randrange(4)):
            yield {"group_id": group_id, "user_id": user_id, "role": "member", "created_at": now}


def _plan_posts(rng: random.Random, n: int, users: int, now: datetime) -> list[dict]:
    """Posts over the last year, oldest first; 10 % in groups, 0.5 % deleted."""
    start = now - timedelta(days=365)
    step = timedelta(days=365) / n
    rows = []
    for i in range(1, n + 1):
        rows.append(
            {
                "id": i,
                "author_id": rng.randrange(1, users + 1),
                "group_id": rng.randrange(1, GROUPS + 1) if rng.random() < 0.10 else None,
                "template": rng.randrange(len(POST_TEMPLATES)),
                "comment_count": 0,
                "created_at": start + step * i,
                "deleted_at": start + step * i if rng.random() < 0.005 else None,
            }
        )
    return rows


def load(
    posts: int, users: int, seed: int = 1, progress: bool = True, sqlite_analyze: bool = False
) -> Dataset:
    """Load the dataset into the current (empty) database; see :func:`_finish`."""
    rng = random.Random(seed)
    now = utcnow()
    plan = _plan_posts(rng, posts, users, now)
    comment_posts = [
        rng.randrange(max(1, posts - posts // 10), posts + 1) for _ in range(posts // 5)
    ]
    comment_posts += [rng.randrange(1, posts + 1) for _ in range(posts // 10)]
    comment_posts.sort()
    for post_id in comment_posts:
        plan[post_id - 1]["comment_count"] += 1
    total_estimate = users * 3 + posts * 5 + len(comment_posts)
    with tqdm(total=total_estimate, desc="Loading", unit="row", disable=not progress) as bar:
        loader = _Loader(bar)
        loader.load(User.__table__, _users(users, now))
        groups = (
            {"id": g, "name": f"Group {g}", "description": "", "created_at": now,
             "visibility": "public" if g % 2 else "private",
             "handle": f"group-{g}", "handle_key": f"group-{g}"}
            for g in range(1, GROUPS + 1)
        )  # fmt: skip
        loader.load(Group.__table__, groups)
        loader.load(GroupMembership.__table__, _memberships(rng, users, now))
        post_bodies = _render(POST_TEMPLATES, rng, users)
        loader.load(Post.__table__, _post_rows(plan, post_bodies))
        loader.load(Mention.__table__, _mention_rows(plan, post_bodies))
        loader.load(PostHashtag.__table__, _hashtag_rows(plan, post_bodies))
        comment_bodies = _render(COMMENT_TEMPLATES, rng, users)
        comments = loader.load(
            Comment.__table__, _comment_rows(rng, comment_posts, plan, comment_bodies, users)
        )
        reactions = loader.load(Reaction.__table__, _reaction_rows(rng, plan, users))
        bar.total = bar.n
        bar.refresh()
    _finish(sqlite_analyze)
    return Dataset(users, posts, comments, reactions, GROUPS)


def _post_rows(plan: list[dict], bodies: list[Body]) -> Iterator[dict]:
    for row in plan:
        body = bodies[row["template"]]
        yield {
            "id": row["id"],
            "author_id": row["author_id"],
            "group_id": row["group_id"],
            "body": body.body,
            "body_html": body.html,
            "comment_count": row["comment_count"],
            "created_at": row["created_at"],
            "edited_at": None,
            "deleted_at": row["deleted_at"],
            "deleted_by_id": row["author_id"] if row["deleted_at"] else None,
        }


def _mention_rows(plan: list[dict], bodies: list[Body]) -> Iterator[dict]:
    for row in plan:
        for user_id in bodies[row["template"]].mentioned_ids:
            yield {"post_id": row["id"], "comment_id": None, "user_id": user_id}


def _hashtag_rows(plan: list[dict], bodies: list[Body]) -> Iterator[dict]:
    for row in plan:
        for tag in bodies[row["template"]].hashtags:
            yield {"post_id": row["id"], "tag": tag}


def _comment_rows(
    rng: random.Random, post_ids: list[int], plan: list[dict], bodies: list[Body], users: int
) -> Iterator[dict]:
    for i, post_id in enumerate(post_ids, start=1):
        body = bodies[rng.randrange(len(bodies))]
        yield {
            "id": i,
            "post_id": post_id,
            "author_id": rng.randrange(1, users + 1),
            "body": body.body,
            "body_html": body.html,
            "created_at": plan[post_id - 1]["created_at"] + timedelta(minutes=5),
            "deleted_at": None,
        }


def _reaction_rows(rng: random.Random, plan: list[dict], users: int) -> Iterator[dict]:
    """0-4 reactions per post (distinct people), and the viewer on every 7th post."""
    for row in plan:
        reactors = set(rng.sample(range(2, users + 1), rng.randrange(5)))
        if row["id"] % 7 == 0:
            reactors.add(VIEWER_ID)
        for user_id in sorted(reactors):
            yield {
                "post_id": row["id"],
                "user_id": user_id,
                "kind": REACTION_KINDS[(user_id + row["id"]) % len(REACTION_KINDS)],
                "created_at": row["created_at"] + timedelta(minutes=2),
            }


def _finish(sqlite_analyze: bool) -> None:
    """On PostgreSQL: move sequences past the explicit ids, and ANALYZE.

    ANALYZE is what autovacuum would do soon after such a load. SQLite is left
    as the app leaves it (the app never runs ANALYZE there) unless ``sqlite_analyze``.
    """
    if db.engine.dialect.name != "postgresql":
        if sqlite_analyze:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        return
    with db.engine.begin() as conn:
        for table in ("users", "groups", "posts", "comments", "mentions"):
            top = conn.scalar(select(func.max(text("id"))).select_from(text(table)))
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                {"t": table, "v": max(top or 1, 1)},
            )
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
