"""Serve socialnet: ``python wsgi.py``.

Eventlet (the default async mode) must monkey-patch the standard library before
anything else is imported, so this module does that first (and makes psycopg
wait cooperatively). The async mode is a setting
(SOCKETIO_ASYNC_MODE = eventlet | gevent | threading).
"""

import os
import sys

# One-shot commands (``flask jobs run``, ``flask backup``, ``flask db upgrade``…) import this
# module too; they need no event loop, and eventlet patched in after the ``flask`` command
# imported Flask breaks them ("Working outside of request context"). Under the ``flask``
# command line the async mode is threading, whatever the setting says (the same test as
# socialnet.config.one_shot_command, which cannot be imported before the patching).
_PROGRAM = sys.argv[0] if sys.argv else ""
if os.path.basename(_PROGRAM) in ("flask", "flask.exe") or _PROGRAM.endswith(
    os.path.join("flask", "__main__.py")
):
    os.environ["SOCKETIO_ASYNC_MODE"] = "threading"

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")

if ASYNC_MODE == "eventlet":
    import warnings

    # eventlet prints a deprecation banner when imported; it is chosen here on purpose
    # (the server's one async mode that needs no extra install), so the banner is silenced.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import eventlet

    eventlet.monkey_patch()
    # psycopg waits for PostgreSQL in C (blocking the whole eventlet hub) unless told to
    # wait with select(), which eventlet makes green: a slow query then blocks one greenlet.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import logging  # noqa: E402

# Timestamped records on stderr: our own from SOCIALNET_LOG_LEVEL (INFO), libraries' warnings.
logging.basicConfig(
    level=logging.WARNING, format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
)
logging.getLogger("socialnet").setLevel(os.environ.get("SOCIALNET_LOG_LEVEL", "INFO").upper())

from socialnet import create_app  # noqa: E402
from socialnet.extensions import socketio  # noqa: E402
from socialnet.ops.gc_tuning import freeze_startup_heap  # noqa: E402
from socialnet.realtime.queue import start_listener  # noqa: E402

app = create_app()


def main() -> None:
    host, port = app.config["HOST"], app.config["PORT"]
    options = {}
    if ASYNC_MODE == "eventlet":
        # eventlet.wsgi.server accepts 1024 connections by default: too few for a company.
        options["max_size"] = app.config["EVENTLET_MAX_CONNECTIONS"]
    if ASYNC_MODE == "threading":
        options["allow_unsafe_werkzeug"] = True
    start_listener()
    freeze_startup_heap()
    if app.config["JOBS_IN_SERVER"]:
        from socialnet.jobs import run_forever

        socketio.start_background_task(run_forever, app)
    print(f" * socialnet serving on http://{host}:{port} (async mode: {socketio.async_mode})")
    if ASYNC_MODE == "eventlet":
        serve_eventlet(host, port, options["max_size"])
    else:
        socketio.run(app, host=host, port=port, log_output=False, **options)


#: Connections the kernel queues before the server accepts them (eventlet's default is 50;
#: the kernel caps it at ``net.core.somaxconn``). After a restart every open page
#: reconnects within a few seconds: a short queue drops their handshakes, and each
#: dropped one waits a second or more to be sent again.
LISTEN_BACKLOG = 2048


def serve_eventlet(host: str, port: int, max_size: int) -> None:
    """What ``socketio.run`` does under eventlet, with TCP_NODELAY on the listener (accepted
    sockets inherit it) and a longer accept queue (:data:`LISTEN_BACKLOG`). A feed page
    (~16 KB) leaves eventlet in two sends; with Nagle on, the small tail waited for the
    client's delayed ACK: 40 ms added to many requests."""
    import socket

    import eventlet.wsgi

    family, *_rest, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    listener = eventlet.listen(address, family, backlog=LISTEN_BACKLOG)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=max_size)


if __name__ == "__main__":
    main()
