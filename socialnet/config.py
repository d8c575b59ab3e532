"""Settings, read from the environment with safe defaults.

Every setting can be overridden by the ``config`` mapping given to
:func:`socialnet.create_app` (tests do that); nothing secret is a constant here.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from .hosts import parse_allowed_hosts, trusted_hosts

ASYNC_MODES = ("eventlet", "gevent", "threading")


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or one kept in ``instance/secret_key``.

    The file is created once with 0600 permissions, so sessions survive restarts
    without the key ever being written in the code or the repository.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _csv(value: str | None) -> list[str]:
    return [part.strip().lower() for part in (value or "").split(",") if part.strip()]


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


def _mail_suppress() -> dict[str, bool]:
    value = os.environ.get("MAIL_SUPPRESS_SEND")
    return {} if value is None else {"MAIL_SUPPRESS_SEND": value == "1"}


def engine_options(database_uri: str) -> dict[str, Any]:
    """SQLAlchemy engine options for ``database_uri``, sized from the environment.

    SQLite keeps SQLAlchemy's defaults (one file, pragmas set on connect). No connection
    is pinged on every checkout (``pool_pre_ping``): a server database's idle ones are
    (:mod:`socialnet.db_pool`, ``DB_PING_IDLE_SECONDS``). A server database gets a
    bounded pool: under eventlet every greenlet that needs the
    database waits (green, ``SOCIALNET_DB_POOL_TIMEOUT`` seconds at most) for one
    of ``SOCIALNET_DB_POOL_SIZE + SOCIALNET_DB_MAX_OVERFLOW`` connections instead of
    opening a new one, so N processes never exceed N × that many connections.
    """
    if database_uri.startswith("sqlite"):
        return {}
    options: dict[str, Any] = {
        "pool_size": _int("SOCIALNET_DB_POOL_SIZE", 10),
        "max_overflow": _int("SOCIALNET_DB_MAX_OVERFLOW", 10),
        "pool_timeout": _float("SOCIALNET_DB_POOL_TIMEOUT", 10),
        "pool_recycle": _int("SOCIALNET_DB_POOL_RECYCLE", 1800),
    }
    if database_uri.startswith("postgresql"):
        options["connect_args"] = {
            "connect_timeout": _int("SOCIALNET_DB_CONNECT_TIMEOUT", 5),
            "application_name": os.environ.get("SOCIALNET_DB_APPLICATION_NAME", "socialnet"),
        }
        if os.environ.get("SOCIALNET_DB_PREPARED_STATEMENTS", "1") == "0":
            # Behind a pooler that does not carry prepared statements between server
            # connections (PgBouncer in transaction mode before 1.21, or without
            # max_prepared_statements): psycopg then never prepares one.
            options["connect_args"]["prepare_threshold"] = None
    return options


def finalize(config: dict[str, Any], overrides: dict[str, Any] | None) -> None:
    """Derive the settings that depend on others once overrides are applied.

    The engine options follow the final database URI (tests swap it), and
    ``REMEMBER_COOKIE_SECURE`` follows ``SESSION_COOKIE_SECURE``, and Flask's
    ``TRUSTED_HOSTS`` follows the public URL and ALLOWED_HOSTS (``hosts.trusted_hosts``),
    unless the overrides set them explicitly. :raise RuntimeError: see
    :func:`check_socket_origins`; a malformed PUBLIC_URL or ALLOWED_HOSTS entry.
    """
    if not (overrides and "SQLALCHEMY_ENGINE_OPTIONS" in overrides):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(config["SQLALCHEMY_DATABASE_URI"])
    # The remember-me cookie signs its holder in as surely as the session cookie: it is
    # Secure whenever the session cookie is (Flask-Login's own default is False).
    if not (overrides and "REMEMBER_COOKIE_SECURE" in overrides):
        config["REMEMBER_COOKIE_SECURE"] = bool(config.get("SESSION_COOKIE_SECURE"))
    if not (overrides and "TRUSTED_HOSTS" in overrides):
        config["TRUSTED_HOSTS"] = trusted_hosts(config)
    check_socket_origins(config.get("SOCKETIO_CORS_ORIGINS"))


def check_socket_origins(origins: Any) -> None:
    """Refuse a wildcard among the extra Socket.IO origins.

    :raise RuntimeError: ``*`` would let any web site open a socket with its
        visitor's session cookie and read their feed live (cross-site WebSocket
        hijacking). Name each origin instead (``https://intranet.example.com``).
    """
    listed = [origins] if isinstance(origins, str) else list(origins or [])
    if any(str(origin).strip() == "*" for origin in listed):
        raise RuntimeError(
            "SOCKETIO_CORS_ORIGINS cannot be '*': list the origins allowed to open sockets."
        )


def one_shot_command() -> bool:
    """True when this process is the ``flask`` command line (``flask jobs run``, ``flask backup``,
    ``python -m flask …``): one-shot commands run in threading mode, never under eventlet."""
    program = sys.argv[0] if sys.argv else ""
    return os.path.basename(program) in ("flask", "flask.exe") or program.endswith(
        os.path.join("flask", "__main__.py")
    )


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the configuration mapping from the environment."""
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'socialnet.db'}"
    async_mode = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    if one_shot_command():
        async_mode = "threading"
    if async_mode not in ASYNC_MODES:
        raise RuntimeError(f"SOCKETIO_ASYNC_MODE must be one of {ASYNC_MODES}, not {async_mode!r}")
    database_uri = os.environ.get("DATABASE_URL", default_db)
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_uri),
        # A pooled connection to a database server idle this long is pinged before use
        # (``db_pool``); SQLite's never are.
        "DB_PING_IDLE_SECONDS": _float("SOCIALNET_DB_PING_IDLE", 10.0),
        "REDIS_URL": redis_url,
        # The Socket.IO message queue is REDIS_URL unless set on its own.
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or redis_url,
        "SOCKETIO_QUEUE_CHANNEL": os.environ.get("SOCKETIO_QUEUE_CHANNEL", "socialnet"),
        "QUEUE_RETRY_MAX_SECONDS": _float("SOCIALNET_QUEUE_RETRY_MAX", 2.0),
        "READY_CHECK_TIMEOUT": _float("SOCIALNET_READY_TIMEOUT", 2.0),
        "METRICS_TOKEN": os.environ.get("SOCIALNET_METRICS_TOKEN") or None,
        "SOCKETIO_ASYNC_MODE": async_mode,
        "SOCKETIO_CORS_ORIGINS": _csv(os.environ.get("SOCKETIO_CORS_ORIGINS")) or None,
        "EVENTLET_MAX_CONNECTIONS": int(os.environ.get("EVENTLET_MAX_CONNECTIONS", "20000")),
        "HOST": os.environ.get("HOST", "127.0.0.1"),
        "PORT": int(os.environ.get("PORT", "5000")),
        "ALLOWED_EMAIL_DOMAINS": _csv(os.environ.get("SOCIALNET_ALLOWED_EMAIL_DOMAINS")),
        "JOBS_IN_SERVER": os.environ.get("SOCIALNET_JOBS_IN_SERVER", "1") == "1",
        "JOBS_INTERVAL_SECONDS": float(os.environ.get("SOCIALNET_JOBS_INTERVAL", "30")),
        "GROUP_CREATION_ROLES": _csv(os.environ.get("SOCIALNET_GROUP_CREATION_ROLES")),
        "COMPANY_NAME": os.environ.get("SOCIALNET_COMPANY_NAME", "Lumen & Co"),
        # The company's public sites (host names, subdomains included) that shareable posts
        # may lead to (services/advocacy): a tracked link never leads anywhere else.
        "ADVOCACY_SITES": _csv(os.environ.get("SOCIALNET_ADVOCACY_SITES")),
        "DIGEST_SEND_HOUR": int(os.environ.get("SOCIALNET_DIGEST_HOUR", "7")),
        "COMPANY_TIMEZONE": os.environ.get("SOCIALNET_COMPANY_TIMEZONE", "Europe/Paris"),
        # The languages people may choose (socialnet/i18n.py); English is the source text.
        "LANGUAGES": ("en", "fr"),
        # Before a person chooses and when the browser names none of LANGUAGES.
        "DEFAULT_LANGUAGE": os.environ.get("SOCIALNET_DEFAULT_LANGUAGE", "en"),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # Uploaded files (socialnet/storage.py, socialnet/services/files.py).
        "STORAGE_DIR": os.environ.get("SOCIALNET_STORAGE_DIR", "uploads"),
        "MAX_UPLOAD_MB": _int("SOCIALNET_MAX_UPLOAD_MB", 25),
        "UPLOAD_DAILY_QUOTA_MB": _int("SOCIALNET_UPLOAD_DAILY_QUOTA_MB", 500),
        # Words of PDF/docx/text files for search, read by the job loop (services/file_text.py).
        "FILE_TEXT_MAX_PAGES": _int("SOCIALNET_FILE_TEXT_MAX_PAGES", 300),
        "FILE_TEXT_MAX_CHARS": _int("SOCIALNET_FILE_TEXT_MAX_CHARS", 200_000),
        "FILE_TEXT_TIMEOUT_SECONDS": _float("SOCIALNET_FILE_TEXT_TIMEOUT", 20.0),
        "FILE_TEXT_BATCH": _int("SOCIALNET_FILE_TEXT_BATCH", 20),
        "POST_MAX_CHARS": 10_000,
        "COMMENT_MAX_CHARS": 4_000,
        "FEED_PAGE_MAX": 100,
        "CATCHUP_MAX_EVENTS": 1_000,
        # Socket handshakes reading the database at once per process, and how long one
        # waits for its turn before being refused as busy (realtime.admission): as many
        # as the pool's connections, and less than a browser's 20 s connect timeout. A
        # storm of 5,000 on PostgreSQL: 8 slots / 5 s left 10,678 attempts refused and
        # all back in 91 s; 20 / 15 s, ~1,000 refused, all back in 53–54 s.
        "SOCKET_CONNECT_SLOTS": _int("SOCIALNET_SOCKET_CONNECT_SLOTS", 20),
        "SOCKET_CONNECT_WAIT_SECONDS": _float("SOCIALNET_SOCKET_CONNECT_WAIT", 15.0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # "Keep me signed in" lasts this long (Flask-Login's default is a year).
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int("SOCIALNET_REMEMBER_DAYS", 30)),
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,
        # Outgoing mail (password reset links), through Flask-Mail.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "0") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "socialnet@localhost"),
        # MAIL_SUPPRESS_SEND: unset means Flask-Mail's default (suppressed when TESTING).
        **_mail_suppress(),
        # The site's address as people reach it, for links in emails (never the Host header);
        # unset: http://HOST:PORT when HOST is loopback, else no emails with links (hosts.py).
        "PUBLIC_URL": os.environ.get("SOCIALNET_PUBLIC_URL", ""),
        # Host names answered besides the public URL's and loopback (any other Host: 400).
        "ALLOWED_HOSTS": parse_allowed_hosts(os.environ.get("SOCIALNET_ALLOWED_HOSTS")),
        "PASSWORD_RESET_MAX_AGE": _int("SOCIALNET_PASSWORD_RESET_MAX_AGE", 30 * 60),
        "SIGNUP_LINK_MAX_AGE": _int("SOCIALNET_SIGNUP_LINK_MAX_AGE", 24 * 3600),
        # Abuse limits (socialnet/ratelimits.py): on unless SOCIALNET_RATE_LIMITS=0; each
        # bucket's limit from SOCIALNET_RATE_<BUCKET>, e.g. SOCIALNET_RATE_POSTS="30 per minute".
        "RATE_LIMITS_ENABLED": os.environ.get("SOCIALNET_RATE_LIMITS", "1") == "1",
        **{k: v for k, v in os.environ.items() if k.startswith("SOCIALNET_RATE_") and v},
        # Behind a reverse proxy: how many X-Forwarded-For hops to trust (0: none).
        "TRUSTED_PROXIES": _int("SOCIALNET_TRUSTED_PROXIES", 0),
    }
