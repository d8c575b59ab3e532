"""``flask`` commands: account administration, jobs, emails and the demo company."""

from __future__ import annotations

import tarfile
from pathlib import Path

import click
from flask import Flask, current_app

from .errors import DomainError
from .extensions import db
from .models import ROLES_ALL

DEFAULT_DEMO_SEED = 2024


def register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(analytics_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(search_cli)
    app.cli.add_command(mail_cli)


@click.group("mail", help="Emails.")
def mail_cli() -> None:
    pass


@mail_cli.command("preview")
@click.option("--to", "email", required=True, help="The email address of the person.")
@click.option(
    "--kind",
    type=click.Choice(["digest", "password_reset", "signup", "signup_exists"]),
    default="digest",
    show_default=True,
)
@click.option(
    "--frequency",
    type=click.Choice(["daily", "weekly"]),
    default=None,
    help="The digest's period (default: the person's own; weekly when theirs is off).",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the HTML part to this file (printed after the text part otherwise).",
)
def mail_preview(email: str, kind: str, frequency: str | None, html_path: Path | None) -> None:
    """Print an email as the person would receive it, in their language; nothing is sent."""
    from .hosts import public_url
    from .services.mail_preview import access_person, preview

    base = public_url(current_app.config) or None
    with current_app.test_request_context(base_url=base):  # emailed links need a URL map
        try:
            message, items = preview(access_person(email), kind, frequency)
        except DomainError as exc:
            raise click.ClickException(str(exc.message)) from exc
        finally:
            db.session.rollback()  # a preview writes nothing
    click.echo(f"To: {', '.join(message.recipients)}")
    click.echo(f"Subject: {message.subject}")
    for name, value in (message.extra_headers or {}).items():
        click.echo(f"{name}: {value}")
    if items == 0:
        click.echo("(nothing to say: the job would send no digest)")
    click.echo("")
    click.echo(message.body)
    if message.html and html_path:
        html_path.write_text(message.html, encoding="utf-8")
        click.echo(f"HTML written to {html_path}")
    elif message.html:
        click.echo(message.html)


@click.group("jobs", help="Background work.")
def jobs_cli() -> None:
    pass


@jobs_cli.command("run")
def run_jobs() -> None:
    """Run every due job once (the server also runs them on its own)."""
    from .jobs import run_due_jobs

    for name, count in run_due_jobs().items():
        click.echo(f"{name}: {count}")


@jobs_cli.command("celebrations")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="YYYY-MM-DD, at most 7 days ago (default: today in the company's time zone).",
)
def run_celebrations(day) -> None:
    """Create the day's birthday, anniversary and welcome posts (idempotent)."""
    from .services.celebrations import company_today, do_run_celebrations

    try:
        created = do_run_celebrations(day.date() if day else company_today())
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"celebrations_created: {created}")


@click.group("analytics", help="Engagement analytics.")
def analytics_cli() -> None:
    pass


@analytics_cli.command("rollup")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="YYYY-MM-DD: first day to roll up (default: the first day with any activity).",
)
def analytics_rollup(since) -> None:
    """Roll up every finished day not rolled up yet (idempotent; the job loop does it too)."""
    from .services.analytics.rollup import do_rollup
    from .services.celebrations import company_today, company_tz

    rolled = do_rollup(company_today(), company_tz(), since=since.date() if since else None)
    db.session.commit()
    click.echo(f"analytics_days_rolled: {rolled}")


@click.group("search", help="The full-text search index.")
def search_cli() -> None:
    pass


@search_cli.command("reindex")
def search_reindex() -> None:
    """Re-create the search index and its triggers, and re-read every row (after a restore,
    a migration that rebuilt a table, or to repair). Searches keep working meanwhile."""
    from .models.search import rebuild_search_index

    rebuild_search_index(db.session.connection())
    db.session.commit()
    click.echo("search index rebuilt")


@search_cli.command("retry-files")
def search_retry_files() -> None:
    """Queue again the files whose words could not be read (after raising the limits
    SOCIALNET_FILE_TEXT_*, say); the job loop reads them on its next passes."""
    from .services.file_text import do_retry_failed

    queued = do_retry_failed()
    db.session.commit()
    click.echo(f"files queued again: {queued}")


@click.group("users", help="Manage accounts.")
def users_cli() -> None:
    pass


@users_cli.command("create")
@click.argument("email")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option(
    "--password", required=True, help="Initial password (12 characters at least, not a common one)."
)
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


@click.command("seed-demo")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing (successfully) when accounts already exist."
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_DEMO_SEED,
    show_default=True,
    help="Random seed: the same seed gives the same company and texts.",
)
@click.option(
    "--posts",
    type=click.IntRange(0, 5000),
    default=None,
    help="Company posts to write (default: a couple of hundred).",
)
def seed_demo_command(if_empty: bool, seed: int, posts: int | None) -> None:
    """Create the demo company Lumen & Co with two months of activity, in an empty database.

    Exits non-zero if accounts exist (emails would collide), unless ``--if-empty``.
    """
    from .demo import seed_demo
    from .demo.seeder import DEFAULT_POSTS
    from .services.accounts import count_users

    existing = count_users()
    if existing:
        if if_empty:
            click.echo(f"The database already has {existing} account(s): demo seed skipped.")
            _echo_demo_sign_ins(only_if_present=True)
            return
        raise click.ClickException(
            f"The database already has {existing} account(s); seed-demo only fills an empty "
            "database (use --if-empty to skip quietly)."
        )
    report = seed_demo(seed, posts=DEFAULT_POSTS if posts is None else posts, progress=True)
    db.session.commit()
    click.echo(
        f"Seeded {report.users} people, {report.groups} groups, {report.posts} posts, "
        f"{report.comments} comments, {report.reactions} reactions, {report.kudos} kudos "
        f"and {report.celebrations} celebrations "
        f"in {report.seconds:.1f} s (seed {seed})."
    )
    _echo_demo_sign_ins()


def _echo_demo_sign_ins(*, only_if_present: bool = False) -> None:
    """Print the demo personas' emails and the shared password (if they exist, when asked)."""
    from sqlalchemy import select

    from .demo import DEMO_PASSWORD
    from .demo.people import DEMO_LOGINS, DOMAIN
    from .models import User

    emails = [f"{handle}@{DOMAIN}" for _persona, handle in DEMO_LOGINS]
    if (
        only_if_present
        and db.session.scalar(select(User.id).where(User.email == emails[0])) is None
    ):
        return
    click.echo(f"Demo sign-ins (password for everyone: {DEMO_PASSWORD!r}):")
    for (persona, _handle), email in zip(DEMO_LOGINS, emails, strict=True):
        click.echo(f"  {persona:<18} {email}")


class _BackupCliError(click.ClickException):
    """A :class:`~socialnet.backup.BackupError` as a CLI error with its own exit status."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _database_url():
    from .backup import BackupError, resolve_database_url

    try:
        return resolve_database_url(
            current_app.config["SQLALCHEMY_DATABASE_URI"], current_app.instance_path
        )
    except BackupError as exc:
        raise _BackupCliError(exc.message, exc.exit_code) from exc


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def backup_command(path: Path | None) -> None:
    """Back up the database (DATABASE_URL) to PATH, online: the server may keep running.

    PATH defaults to instance/backups/socialnet-<UTC timestamp>.db (SQLite, online
    backup API) or .dump (PostgreSQL, pg_dump custom format); a directory gets such
    a name inside it. An existing file is never overwritten. The file (mode 0600)
    holds everyone's personal data: keep it as safe as the database.

    Exit status: 0 done; 1 bad path or not a socialnet database; 3 database missing
    or unreachable; 4 pg_dump missing or older than the server; 5 pg_dump failed.
    """
    from .backup import BackupError, backup, backup_files, describe_database, human_size
    from .storage import storage_root

    url = _database_url()
    try:
        info = backup(url, path, backups_dir=Path(current_app.instance_path) / "backups")
        files = backup_files(storage_root(), info.path)  # uploads, beside it
    except BackupError as exc:
        raise _BackupCliError(exc.message, exc.exit_code) from exc
    click.echo(f"Backed up the {describe_database(url)} (schema {info.revision}).")
    click.echo(f"{info.path}\t{human_size(info.size)} ({info.size} bytes)")
    if files is not None:
        click.echo(f"{files[0]}\t{files[1]} uploaded file(s)")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace ALL data of the database (DATABASE_URL) with the backup at PATH.

    Stop the server first: a database still in use is refused. PATH must be a
    backup of the same engine made by `flask backup` (checked before anything
    changes). SQLite: the file is replaced atomically. PostgreSQL: pg_restore
    --clean in one transaction. Run `flask db upgrade` afterwards if told to.

    Exit status: 0 done; 1 missing file, not a socialnet backup, backup of the other
    engine, or cancelled; 3 database unreachable or in use; 4 pg_restore missing;
    5 pg_restore failed (rolled back).
    """
    from .backup import (
        KIND_NAMES,
        BackupError,
        describe_database,
        files_archive_for,
        human_size,
        restore,
        restore_files,
    )
    from .storage import storage_root

    url = _database_url()
    archive = files_archive_for(Path(path))
    if archive.exists() and not tarfile.is_tarfile(archive):
        raise _BackupCliError(f"{archive} is not a files archive made by `flask backup`.", 1)

    def confirm(info) -> bool:
        kind, size = KIND_NAMES[info.kind], human_size(info.size)
        click.echo(f"{info.path}: {kind} backup, schema {info.revision}, {size}.")
        return yes or click.confirm(
            f"Replace every row of the {describe_database(url)} with this backup?"
        )

    try:
        result = restore(url, path, confirm=confirm)
        restored_files = restore_files(Path(path), storage_root())
    except BackupError as exc:
        raise _BackupCliError(exc.message, exc.exit_code) from exc
    click.echo(f"Restored the {result.database} from {path} (schema {result.info.revision}).")
    if restored_files is not None:
        click.echo(f"Restored {restored_files} uploaded file(s) from {archive}.")
    if not result.at_head:
        click.echo("The backup's schema is older than this code: run `flask db upgrade` next.")
