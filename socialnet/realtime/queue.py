"""The Socket.IO message queue on Redis, with failures that show.

python-socketio's ``RedisManager`` logs "Cannot publish to redis... giving up"
and drops the message when Redis is down, backs its listener off up to 60 s,
and shares one connection object between publisher and listener.
:class:`ObservedRedisManager` keeps its wire format (JSON messages on one
channel, so servers and ``flask`` commands interoperate) and changes what an
operator sees:

- a failed publish is logged at ERROR (at most every few seconds, with the
  count since the last log) and counted in ``socialnet_emit_failures_total``;
  the state is exposed to ``/readyz``;
- publisher and listener have their own connections with short timeouts; the
  listener reconnects every ``QUEUE_RETRY_MAX_SECONDS`` at most, so service
  resumes by itself when Redis comes back, without a restart;
- each message carries ``sent_at``: the listener observes the queue lag;
- messages are JSON, decoded with ``json`` only — never pickle;
- ``socialnet.presence`` control messages carry room changes and disconnects
  for sockets held by other processes; the queue hands them to the ``on_control``
  handler it was given (:func:`socialnet.realtime.presence.apply_control`, passed by
  the app factory), so it never imports the module above it.

Events published while Redis is down reach the sockets of the publishing
process only; the others get them through catch-up when their clients reconnect.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis
import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

from ..ops.metrics import EMIT_FAILURES, QUEUE_LAG, QUEUE_LISTENER_ERRORS, QUEUE_UP

log = logging.getLogger(__name__)

CONTROL_METHOD = "socialnet.presence"
#: Applies one control message from another process: ``(op, args)``.
ControlHandler = Callable[[Any, dict[str, Any]], None]
ERROR_LOG_INTERVAL = 5.0


def redis_client(url: str, timeout: float, *, retries: int = 0) -> redis.Redis:
    """A Redis client that fails within ``timeout`` seconds instead of retrying for long."""
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        socket_keepalive=True,
        retry=Retry(NoBackoff(), retries),
    )


@dataclass
class QueueState:
    """What ``/readyz`` reports of the queue in this process."""

    publish_ok: bool = True
    listening: bool = False
    listener_started: bool = False
    last_error: str | None = None
    failed_publishes: int = 0
    _unlogged: int = 0
    _last_log: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class ObservedRedisManager(socketio.RedisManager):
    """A :class:`socketio.RedisManager` whose failures are logged, counted and reported."""

    def __init__(
        self,
        url: str,
        channel: str = "socialnet",
        write_only: bool = False,
        retry_max: float = 2.0,
        timeout: float = 2.0,
        on_control: ControlHandler | None = None,
    ):
        super().__init__(url, channel=channel, write_only=write_only)
        self.retry_max = retry_max
        self.timeout = timeout
        self.on_control = on_control
        self.state = QueueState()
        self._publisher: redis.Redis | None = None

    # -- publishing --------------------------------------------------------

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None,
             to=None, **kwargs):  # fmt: skip
        """As python-socketio's, except that an emit to one socket held by this process
        (e.g. the ``catchup`` sent on connect, up to ``CATCHUP_MAX_EVENTS`` events) is
        delivered directly instead of being broadcast to every process through Redis."""
        target, ns = to or room, namespace or "/"
        if (
            callback is None
            and isinstance(target, str)
            and (self.is_connected(target, ns) or self.is_pre_connected(target, ns))
        ):
            kwargs["ignore_queue"] = True
        return super().emit(
            event, data, namespace=namespace, room=target, skip_sid=skip_sid, callback=callback,
            **kwargs,
        )  # fmt: skip

    def _publish(self, data: dict[str, Any]) -> int | None:
        message = self.json.dumps({**data, "sent_at": time.time()})
        try:
            if self._publisher is None:
                self._publisher = redis_client(self.redis_url, self.timeout, retries=1)
            receivers = self._publisher.publish(self.channel, message)
        except Exception as exc:  # redis.RedisError, OSError, …: all mean "not delivered"
            self._publish_failed(data.get("method", "?"), exc)
            return None
        if not self.state.publish_ok:
            log.warning("message queue: publishing to Redis works again")
            self.state.publish_ok = True
        return receivers

    def _publish_failed(self, method: str, exc: BaseException) -> None:
        EMIT_FAILURES.labels("queue").inc()
        state = self.state
        with state.lock:
            state.publish_ok = False
            state.failed_publishes += 1
            state.last_error = type(exc).__name__
            state._unlogged += 1
            now = time.monotonic()
            if now - state._last_log < ERROR_LOG_INTERVAL:
                return
            count, state._unlogged, state._last_log = state._unlogged, 0, now
        log.error(
            "message queue: cannot publish %r to Redis (%s: %s); %d message(s) not delivered "
            "to other processes since the last report",
            method,
            type(exc).__name__,
            exc,
            count,
        )

    def publish_control(self, op: str, **args: Any) -> None:
        """Ask every other process to apply presence operation ``op`` to its own sockets."""
        self._publish({"method": CONTROL_METHOD, "op": op, "args": args, "host_id": self.host_id})

    # -- listening ---------------------------------------------------------

    def _redis_listen_with_retries(self):
        delay = min(0.25, self.retry_max)
        self.state.listener_started = True
        while True:
            pubsub = None
            try:
                client = redis_client(self.redis_url, self.timeout)
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(self.channel)
                if self.state.last_error is not None:
                    log.warning("message queue: Redis is back; listening again")
                else:
                    log.info("message queue: listening on Redis channel %r", self.channel)
                self.state.listening = True
                QUEUE_UP.set(1)
                delay = min(0.25, self.retry_max)
                yield from pubsub.listen()
            except Exception as exc:
                QUEUE_LISTENER_ERRORS.inc()
                if self.state.listening:
                    log.error(
                        "message queue: lost Redis (%s: %s); events from other processes "
                        "are not received until it is back (retrying every %.1f s at most)",
                        type(exc).__name__,
                        exc,
                        self.retry_max,
                    )
                self.state.listening = False
                self.state.last_error = type(exc).__name__
                QUEUE_UP.set(0)
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # the connection is already gone
                        pubsub.close()
                time.sleep(delay)
                delay = min(delay * 2, self.retry_max)

    def _listen(self):
        channel = self.channel.encode("utf-8")
        for message in self._redis_listen_with_retries():
            if message.get("channel") != channel or message.get("type") != "message":
                continue
            data = decode(message.get("data"))
            if data is None:
                continue
            sent_at = data.get("sent_at")
            if isinstance(sent_at, int | float):
                QUEUE_LAG.observe(max(0.0, time.time() - sent_at))
            if data.get("method") == CONTROL_METHOD:
                if data.get("host_id") != self.host_id:
                    self._apply_control(data)
                continue
            yield data  # a dict: PubSubManager._thread does not decode it again

    def _apply_control(self, data: dict[str, Any]) -> None:
        if self.on_control is None:
            log.warning("message queue: ignored presence operation %r (no handler)", data.get("op"))
            return
        try:
            self.on_control(data.get("op"), data.get("args") or {})
        except Exception:
            log.exception("message queue: presence operation %r failed", data.get("op"))


def decode(raw: Any) -> dict[str, Any] | None:
    """A queue message as a dict, or None if it is not a JSON object (never unpickled)."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        log.warning("message queue: ignored a message that is not JSON")
        return None
    return data if isinstance(data, dict) else None


def make_client_manager(
    config: dict[str, Any], on_control: ControlHandler | None = None
) -> ObservedRedisManager | None:
    """The client manager for ``SOCKETIO_MESSAGE_QUEUE``, or None to stay single-process.
    ``on_control`` applies the control messages other processes publish.

    Only Redis URLs are supported: the deployment documented in ``deploy/`` uses
    Redis, and a queue we cannot observe would fail silently.
    """
    url = config.get("SOCKETIO_MESSAGE_QUEUE")
    if not url:
        return None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise RuntimeError(f"SOCKETIO_MESSAGE_QUEUE must be a redis:// URL, not {url!r}")
    return ObservedRedisManager(
        url,
        channel=config["SOCKETIO_QUEUE_CHANNEL"],
        retry_max=config["QUEUE_RETRY_MAX_SECONDS"],
        timeout=config["READY_CHECK_TIMEOUT"],
        on_control=on_control,
    )


def start_listener() -> None:
    """Subscribe to the queue now, not at the first socket connection (python-socketio's
    default): a process without sockets must still be ready, and /readyz must see it."""
    from ..extensions import socketio as flask_socketio

    server = flask_socketio.server
    if current_manager() is not None and not server.manager_initialized:
        server.manager_initialized = True
        server.manager.initialize()


def current_manager() -> ObservedRedisManager | None:
    """This process's queue manager, if a message queue is configured."""
    from ..extensions import socketio as flask_socketio

    server = flask_socketio.server
    manager = getattr(server, "manager", None)
    return manager if isinstance(manager, ObservedRedisManager) else None
