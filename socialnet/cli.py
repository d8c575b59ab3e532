"""``flask`` commands: account administration and the demo company."""

from __future__ import annotations

import click
from flask import Flask

from .errors import DomainError
from .extensions import db
from .models import ROLES_ALL


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)


@click.group("users", help="Manage accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option("--password", required=True, help="Initial password (10 characters at least).")
@click.option("--role", type=click.Choice(ROLES_ALL), default="employee", show_default=True)
@click.option("--department", default="")
@click.option("--site", default="")
@click.option("--job-title", default="")
def create_user(
    email: str,
    display_name: str,
    password: str,
    role: str,
    department: str,
    site: str,
    job_title: str,
) -> None:
    """Create an account (the trusted path: no admin needed)."""
    from .services.accounts import do_create_user

    try:
        user = do_create_user(
            {
                "email": email,
                "display_name": display_name,
                "password": password,
                "role": role,
                "department": department,
                "site": site,
                "job_title": job_title,
            }
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created {user.email} (id {user.id}, @{user.handle}, {user.role}).")
