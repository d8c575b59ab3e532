"""The WSGI edge: the one layer every request crosses before Flask or Engine.IO sees it.

It used to be three middlewares (the request log, trusted Hosts for Engine.IO, the
security headers of Engine.IO's responses) plus Flask hooks for the security headers and
the request metrics, each wrapping ``start_response`` or reading the path and the request
proxies on its own: a good part of what the cheapest request cost (issue #16: ``/healthz``
within 1.3× of a bare Flask app). Now one layer does, per request:

1. make the request's id (:func:`socialnet.request_log.new_request_id`) and its record, a
   dict shared with Flask's copy of the environ, where Flask's after-request hook
   (:func:`socialnet.request_log._note`) hands over what only it knows: endpoint, route,
   caller;
2. under ``/socket.io/``, refuse an untrusted Host
   (:func:`socialnet.hosts.refuse_untrusted_socket_host`; Flask checks its own paths);
3. as the response starts, add the security headers it lacks
   (:func:`socialnet.lifecycle.secure_headers`, for Flask's responses and Engine.IO's alike)
   and ``X-Request-ID``;
4. once the app has returned, count the request and its latency
   (:func:`socialnet.ops.metrics.observe_request`, Flask's requests only, from the edge's
   first step to the app's return) and write its log line
   (:func:`socialnet.request_log.log_request`). An exception that escapes the app after
   the response started is logged and counted with the status already sent.

What each step does stays in its module; this one only orders them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from .hosts import refuse_untrusted_socket_host
from .lifecycle import secure_headers
from .ops.metrics import observe_request
from .request_log import ENVIRON_ID, ENVIRON_RECORD, HEADER, log_request, new_request_id

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class EdgeMiddleware:
    """Outermost WSGI layer under ProxyFix; see the module's docstring for what it does.

    ``config`` is the app's (read at each request: a changed ``SESSION_COOKIE_SECURE`` or
    ``TRUSTED_HOSTS`` takes effect at once); ``socket_prefix`` is where Engine.IO answers.
    """

    def __init__(self, wsgi_app: WSGIApp, config: dict[str, Any], socket_prefix: str) -> None:
        self.wsgi_app = wsgi_app
        self.config = config
        self.socket_prefix = socket_prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        started = time.perf_counter()
        config = self.config
        request_id = new_request_id(environ, config)
        environ[ENVIRON_ID] = request_id
        record: dict[str, Any] = {"status": None}
        environ[ENVIRON_RECORD] = record
        outside_flask = environ.get("PATH_INFO", "").startswith(self.socket_prefix)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            code = record["status"] = status.split(" ", 1)[0]
            headers = secure_headers(
                [item for item in headers if item[0].lower() != "x-request-id"],
                record.get("endpoint"),
                https=bool(config.get("SESSION_COOKIE_SECURE")),
                flask=not outside_flask,
                status=code,
            )
            headers.append((HEADER, request_id))
            return start_response(status, headers, exc_info)

        try:
            if outside_flask:
                refused = refuse_untrusted_socket_host(environ, start, config)
                if refused is not None:
                    return refused
            return self.wsgi_app(environ, start)
        except BaseException:
            record["status"] = record["status"] or "500"
            raise
        finally:
            if "endpoint" in record and record["status"] is not None:
                observe_request(
                    record["endpoint"],
                    environ.get("REQUEST_METHOD", "").upper(),
                    record["status"],
                    time.perf_counter() - started,
                )
            log_request(environ, record, started, self.socket_prefix)
