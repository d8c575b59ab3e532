"""Alembic migrations build exactly the schema the models describe, and downgrade cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from socialnet.extensions import db

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scratch_database_url(tmp_path):
    """A fresh, empty database of the same engine as the suite's."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"socialnet_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _flask_db(url: str, *args: str) -> None:
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url}
    env["SOCKETIO_ASYNC_MODE"] = "threading"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def _index_names(conn) -> set[str]:
    if conn.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    return set(conn.execute(text(query)).scalars())


def test_upgrade_matches_models_and_downgrade_empties(scratch_database_url):
    _flask_db(scratch_database_url, "upgrade")
    engine = create_engine(scratch_database_url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # Reflection skips expression indexes (lower(display_name)) and warns; they
            # are checked by name below instead.
            warnings.filterwarnings("ignore", message=".*expression.*index")
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            index_names = _index_names(conn)
        assert differences == []
        assert "ix_users_lower_display_name" in index_names
        _flask_db(scratch_database_url, "downgrade", "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_database_refuses_to_change_or_delete_audit_entries(scratch_database_url):
    """Below the ORM: the migration's triggers abort UPDATE and DELETE on audit_log."""
    _flask_db(scratch_database_url, "upgrade")
    engine = create_engine(scratch_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO audit_log (actor_name, action, target_type, reason, before,"
                    " after, created_at) VALUES ('x', 'case.hide', 'case', '', '{}', '{}',"
                    " CURRENT_TIMESTAMP)"
                )
            )
        for statement in ("UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT reason FROM audit_log")).scalars().all() == [""]
    finally:
        engine.dispose()
