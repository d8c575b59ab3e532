"""Serve socialnet: ``python wsgi.py``.

Eventlet (the default async mode) must monkey-patch the standard library before
anything else is imported, so this module does that first. The async mode is a
setting (SOCKETIO_ASYNC_MODE = eventlet | gevent | threading).
"""

import os

ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "eventlet")

if ASYNC_MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

from socialnet import create_app  # noqa: E402
from socialnet.extensions import socketio  # noqa: E402

app = create_app()


def main() -> None:
    host, port = app.config["HOST"], app.config["PORT"]
    options = {}
    if ASYNC_MODE == "eventlet":
        # eventlet.wsgi.server accepts 1024 connections by default: too few for a company.
        options["max_size"] = app.config["EVENTLET_MAX_CONNECTIONS"]
    if ASYNC_MODE == "threading":
        options["allow_unsafe_werkzeug"] = True
    if app.config["JOBS_IN_SERVER"]:
        from socialnet.jobs import run_forever

        socketio.start_background_task(run_forever, app)
    print(f" * socialnet serving on http://{host}:{port} (async mode: {socketio.async_mode})")
    socketio.run(app, host=host, port=port, log_output=False, **options)


if __name__ == "__main__":
    main()
