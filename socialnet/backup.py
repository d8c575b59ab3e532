"""Back up and restore the whole database: ``flask backup`` and ``flask restore``.

Two engines, one contract:

- **SQLite**: :func:`backup` copies the file with SQLite's online backup API
  (``sqlite3.Connection.backup``) in one step, under one read transaction, so the
  copy is a consistent snapshot even while the server keeps writing (WAL lets the
  writers go on). :func:`restore` copies the backup into a temporary file next to
  the database, fsyncs it and swaps it in with ``os.replace`` (atomic: a crash
  leaves either the old or the new database, never a mix).
- **PostgreSQL**: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
  --no-owner --single-transaction`` with the connection parameters of
  ``DATABASE_URL``; the password travels in ``PGPASSWORD``, never on a command line.

Every backup is checked before it is kept, and every file is checked before a
restore touches the database: it must be a backup of the same engine, readable,
and a socialnet database (an ``alembic_version`` row naming a revision these
migrations know). A check that fails raises :class:`BackupError` and changes
nothing.

A restore needs the servers stopped. On SQLite this is enforced: a server holds
its connections open, and SQLite refuses to leave WAL mode while another
connection is open, so the restore refuses too (replacing the file under a
running server would send its later writes to the unlinked old file, lost). On
PostgreSQL the restore refuses while any other session is connected to the
database.

Backups hold every employee's personal data: files are created with mode 0600
and the default directory ``instance/backups`` with 0700.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
SUFFIXES = {SQLITE: "db", POSTGRESQL: "dump"}
KIND_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
#: Environment variable naming a directory holding pg_dump/pg_restore (else PATH).
PG_BINDIR_ENV = "SOCIALNET_PG_BINDIR"
CONNECT_TIMEOUT_SECONDS = 5

#: Exit statuses of ``flask backup`` / ``flask restore`` (2 is click's usage error).
EXIT_BAD_INPUT = 1  # missing file, not a socialnet backup, the other engine's backup
EXIT_DATABASE = 3  # the database is unreachable or in use (a server still running)
EXIT_TOOLS = 4  # pg_dump / pg_restore missing or too old for the server
EXIT_TOOL_FAILED = 5  # pg_dump / pg_restore ran and failed (its message is shown)

#: URL query parameters passed on to libpq, with the environment variable for each.
_LIBPQ_PARAMS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was changed.

    ``exit_code`` is the CLI's exit status (one of the ``EXIT_*`` constants).
    """

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class BackupAborted(BackupError):
    """The person asked to confirm said no."""


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup file holds."""

    path: Path
    kind: str  # SQLITE or POSTGRESQL
    revision: str  # its alembic schema revision
    size: int


@dataclass(frozen=True)
class RestoreResult:
    """The outcome of a restore: the database now holds ``info``'s data."""

    info: BackupInfo
    database: str  # a description for people (never the password)
    at_head: bool  # False: run ``flask db upgrade`` before serving


# --------------------------------------------------------------------------- URLs


def resolve_database_url(uri: str, instance_path: str | os.PathLike[str]) -> URL:
    """Return ``uri`` as the URL the app really uses.

    Flask-SQLAlchemy reads a relative SQLite path relative to the instance folder,
    so this does too. :raise BackupError: an in-memory database or an engine other
    than SQLite and PostgreSQL.
    """
    url = make_url(uri)
    kind = database_kind(url)
    if kind == SQLITE:
        database = url.database or ""
        if database in ("", ":memory:") or "mode=memory" in database:
            raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
        if url.query.get("uri") and database.startswith("file:"):
            database = database[5:].split("?", 1)[0]
        if not os.path.isabs(database):
            database = os.path.join(os.fspath(instance_path), database)
        url = url.set(database=database, query={})
    return url


def database_kind(url: URL) -> str:
    """SQLITE or POSTGRESQL for ``url``. :raise BackupError: another engine."""
    backend = url.get_backend_name()
    if backend in (SQLITE, POSTGRESQL):
        return backend
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend!r}.")


def describe_database(url: URL) -> str:
    """A description of the database for messages (never its password)."""
    if database_kind(url) == SQLITE:
        return f"SQLite database {url.database}"
    where = f"{url.host or 'local socket'}:{url.port or 5432}"
    return f"PostgreSQL database {url.database!r} on {where}"


# ------------------------------------------------------------------- file checks


def _head_revisions(migrations_dir: Path) -> tuple[set[str], set[str]]:
    """(every revision these migrations know, the head revisions)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    return known, set(script.get_heads())


def backup_kind(path: Path) -> str:
    """SQLITE or POSTGRESQL, from the file's first bytes.

    :raise BackupError: the file is missing, unreadable, or neither kind.
    """
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(f"{path} cannot be read: {exc.strerror}.") from exc
    if head.startswith(SQLITE_MAGIC):
        return SQLITE
    if head.startswith(PG_CUSTOM_MAGIC):
        return POSTGRESQL
    raise BackupError(
        f"{path} is not a socialnet backup: neither a SQLite database nor a "
        "pg_dump custom-format archive."
    )


def check_backup(
    path: Path, *, expected_kind: str | None = None, migrations_dir: Path = MIGRATIONS_DIR
) -> BackupInfo:
    """Check that ``path`` is a restorable socialnet backup and say what it holds.

    :raise BackupError: missing or unreadable file, not a backup, a backup of
        another engine than ``expected_kind``, damaged, not a socialnet database,
        or made by migrations this code does not know (a newer socialnet).
    """
    path = Path(path)
    kind = backup_kind(path)
    if expected_kind is not None and kind != expected_kind:
        raise BackupError(
            f"{path} is a {KIND_NAMES[kind]} backup, but DATABASE_URL names a "
            f"{KIND_NAMES[expected_kind]} database: restore it into a "
            f"{KIND_NAMES[kind]} database."
        )
    revision = _sqlite_revision(path) if kind == SQLITE else _pg_dump_revision(path)
    known, _heads = _head_revisions(migrations_dir)
    if revision not in known:
        raise BackupError(
            f"{path} has schema revision {revision!r}, which these migrations do not know "
            "(a backup from a newer socialnet?): restore it with that version."
        )
    return BackupInfo(path=path, kind=kind, revision=revision, size=path.stat().st_size)


def _sqlite_uri(path: Path, mode: str) -> str:
    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def _sqlite_revision(path: Path) -> str:
    """The alembic revision of the SQLite file ``path``, after an integrity check."""
    try:
        conn = sqlite3.connect(_sqlite_uri(path, "ro"), uri=True, timeout=10)
    except sqlite3.Error as exc:
        raise BackupError(f"{path} cannot be opened as a SQLite database: {exc}.") from exc
    try:
        check = conn.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise BackupError(f"{path} is damaged (SQLite quick_check: {check}).")
        return _alembic_revision(conn, path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}.") from exc
    finally:
        conn.close()


def _alembic_revision(conn: sqlite3.Connection, path: Path | str) -> str:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has_table:
        raise BackupError(f"{path} is not a socialnet database: it has no alembic_version table.")
    rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) != 1:
        raise BackupError(f"{path} is not a socialnet database: alembic_version is empty.")
    return rows[0][0]


_COPY_ALEMBIC = re.compile(
    r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)\n\\\.", re.M
)


def _pg_dump_revision(path: Path) -> str:
    """The alembic revision held in the pg_dump archive ``path`` (read by pg_restore)."""
    pg_restore = _pg_tool("pg_restore")
    done = subprocess.run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive: {_first_lines(done.stderr)}")
    match = _COPY_ALEMBIC.search(done.stdout)
    if not match or not match.group(1).strip():
        raise BackupError(
            f"{path} is not a socialnet database: its archive holds no alembic_version row."
        )
    return match.group(1).strip().splitlines()[0]


# ------------------------------------------------------------------------ backup


def default_backup_name(kind: str, now: datetime | None = None) -> str:
    """``socialnet-<UTC timestamp>.<db|dump>``, e.g. ``socialnet-20261122T231500Z.db``."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"socialnet-{stamp}.{SUFFIXES[kind]}"


def _backup_target(path: Path | None, backups_dir: Path, kind: str) -> Path:
    """Where a backup goes: ``path``, or a new timestamped name in a directory."""
    directory = backups_dir if path is None else path if path.is_dir() else None
    if directory is None:
        if path.exists() or path.is_symlink():
            raise BackupError(
                f"{path} exists: a backup never overwrites a file; choose a new path."
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = default_backup_name(kind)
    target, n = directory / name, 1
    while target.exists():
        n += 1
        target = directory / name.replace(".", f"-{n}.", 1)
    return target


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A new 0600 file in ``target``'s directory, removed unless the caller moved it."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
    finally:
        for leftover in (temp, Path(f"{temp}-journal"), Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_durably(temp: Path, target: Path) -> None:
    """fsync ``temp``, rename it over ``target`` (atomic), fsync the directory."""
    _fsync_file(temp)
    os.replace(temp, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(
    url: URL,
    path: Path | None,
    *,
    backups_dir: Path,
    migrations_dir: Path = MIGRATIONS_DIR,
) -> BackupInfo:
    """Write a consistent backup of the database at ``url`` and return what it holds.

    ``path`` None or an existing directory: a new ``socialnet-<UTC timestamp>.<db|dump>``
    there (``backups_dir`` for None). An existing file is never overwritten. The backup
    is written to a temporary file, checked like a restore would check it, fsynced and
    then renamed into place, so a backup path always holds a complete backup.
    The server may keep running.

    :raise BackupError: the database is missing, unreachable or not a socialnet
        database; the path exists; the PostgreSQL tools are missing or too old.
    """
    kind = database_kind(url)
    if kind == SQLITE:
        source = Path(url.database or "")
        if not source.is_file():
            raise BackupError(
                f"The SQLite database {source} does not exist: nothing to back up "
                "(is DATABASE_URL right?).",
                EXIT_DATABASE,
            )
    else:
        pg_dump = _pg_tool("pg_dump")
        _check_tool_fits_server(pg_dump, _check_pg_reachable(url))
    target = _backup_target(None if path is None else Path(path), Path(backups_dir), kind)
    with _temporary_beside(target) as temp:
        if kind == SQLITE:
            _sqlite_backup(source, temp)
        else:
            _pg_backup(url, temp, pg_dump)
        info = check_backup(temp, expected_kind=kind, migrations_dir=migrations_dir)
        os.chmod(temp, 0o600)
        _replace_durably(temp, target)
    return BackupInfo(path=target, kind=kind, revision=info.revision, size=info.size)


def _sqlite_backup(source: Path, temp: Path) -> None:
    """Copy ``source`` into ``temp`` with the online backup API, as one snapshot."""
    try:
        src = sqlite3.connect(_sqlite_uri(source, "ro"), uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"{source} cannot be opened: {exc}.", EXIT_DATABASE) from exc
    try:
        try:
            _alembic_revision(src, source)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a readable SQLite database: {exc}.") from exc
        dst = sqlite3.connect(temp)
        try:
            # pages=-1: everything in one step, under one read transaction: a snapshot.
            src.backup(dst, pages=-1)
            # The copy inherits WAL mode from the source; a backup is one self-contained file.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.OperationalError as exc:
        raise BackupError(f"Backing up {source} failed: {exc}.", EXIT_DATABASE) from exc
    finally:
        src.close()


def _pg_backup(url: URL, temp: Path, pg_dump: str) -> None:
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-password", f"--file={temp}"],
        env=_pg_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {_first_lines(done.stderr)}", EXIT_TOOL_FAILED)


# ----------------------------------------------------------------------- restore


def restore(
    url: URL,
    path: Path,
    *,
    confirm: Callable[[BackupInfo], bool] | None = None,
    migrations_dir: Path = MIGRATIONS_DIR,
) -> RestoreResult:
    """Replace every row of the database at ``url`` with the backup at ``path``.

    The file is checked first (:func:`check_backup`); then ``confirm(info)``, if
    given, may still say no (:raise BackupAborted:). Nothing is changed on any
    error. Servers must be stopped: a database in use is refused.

    SQLite: the backup is copied to a temporary file beside the database, fsynced
    and renamed over it (atomic). PostgreSQL: ``pg_restore`` in a single
    transaction (all or nothing).

    :raise BackupError: see :func:`check_backup`; the database is in use or
        unreachable; the PostgreSQL tools are missing or failed.
    """
    kind = database_kind(url)
    info = check_backup(Path(path), expected_kind=kind, migrations_dir=migrations_dir)
    if kind == POSTGRESQL:
        _check_pg_reachable(url)
    if confirm is not None and not confirm(info):
        raise BackupAborted("Restore cancelled: nothing changed.")
    if kind == SQLITE:
        _sqlite_restore(info.path, Path(url.database or ""))
    else:
        _pg_restore(url, info.path)
    _known, heads = _head_revisions(migrations_dir)
    return RestoreResult(info=info, database=describe_database(url), at_head=info.revision in heads)


def _sqlite_restore(backup_file: Path, database: Path) -> None:
    if not database.exists() and Path(f"{database}-wal").exists():
        # SQLite would replay this WAL of another database into the restored file.
        raise BackupError(
            f"{database}-wal exists without its database: move it away before restoring. "
            "Nothing was changed.",
            EXIT_DATABASE,
        )
    database.parent.mkdir(parents=True, exist_ok=True)
    mode = database.stat().st_mode & 0o777 if database.exists() else 0o600
    with _temporary_beside(database) as temp:
        src = sqlite3.connect(_sqlite_uri(backup_file, "ro"), uri=True, timeout=10)
        dst = sqlite3.connect(temp)
        try:
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        os.chmod(temp, mode)
        _fsync_file(temp)
        if database.exists():
            _take_over_sqlite(database)
        _replace_durably(temp, database)
    Path(f"{database}-shm").unlink(missing_ok=True)


def _take_over_sqlite(database: Path) -> None:
    """Make sure nothing has ``database`` open, and fold its WAL into it.

    Leaving WAL mode needs every other connection closed (a running server keeps
    its pooled connections open), and it checkpoints and deletes the ``-wal``
    file, which must not survive next to the new database.

    :raise BackupError: another process has the database open.
    """
    conn = sqlite3.connect(_sqlite_uri(database, "rw"), uri=True, timeout=2)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise BackupError(
            f"{database} is in use ({exc}): stop the server (and any other program "
            "using the database) before restoring. Nothing was changed.",
            EXIT_DATABASE,
        ) from exc
    finally:
        conn.close()
    if mode != "delete" or Path(f"{database}-wal").exists():
        raise BackupError(
            f"{database} could not leave WAL mode (journal_mode {mode!r}): is a server still "
            "running? Nothing was changed.",
            EXIT_DATABASE,
        )


def _pg_restore(url: URL, backup_file: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    _check_no_other_sessions(url)
    dbname = "dbname='{}'".format((url.database or "").replace("\\", "\\\\").replace("'", "\\'"))
    done = subprocess.run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={dbname}",
            str(backup_file),
        ],
        env=_pg_env(url),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BackupError(
            f"pg_restore failed and was rolled back (nothing changed): {_first_lines(done.stderr)}",
            EXIT_TOOL_FAILED,
        )


# -------------------------------------------------------------------- PostgreSQL


def _pg_params(url: URL) -> dict[str, str]:
    """libpq keyword → value for ``url`` (password included: for the environment only)."""
    params = {
        "host": url.host,
        "port": str(url.port) if url.port else None,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
    }
    for key, value in url.query.items():
        if key not in _LIBPQ_PARAMS:
            raise BackupError(f"DATABASE_URL parameter {key!r} is not supported by flask backup.")
        params[key] = value if isinstance(value, str) else value[-1]
    return {key: value for key, value in params.items() if value}


def _pg_env(url: URL) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: ``PG*`` variables from ``url``."""
    names = {"user": "PGUSER", "password": "PGPASSWORD", "dbname": "PGDATABASE", **_LIBPQ_PARAMS}
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(CONNECT_TIMEOUT_SECONDS)}
    env.update({names[key]: value for key, value in _pg_params(url).items()})
    return env


def _pg_connect(url: URL):
    import psycopg

    params = _pg_params(url)
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_SECONDS))
    try:
        return psycopg.connect(autocommit=True, **params)
    except psycopg.Error as exc:
        raise BackupError(
            f"Cannot reach the {describe_database(url)}: {_first_lines(str(exc))}",
            EXIT_DATABASE,
        ) from exc


def _check_pg_reachable(url: URL) -> int:
    """Connect once; return the server's major version. :raise BackupError: unreachable."""
    with _pg_connect(url) as conn:
        return conn.info.server_version // 10000


def _check_no_other_sessions(url: URL) -> None:
    """:raise BackupError: another session (a server, a psql) is connected to the database."""
    with _pg_connect(url) as conn:
        count, names = conn.execute(
            "SELECT count(*),"
            " string_agg(DISTINCT coalesce(nullif(application_name, ''), '?'), ', ')"
            " FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    if count:
        raise BackupError(
            f"The {describe_database(url)} is in use by {count} other session(s) ({names}): "
            "stop the servers and other clients before restoring. Nothing was changed.",
            EXIT_DATABASE,
        )


def _pg_tool(name: str) -> str:
    """The path of ``name`` (pg_dump, pg_restore). :raise BackupError: not installed."""
    bindir = os.environ.get(PG_BINDIR_ENV)
    found = shutil.which(name, path=bindir) if bindir else shutil.which(name)
    if not found:
        where = f"in {PG_BINDIR_ENV}={bindir}" if bindir else "on PATH"
        raise BackupError(
            f"{name} was not found {where}: install the PostgreSQL client tools of the "
            f"server's major version (Debian: apt-get install postgresql-client-<major>) or "
            f"set {PG_BINDIR_ENV}.",
            EXIT_TOOLS,
        )
    return found


def tool_major_version(tool: str) -> int:
    """The major version ``tool --version`` prints (``pg_dump (PostgreSQL) 15.20`` → 15)."""
    done = subprocess.run([tool, "--version"], capture_output=True, text=True)
    match = re.search(r"\)\s*(\d+)", done.stdout) or re.search(r"(\d+)\.\d+", done.stdout)
    if done.returncode != 0 or not match:
        raise BackupError(f"{tool} --version failed: {done.stdout}{done.stderr}", EXIT_TOOLS)
    return int(match.group(1))


def _check_tool_fits_server(tool: str, server: int) -> None:
    """pg_dump cannot dump a server newer than itself: :raise BackupError: it is older."""
    client = tool_major_version(tool)
    if client < server:
        raise BackupError(
            f"{tool} is version {client}, older than the PostgreSQL {server} server: install "
            f"postgresql-client-{server} (or set {PG_BINDIR_ENV} to its bin directory).",
            EXIT_TOOLS,
        )


def _first_lines(text: str, limit: int = 5) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[:limit]) or "(no message)"


def human_size(size: int) -> str:
    """``1536`` → ``1.5 KiB``."""
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KiB", "MiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


# --- uploaded files --------------------------------------------------------------------------


def files_archive_for(backup_path: Path) -> Path:
    """Where the uploaded files of the backup at ``backup_path`` are kept: beside it,
    ``<backup>.files.tar`` (the database file stays what ``pg_restore``/SQLite read)."""
    return backup_path.with_name(backup_path.name + ".files.tar")


def backup_files(storage_root: Path, backup_path: Path) -> tuple[Path, int] | None:
    """Archive every stored file (``SOCIALNET_STORAGE_DIR``) beside the database backup,
    atomically and with mode 0600; returns ``(archive, file count)``, or None when there
    is no storage directory (no file was ever uploaded). Files uploaded while this runs
    may be missing from it, like rows written after the database snapshot."""
    if not storage_root.is_dir():
        return None
    target = files_archive_for(backup_path)
    count = 0
    with _temporary_beside(target) as temp:
        with tarfile.open(temp, "w") as archive:
            for path in sorted(storage_root.rglob("*")):
                if path.is_file() and not path.name.startswith(".tmp-"):
                    archive.add(path, arcname=str(path.relative_to(storage_root)))
                    count += 1
        os.chmod(temp, 0o600)
        _replace_durably(temp, target)
    return target, count


def restore_files(backup_path: Path, storage_root: Path) -> int | None:
    """Replace the stored files with those archived beside the backup (None: the backup has
    no files archive, the storage is left alone). Extracted into a directory beside the
    storage first (regular files only, no path outside it), then swapped in."""
    source = files_archive_for(backup_path)
    if not source.is_file():
        return None
    staging = storage_root.with_name(storage_root.name + ".restoring")
    old = storage_root.with_name(storage_root.name + ".replaced")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, mode=0o700)
    try:
        with tarfile.open(source) as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            archive.extractall(staging, members=members, filter="data")
    except (tarfile.TarError, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"The files archive {source} cannot be read: {exc}") from exc
    shutil.rmtree(old, ignore_errors=True)
    if storage_root.exists():
        os.replace(storage_root, old)
    os.replace(staging, storage_root)
    shutil.rmtree(old, ignore_errors=True)
    return len(members)
