"""``flask backup`` / ``flask restore`` on SQLite and PostgreSQL (issue #7, durability).

Each test works on a database of its own, copied from a template that one
subprocess migrated (``flask db upgrade``'s code, Alembic) and seeded through the
services: the suite's own database (built by ``create_all``) is never touched.
PostgreSQL runs on every pass, on scratch databases created and dropped here;
it needs ``pg_dump`` and fails (never skips) without it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url

from socialnet.backup import (
    EXIT_BAD_INPUT,
    EXIT_DATABASE,
    EXIT_TOOLS,
    PG_BINDIR_ENV,
    _head_revisions,
    backup,
)
from socialnet.models import Comment, Post, User

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ["sqlite", "postgresql"]

#: Run in a subprocess: migrate each URL to head and seed it through the services.
SEED_SCRIPT = """
import sys
from flask_migrate import upgrade
from socialnet import create_app
from socialnet.extensions import db
from socialnet.services.accounts import do_create_user
from socialnet.services.comments import do_create_comment
from socialnet.services.groups import do_create_group, do_join
from socialnet.services.posts import do_create_post

for url in sys.argv[1:]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SOCKETIO_ASYNC_MODE": "threading"})
    with app.app_context():
        upgrade()
        people = [
            do_create_user({"email": f"{h}@lumen.example", "display_name": h.title(),
                            "password": "seed password 1", "role": "employee"})
            for h in ("ana", "bob", "cleo")
        ]
        group = do_create_group(people[0], {"name": "Backups guild", "type": "public"})
        for person in people[1:]:
            do_join(person, group.id)
        for n, author in enumerate(people * 2):
            post = do_create_post(author, {"body": f"Post {n} by {author.handle}",
                                           "group_id": group.id if n % 2 else None})
            do_create_comment(people[(n + 1) % 3], post.id, {"body": f"Re: post {n}"})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
"""


def _pg_url(database: str) -> str:
    url = make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg", database=database)
    return url.render_as_string(hide_password=False)


def _pg_admin(*statements: str) -> None:
    admin_url = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One migrated, seeded database per engine, to copy from."""
    sqlite_path = tmp_path_factory.mktemp("backup-template") / "template.db"
    pg_name = f"socialnet_bk_tmpl_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{pg_name}"')
    try:
        env = {**os.environ, "SECRET_KEY": "backup-tests", "PYTHONWARNINGS": "ignore"}
        done = subprocess.run(
            [sys.executable, "-c", SEED_SCRIPT, f"sqlite:///{sqlite_path}", _pg_url(pg_name)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        yield {"sqlite": str(sqlite_path), "postgresql": pg_name}
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request, templates, tmp_path) -> Iterator[str]:
    """A seeded database of its own, on each engine."""
    if request.param == "sqlite":
        path = tmp_path / "socialnet.db"
        shutil.copyfile(templates["sqlite"], path)
        yield f"sqlite:///{path}"
        return
    name = f"socialnet_bk_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{templates["postgresql"]}"')
    try:
        yield _pg_url(name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def unchanged_database_url(request, templates, tmp_path) -> str:
    """A seeded database, for tests whose commands must change nothing.

    On PostgreSQL this is the template itself (creating a database costs a
    checkpoint); a test that changed it would fail, and so would those after it.
    """
    if request.param == "sqlite":
        path = tmp_path / "socialnet.db"
        shutil.copyfile(templates["sqlite"], path)
        return f"sqlite:///{path}"
    return _pg_url(templates["postgresql"])


@pytest.fixture
def cli(app) -> Callable[..., object]:
    """``cli(url, *args)``: run a ``flask`` command in-process against database ``url``."""
    runner = app.test_cli_runner()

    def run(url: str, *args: str, env: dict[str, str] | None = None, input: str | None = None):
        app.config["SQLALCHEMY_DATABASE_URI"] = url  # restored after the test by app_ctx
        return runner.invoke(args=list(args), env=env, input=input)

    return run


def snapshot(url: str) -> dict[str, object]:
    """Everything the round trip must bring back, read on a connection closed afterwards."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                "revision": conn.scalar(text("SELECT version_num FROM alembic_version")),
                "users": conn.execute(
                    select(User.id, User.email, User.display_name).order_by(User.id)
                ).all(),
                "groups": conn.execute(text("SELECT id, name FROM groups ORDER BY id")).all(),
                "posts": conn.execute(
                    select(
                        Post.id, Post.author_id, Post.group_id, Post.body, Post.comment_count
                    ).order_by(Post.id)
                ).all(),
                "comments": conn.execute(
                    select(Comment.id, Comment.post_id, Comment.body).order_by(Comment.id)
                ).all(),
            }
    finally:
        engine.dispose()


def change_everything(url: str) -> None:
    """Edit, delete and add rows, as a day of use after the backup would."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(update(Post).values(body="changed after the backup"))
            conn.execute(update(User).values(display_name="Mallory"))
            first_comment = conn.scalar(select(func.min(Comment.id)))
            conn.execute(Comment.__table__.delete().where(Comment.id == first_comment))
            conn.execute(
                insert(User).values(
                    email="late.joiner@lumen.example",
                    handle="late.joiner",
                    display_name="Late Joiner",
                    password_hash="x",
                    role="employee",
                )
            )
    finally:
        engine.dispose()


def test_round_trip_brings_back_the_backed_up_data(cli, database_url, tmp_path):
    before = snapshot(database_url)
    assert len(before["users"]) == 3 and len(before["posts"]) == 6 and len(before["comments"]) == 6
    kind = "db" if database_url.startswith("sqlite") else "dump"
    target = tmp_path / f"nightly.{kind}"

    made = cli(database_url, "backup", str(target))
    assert made.exit_code == 0, made.output
    assert str(target) in made.output and f"({target.stat().st_size} bytes)" in made.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # everyone's personal data

    change_everything(database_url)
    changed = snapshot(database_url)
    assert changed != before and len(changed["users"]) == 4

    restored = cli(database_url, "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "Restored" in restored.output
    after = snapshot(database_url)
    assert after == before
    assert "late.joiner@lumen.example" not in {u.email for u in after["users"]}
    _known, heads = _head_revisions(ROOT / "migrations")
    assert after["revision"] in heads


def test_a_backup_path_that_is_a_directory_gets_a_timestamped_name(
    cli, unchanged_database_url, tmp_path, app, monkeypatch
):
    database_url = unchanged_database_url
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    first = cli(database_url, "backup")
    into_dir = cli(database_url, "backup", str(tmp_path))
    assert first.exit_code == 0 and into_dir.exit_code == 0, first.output + into_dir.output
    suffix = "db" if database_url.startswith("sqlite") else "dump"
    backups_dir = tmp_path / "instance" / "backups"
    (made,) = backups_dir.iterdir()
    assert made.name.startswith("socialnet-") and made.name.endswith(f"Z.{suffix}")
    assert stat.S_IMODE(backups_dir.stat().st_mode) == 0o700
    assert len(list(tmp_path.glob(f"socialnet-*Z.{suffix}"))) == 1
    again = cli(database_url, "backup", str(made))
    assert again.exit_code == EXIT_BAD_INPUT and "never overwrites" in again.output


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, what the error must say), for a target of either engine."""
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a backup\n" * 100)
    foreign = tmp_path / "other-app.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    conn.close()
    broken_dump = tmp_path / "broken.dump"
    broken_dump.write_bytes(b"PGDMP" + b"\x00" * 300)
    return {
        "missing": (tmp_path / "nope.db", "does not exist"),
        "text": (text_file, "is not a socialnet backup"),
        "foreign sqlite": (foreign, "no alembic_version table"),
        "broken dump": (broken_dump, "not a readable pg_dump archive"),
    }


def test_bad_input_is_refused_and_changes_nothing(cli, unchanged_database_url, tmp_path):
    database_url = unchanged_database_url
    before = snapshot(database_url)
    on_sqlite = database_url.startswith("sqlite")
    cases = _bad_files(tmp_path)
    # A file of the other engine is refused as such, before anything else is read.
    cases["foreign sqlite" if not on_sqlite else "broken dump"] = (
        cases["foreign sqlite" if not on_sqlite else "broken dump"][0],
        "SQLite backup, but DATABASE_URL names a PostgreSQL"
        if not on_sqlite
        else "PostgreSQL backup, but DATABASE_URL names a SQLite",
    )
    for name, (path, message) in cases.items():
        result = cli(database_url, "restore", str(path), "--yes")
        assert result.exit_code == EXIT_BAD_INPUT, (name, result.output)
        assert "Error: " in result.output and message in result.output, (name, result.output)
    assert snapshot(database_url) == before
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


def test_restore_asks_first_and_no_means_nothing_changes(cli, templates, tmp_path):
    database_url = f"sqlite:///{tmp_path / 'socialnet.db'}"
    shutil.copyfile(templates["sqlite"], tmp_path / "socialnet.db")
    target = tmp_path / "b"
    assert cli(database_url, "backup", str(target)).exit_code == 0
    change_everything(database_url)
    changed = snapshot(database_url)
    refused = cli(database_url, "restore", str(target), input="n\n")
    assert refused.exit_code == EXIT_BAD_INPUT, refused.output
    assert "Replace every row" in refused.output and "nothing changed" in refused.output
    assert snapshot(database_url) == changed


def test_restore_refuses_a_database_in_use(cli, unchanged_database_url, tmp_path):
    """A running server keeps connections open: the restore must not pull the file away."""
    database_url = unchanged_database_url
    before = snapshot(database_url)
    target = tmp_path / "b"
    assert cli(database_url, "backup", str(target)).exit_code == 0
    engine = create_engine(database_url)
    try:
        with engine.connect() as server_connection:
            server_connection.execute(text("SELECT 1")).all()
            if database_url.startswith("sqlite"):
                server_connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            result = cli(database_url, "restore", str(target), "--yes")
        assert result.exit_code == EXIT_DATABASE, result.output
        assert "in use" in result.output and "Nothing was changed" in result.output
    finally:
        engine.dispose()
    assert snapshot(database_url) == before


def test_unreachable_database_fails_clearly(cli, tmp_path):
    missing_file = cli(f"sqlite:///{tmp_path / 'absent.db'}", "backup", str(tmp_path / "x.db"))
    assert missing_file.exit_code == EXIT_DATABASE, missing_file.output
    assert "does not exist: nothing to back up" in missing_file.output
    assert not (tmp_path / "absent.db").exists()
    url = make_url(_pg_url("socialnet_no_such_db")).set(port=_closed_port())
    down = cli(url.render_as_string(hide_password=False), "backup", str(tmp_path / "x.dump"))
    assert down.exit_code == EXIT_DATABASE, down.output
    assert "Cannot reach the PostgreSQL database 'socialnet_no_such_db'" in down.output
    assert not (tmp_path / "x.dump").exists()


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pg_dump_missing_or_too_old_is_a_clear_error(cli, templates, tmp_path):
    url = _pg_url(templates["postgresql"])
    empty = tmp_path / "bin-empty"
    empty.mkdir()
    missing = cli(url, "backup", str(tmp_path / "x.dump"), env={PG_BINDIR_ENV: str(empty)})
    assert missing.exit_code == EXIT_TOOLS, missing.output
    assert "pg_dump was not found" in missing.output
    old = tmp_path / "bin-old"
    old.mkdir()
    fake = old / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    fake.chmod(0o755)
    too_old = cli(url, "backup", str(tmp_path / "x.dump"), env={PG_BINDIR_ENV: str(old)})
    assert too_old.exit_code == EXIT_TOOLS, too_old.output
    assert "older than the PostgreSQL" in too_old.output
    assert not (tmp_path / "x.dump").exists()


def test_the_real_pg_dump_is_installed_and_fits_the_server():
    """CI must exercise PostgreSQL backups: a missing pg_dump fails here, loudly."""
    from socialnet.backup import _check_tool_fits_server, _pg_tool, tool_major_version

    pg_dump = _pg_tool("pg_dump")
    with psycopg.connect(make_url(PG_ADMIN_URL).render_as_string(hide_password=False)) as conn:
        server_major = conn.info.server_version // 10000
    _check_tool_fits_server(pg_dump, server_major)
    assert tool_major_version(pg_dump) >= server_major


def test_sqlite_backup_is_a_consistent_snapshot_while_the_server_writes(templates, tmp_path):
    """Writers keep committing (a post and its comment, count bumped, in one transaction)."""
    path = tmp_path / "busy.db"
    shutil.copyfile(templates["sqlite"], path)
    url = make_url(f"sqlite:///{path}")
    engine = create_engine(url)
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            conn.exec_driver_sql("PRAGMA busy_timeout=10000")
            author = conn.scalar(select(func.min(User.id)))
            conn.commit()
            while not stop.is_set():
                with conn.begin():
                    post_id = conn.execute(
                        insert(Post).values(author_id=author, body="b", body_html="b")
                    ).inserted_primary_key[0]
                    conn.execute(
                        insert(Comment).values(
                            post_id=post_id, author_id=author, body="c", body_html="c"
                        )
                    )
                    conn.execute(
                        update(Post)
                        .where(Post.id == post_id)
                        .values(comment_count=Post.comment_count + 1)
                    )
                written.append(post_id)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        copies = []
        deadline = time.monotonic() + 30
        while len(copies) < 3 and time.monotonic() < deadline:
            if len(written) <= 20 * (len(copies) + 1):
                time.sleep(0.01)
                continue
            copies.append(backup(url, tmp_path / f"copy{len(copies)}.db", backups_dir=tmp_path))
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert len(copies) == 3, f"the writer wrote {len(written)} posts in 30 s"
    counts = []
    for copy in copies:
        conn = sqlite3.connect(copy.path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            mismatched = conn.execute(
                "SELECT count(*) FROM posts p WHERE comment_count != "
                "(SELECT count(*) FROM comments c WHERE c.post_id = p.id)"
            ).fetchone()
            assert mismatched == (0,)
            counts.append(conn.execute("SELECT count(*) FROM posts").fetchone()[0])
        finally:
            conn.close()
    assert counts == sorted(counts) and counts[0] < counts[-1], counts  # taken while writing


def test_backup_and_restore_round_trip_the_uploaded_files(app, cli, database_url, tmp_path):
    storage = tmp_path / "uploads"
    app.config["STORAGE_DIR"] = str(storage)  # restored after the test by app_ctx
    (storage / "ab").mkdir(parents=True)
    (storage / "ab" / "cdef0123").write_bytes(b"the team photo")
    target = tmp_path / "nightly.bak"

    made = cli(database_url, "backup", str(target))
    assert made.exit_code == 0, made.output
    archive = tmp_path / "nightly.bak.files.tar"
    assert "1 uploaded file(s)" in made.output and str(archive) in made.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    (storage / "ab" / "cdef0123").write_bytes(b"overwritten")
    (storage / "ab" / "9999").write_bytes(b"uploaded after the backup")
    restored = cli(database_url, "restore", str(target), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "Restored 1 uploaded file(s)" in restored.output
    assert (storage / "ab" / "cdef0123").read_bytes() == b"the team photo"
    assert not (storage / "ab" / "9999").exists()
