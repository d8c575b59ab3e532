"""``flask users create``: the trusted way to make the first accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from socialnet.extensions import db
from socialnet.models import User
from socialnet.services.accounts import authenticate

PASSWORD = "a long enough password"


@pytest.fixture
def create(app):
    """``create(email, *options)``: run ``flask users create``; returns the click result."""
    runner = app.test_cli_runner()

    def run(email: str, *options: str, name: str = "Ana Martin", password: str = PASSWORD):
        args = ["users", "create", email, "--name", name, "--password", password, *options]
        return runner.invoke(args=args)

    return run


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_creates_an_account_that_can_sign_in(create):
    result = create(
        "Ana.Martin@Lumen.example", "--role", "admin", "--department", "IT", "--site", "Lyon"
    )
    assert result.exit_code == 0, result.output
    assert "Created ana.martin@lumen.example" in result.output
    assert "@ana.martin" in result.output
    user = authenticate("ana.martin@lumen.example", PASSWORD)
    assert (user.role, user.department, user.site, user.display_name) == (
        "admin",
        "IT",
        "Lyon",
        "Ana Martin",
    )


def test_default_role_is_employee(create):
    assert create("leo@lumen.example").exit_code == 0
    assert db.session.scalar(select(User.role)) == "employee"


def test_duplicate_email_fails_clearly(create):
    assert create("ana.martin@lumen.example").exit_code == 0
    result = create("ANA.MARTIN@lumen.example", name="Someone Else")
    assert result.exit_code == 1
    assert "Error: An account with this email already exists." in result.output
    assert _users() == 1


def test_unknown_role_is_refused(create):
    result = create("ana.martin@lumen.example", "--role", "superuser")
    assert result.exit_code == 2
    assert "superuser" in result.output and "--role" in result.output
    assert _users() == 0


def test_short_password_is_refused(create):
    result = create("ana.martin@lumen.example", password="short")
    assert result.exit_code == 1
    assert "at least 12 are needed" in result.output
    assert _users() == 0


def test_invalid_email_is_refused(create):
    result = create("not-an-email")
    assert result.exit_code == 1
    assert "valid email" in result.output
    assert _users() == 0
