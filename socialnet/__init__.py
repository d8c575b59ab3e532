"""socialnet: an enterprise social network with a realtime feed.

:func:`create_app` is the only application factory; blueprints and socket
handlers are imported inside it so that no module imports the app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from .config import finalize as finalize_config
from .config import load_config
from .db_pool import ping_idle_connections
from .extensions import csrf, db, login_manager, mail, migrate, socketio
from .flask_app import SocialnetFlask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where Engine.IO (Socket.IO's transport) answers, outside Flask's routes.
SOCKET_PREFIX = "/socket.io/"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, enforced foreign keys, and waiting instead of 'locked'."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _configure_engine(app: Flask) -> None:
    engine: Engine = db.engine
    if engine.dialect.name == "sqlite":
        sa_event.listen(engine, "connect", _sqlite_pragmas)
        engine.pool.dispose()  # connections made before the listener get the pragmas too
    else:
        ping_idle_connections(engine, app.config["DB_PING_IDLE_SECONDS"])


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides the environment-derived settings."""
    app = SocialnetFlask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    if config:
        app.config.update(config)
    finalize_config(app.config, config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    from . import i18n

    i18n.install(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = i18n.lazy_gettext("Please sign in to continue.")
    login_manager.localize_callback = str  # the lazy message above, in the reader's language
    from .jsoncodec import SocketJSON
    from .realtime import presence, publisher, sockets
    from .realtime.queue import make_client_manager

    sockets.register()  # before init_app: handlers are kept and applied to each new server
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        client_manager=make_client_manager(app.config, on_control=presence.apply_control),
        json=SocketJSON,  # one orjson encoding per emitted packet (a room's is shared)
        # One origin rule for Engine.IO's HTTP check and the connect handler; never '*'.
        cors_allowed_origins=sockets.engineio_origin_check(app.config["SOCKETIO_CORS_ORIGINS"]),
    )
    from . import hosts, lifecycle, request_log, unit_of_work

    hosts.warn_at_start_up(app.config)

    with app.app_context():
        _configure_engine(app)

    publisher.install(db.session)
    unit_of_work.install(db.session)
    sockets.register()

    from .services.accounts import load_session_user

    login_manager.user_loader(load_session_user)

    from .http_errors import register_error_handlers

    register_error_handlers(app)
    request_log.install(app)

    from .ops import init_ops

    init_ops(app)

    from .api import bp as api_bp
    from .views import register_views

    app.register_blueprint(api_bp)
    register_views(app)
    lifecycle.install(app)  # headers, callers, activity: see socialnet/lifecycle.py

    from . import ratelimits

    ratelimits.install(app)  # after every route exists
    hosts.refuse_untrusted_hosts(app)  # the first before-request hook
    from .edge import EdgeMiddleware

    # Outside everything but ProxyFix: every request, refused ones too, gets an id, a line
    # and the security headers; Engine.IO's Host is checked there (Flask checks its own).
    app.wsgi_app = EdgeMiddleware(app.wsgi_app, app.config, SOCKET_PREFIX)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from .cli import register_cli

    register_cli(app)
    return app
