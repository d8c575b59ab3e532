"""Proves which engine the suite ran on, so CI can tell a PostgreSQL run really happened."""

import os

from socialnet.extensions import db


def test_suite_runs_on_the_expected_engine(record_property):
    expected = os.environ.get("EXPECT_DIALECT") or (
        "postgresql"
        if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
        else "sqlite"
    )
    record_property("dialect", db.engine.dialect.name)
    assert db.engine.dialect.name == expected
