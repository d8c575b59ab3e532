"""Socket.IO handlers: authenticate on connect, join allowed rooms, replay missed events.

A connection authenticates with the session cookie or ``auth={"token": …}``;
anything else is refused. The user is re-loaded and re-checked on every
message, so a deactivated account's socket can do nothing even before it is
disconnected. Clients may only join rooms :func:`policy.can_join_room` allows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from flask import current_app, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect, join_room, leave_room
from sqlalchemy import exc as sa_exc

from .. import policy
from ..extensions import socketio
from ..i18n import check_language, for_person
from ..models import User
from ..ops.metrics import SOCKETS_REFUSED_BUSY
from ..ratelimits import socket_message_allowed
from ..services.company_day import guest_locked_out
from ..services.sessions import session_room
from ..services.tokens import live_token, user_for_token
from ..services.validation import MAX_ID
from ..unit_of_work import read_only
from .admission import FifoGate, GateBusy
from .catchup import catchup_events, rooms_and_head

_SOCKET_TOKEN = "socket_token"

log = logging.getLogger(__name__)


def _user_from_auth(auth: Any) -> User | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if isinstance(token, str) and token:
        live = live_token(token)
        if live is None:
            return None
        session[_SOCKET_TOKEN] = token
        join_room(f"token:{live.id}")  # revoking the token disconnects this socket
        return live.user
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        if user.login_session is not None:  # signing out disconnects this socket
            join_room(session_room(user.login_session.id))
        return user
    return None


def socket_user() -> User | None:
    """The connection's user, re-validated now (token still live, session epoch current, a
    guest's access not ended)."""
    token = session.get(_SOCKET_TOKEN)
    if token:
        return user_for_token(token)
    if current_user.is_authenticated and current_user.active:
        user = current_user._get_current_object()
        return None if guest_locked_out(user) else user
    return None


def _refusal(error: str, message: str, **extra: Any) -> ConnectionRefusedError:
    """A refused connect as the client reads it: Socket.IO's ``connect_error`` carries
    ``message`` and ``data`` = ``{"error", "message", …extra}`` (socket.io-client's
    ``err.message`` and ``err.data``)."""
    return ConnectionRefusedError(message, {"error": error, "message": message, **extra})


def _last_event_id(auth: Any) -> int | None:
    raw = auth.get("last_event_id") if isinstance(auth, dict) else None
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_ID:
        raise _refusal("invalid", _("last_event_id must be an id."))
    return raw


def _normal(origin: str) -> str:
    return origin.strip().lower().rstrip("/")


def _own_origins(environ: dict[str, Any]) -> set[str]:
    """This server's origin, as reached directly or through a proxy (Engine.IO's rule)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST", "")
    proto = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
    forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
    return {_normal(f"{scheme}://{host}"), _normal(f"{proto}://{forwarded_host}")}


def origin_allowed_in(environ: dict[str, Any], origins: Any = None) -> bool:
    """May the request described by ``environ`` open a socket? (cross-site WebSocket hijacking)

    A socket authenticated by the session cookie would otherwise let any site read
    its visitor's feed live. The rule, the same for Engine.IO's HTTP check (it is
    given this function as ``cors_allowed_origins``) and for the connect handler:

    - an ``Origin`` header must be one of ``origins`` (``SOCKETIO_CORS_ORIGINS``)
      when some are configured, else this server's own origin; ``*`` is never
      honoured (and refused at start-up by ``config.check_socket_origins``);
    - no ``Origin``: a non-browser client (bearer token) or a browser's same-origin
      GET, allowed — unless the browser says through ``Sec-Fetch-Site`` that the
      request comes from another site (``cross-site``, ``same-site``), refused.
    """
    origin = environ.get("HTTP_ORIGIN")
    if origin is None:
        return environ.get("HTTP_SEC_FETCH_SITE", "none") in ("same-origin", "none")
    listed = [origins] if isinstance(origins, str) else list(origins or [])
    allowed = {_normal(o) for o in listed if o != "*"} if listed else _own_origins(environ)
    return _normal(origin) in allowed


def engineio_origin_check(origins: Any) -> Callable[[str | None, dict[str, Any]], bool]:
    """``cors_allowed_origins`` for python-engineio: :func:`origin_allowed_in` with
    the configured origins (a callable, so Engine.IO never falls back to ``*``)."""

    def check(_origin: str | None, environ: dict[str, Any]) -> bool:
        return origin_allowed_in(environ, origins)

    return check


def origin_allowed() -> bool:
    """:func:`origin_allowed_in` for the socket being connected (its handshake request)."""
    return origin_allowed_in(request.environ, current_app.config.get("SOCKETIO_CORS_ORIGINS"))


#: "Not now" rather than "no": no turn at the gate in time (:mod:`.admission`), the pool had
#: no connection to spare in time, the database is unreachable or locked.
_BUSY_ERRORS = (GateBusy, sa_exc.TimeoutError, sa_exc.OperationalError)


def connect_gate() -> FifoGate:
    """This app's gate for handshakes (``SOCKET_CONNECT_SLOTS``, ``…_WAIT_SECONDS``), never
    wider than a server database's pool (beyond it, the pool's unordered wait decides)."""
    gate = current_app.extensions.get("socialnet.connect_gate")
    if gate is None:
        config = current_app.config
        slots = config["SOCKET_CONNECT_SLOTS"]
        pool = config["SQLALCHEMY_ENGINE_OPTIONS"]
        if "pool_size" in pool:
            slots = min(slots, pool["pool_size"] + pool.get("max_overflow", 0))
        gate = FifoGate(slots, config["SOCKET_CONNECT_WAIT_SECONDS"])
        current_app.extensions["socialnet.connect_gate"] = gate
    return gate


def _on_connect(auth: Any = None) -> None:
    """Authenticate, join the rooms the person may read, then send one ``catchup``.

    The handshake only reads, outside a transaction (:func:`unit_of_work.read_only`),
    in two statements: the token and its person, then the rooms and the head together
    (:func:`catchup.rooms_and_head`); a replay adds its own, which carries its posts and
    their authors as they are now (others it names, or files, take one more each). A
    reconnect storm runs it once per open page.

    A few handshakes read at once, in arrival order (:func:`connect_gate`). When one
    cannot be served in time (:data:`_BUSY_ERRORS`), the connection is refused with
    ``{"error": "busy", "retry": true}`` instead of being left unanswered (the client
    would wait for its own timeout, ~20 s in a browser, before trying again): the page's
    script reconnects after a growing, jittered delay.
    """
    if not origin_allowed():
        raise _refusal("forbidden", _("Connections from this origin are not allowed."))
    try:
        with connect_gate().slot():
            catchup = _connect(auth)
    except ConnectionRefusedError:
        raise
    except _BUSY_ERRORS as error:
        SOCKETS_REFUSED_BUSY.inc()
        if isinstance(error, GateBusy):
            log.info("socket connect refused: no turn at the gate in time")
        else:  # a fault that lasts (a wrong password, a bad URL) shows here too
            log.warning("socket connect refused, database: %s", error)
        message = _("The server is busy: reconnecting in a moment.")
        raise _refusal("busy", message, retry=True) from None
    except Exception:
        # Unanswered, the connect would stay half-open (in its rooms, never disconnected).
        log.exception("socket connect failed")
        raise _refusal("error", _("The connection failed.")) from None
    socketio.emit("catchup", catchup, to=_sid())  # no database needed: outside the gate


def _connect(auth: Any) -> dict[str, Any]:
    """Authenticate, join the rooms, and build the ``catchup`` (rooms first: see above)."""
    with read_only():
        user = _user_from_auth(auth)
        if user is None:
            raise _refusal("unauthenticated", _("Sign in or give a valid token."))
        last_event_id = _last_event_id(auth)
        rooms, head = rooms_and_head(user)
        for room in rooms:
            join_room(room)
        # Rooms are joined first: an event committed from now on arrives live, and
        # anything before is in the replay; the client drops ids it already has.
        events: list[dict[str, Any]] = []
        truncated = False
        if last_event_id is not None:
            limit = current_app.config["CATCHUP_MAX_EVENTS"]
            events, truncated = catchup_events(user, last_event_id, limit, rooms)
            head = events[-1]["id"] if events else max(last_event_id, head)
    return {"events": events, "head": head, "truncated": truncated}


def _sid() -> str:
    return request.sid  # type: ignore[attr-defined]


def _speaking_to(user: User | None) -> AbstractContextManager[None]:
    """Speak ``user``'s chosen language; without a choice (or a user), the handshake's own
    (``Accept-Language``, as for any request). A bearer token's person is not Flask-Login's
    ``current_user`` here, so their preference must be applied explicitly."""
    if user is not None and check_language(user.language):
        return for_person(user)
    return nullcontext()


def _rate_limited() -> dict[str, str]:
    """The answer to a message over the connection's limit (in the connection's language)."""
    return {
        "error": "rate_limited",
        "message": _("Too many messages on this connection: slow down and try again shortly."),
    }


def _on_join(data: Any) -> dict[str, Any]:
    """``join`` {"room": "group:7"} → ack ``{"ok": true}`` or ``{"error", "message"}``."""
    if not socket_message_allowed(_sid()):
        with _speaking_to(socket_user()):
            return _rate_limited()
    user = socket_user()
    if user is None:
        disconnect()
        return {"error": "unauthenticated", "message": _("Your session has ended.")}
    room = data.get("room") if isinstance(data, dict) else None
    if not isinstance(room, str) or not policy.can_join_room(user, room):
        # Same answer for a forbidden and a non-existent room: nothing leaks.
        with _speaking_to(user):
            return {"error": "not_found", "message": _("No such room.")}
    join_room(room)
    return {"ok": True, "room": room}


#: Rooms a socket stays in for life: leaving ``token:`` or ``session:`` would let it
#: outlive the revocation or sign-out that disconnects that room.
FIXED_ROOMS = ("user:", "token:", "session:")


def _on_leave(data: Any) -> dict[str, Any]:
    if not socket_message_allowed(_sid()):
        with _speaking_to(socket_user()):
            return _rate_limited()
    room = data.get("room") if isinstance(data, dict) else None
    if not isinstance(room, str) or room == policy.COMPANY_ROOM or room.startswith(FIXED_ROOMS):
        with _speaking_to(socket_user()):
            return {"error": "invalid", "message": _("This room cannot be left.")}
    leave_room(room)
    return {"ok": True, "room": room}


def register() -> None:
    """Register the handlers on the shared SocketIO object, once per process.

    Must run before ``socketio.init_app``: handlers registered then are kept in
    ``socketio.handlers`` and re-applied to the server each ``init_app`` creates.
    """
    if socketio.server is not None or any(h[0] == "join" for h in socketio.handlers):
        return
    socketio.on_event("connect", _on_connect)
    socketio.on_event("join", _on_join)
    socketio.on_event("leave", _on_leave)
