"""Settings, read from the environment with safe defaults.

Every setting can be overridden by the ``config`` mapping given to
:func:`socialnet.create_app` (tests do that); nothing secret is a constant here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

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


def load_config(instance_path: Path) -> dict[str, Any]:
    """Build the configuration mapping from the environment."""
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'socialnet.db'}"
    async_mode = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")
    if async_mode not in ASYNC_MODES:
        raise RuntimeError(f"SOCKETIO_ASYNC_MODE must be one of {ASYNC_MODES}, not {async_mode!r}")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL", default_db),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
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
        "COMPANY_TIMEZONE": os.environ.get("SOCIALNET_COMPANY_TIMEZONE", "Europe/Paris"),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "POST_MAX_CHARS": 10_000,
        "COMMENT_MAX_CHARS": 4_000,
        "FEED_PAGE_MAX": 100,
        "CATCHUP_MAX_EVENTS": 1_000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": False,
    }
