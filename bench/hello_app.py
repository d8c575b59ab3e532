"""The bare baseline: a Flask + Flask-SocketIO hello world, nothing of socialnet's.

``make_app()`` returns it for in-process comparison (:mod:`bench.inprocess`);
``python -m bench.hello_app PORT`` serves it on the same eventlet server, with the same
TCP_NODELAY listener, as ``wsgi.py`` serves socialnet (the throughput scenario of
:mod:`bench.run` measures both with the same client). Its one route answers what
``/healthz`` answers: ``{"status": "ok"}`` as JSON, ``Cache-Control: no-store``. Its
Socket.IO ``connect`` does what socialnet's does minus the database: accept any ``auth``,
join the socket's own room, send one empty ``catchup`` (the floor of a socket connect,
scenario ``sockets``).
"""

from __future__ import annotations

import sys


def make_app(async_mode: str = "threading"):
    from flask import Flask, jsonify, request
    from flask_socketio import SocketIO, join_room

    app = Flask(__name__)
    socketio = SocketIO(app, async_mode=async_mode)

    @app.get("/")
    def hello():
        return jsonify(status="ok"), 200, {"Cache-Control": "no-store"}

    @socketio.on("connect")
    def connect(auth=None):
        join_room(f"user:{request.sid}")
        socketio.emit("catchup", {"events": [], "head": 0, "truncated": False}, to=request.sid)

    app.extensions["bench_socketio"] = socketio
    return app


def main() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import eventlet

    eventlet.monkey_patch()
    import socket

    import eventlet.wsgi

    port = int(sys.argv[1])
    app = make_app("eventlet")
    listener = eventlet.listen(("127.0.0.1", port))
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=20000)


if __name__ == "__main__":
    main()
