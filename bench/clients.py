"""Load-generator code that runs in its own processes (spawned, so no app state is shared).

- :func:`socket_worker`: holds many authenticated python-socketio ``AsyncClient``
  sockets (aiohttp, WebSocket transport) in one asyncio loop, and records every
  ``post.created`` whose body carries the run's marker, with its latency from the
  send timestamp the body carries.
- :func:`storm_worker`: the same sockets, reconnecting like the browser when the server
  restarts, recording when each is back and caught up.
- :func:`http_latency_worker`: sequential keep-alive GETs, timed one by one.
- :func:`writer_worker`: threads posting ``POST /api/v1/posts`` as fast as they can.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import logging
import random
import socket
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any
from urllib.parse import urlsplit


def _raise_nofile() -> None:
    from .server import raise_nofile

    raise_nofile()


# --------------------------------------------------------------------------- sockets


async def _hold_sockets(
    conn: Connection, url: str, entries: list[tuple[int, str, str]], marker: str, concurrency: int
) -> None:
    import socketio

    records: list[tuple[int, int, str, float]] = []  # (seq, user_id, tag, latency seconds)
    clients: list = []
    connected: list[tuple[int, str]] = []
    failures: Counter = Counter()
    gate = asyncio.Semaphore(concurrency)

    def on_post(user_id: int, tag: str):
        def handler(envelope):
            now = time.time()
            body = (envelope.get("data") or {}).get("body", "")
            if body.startswith(marker):
                _, seq, sent = body.split()[:3]
                records.append((int(seq), user_id, tag, now - float(sent)))

        return handler

    async def connect(user_id: int, token: str, tag: str) -> None:
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("post.created", on_post(user_id, tag))
        async with gate:
            try:
                await sio.connect(
                    url, auth={"token": token}, transports=["websocket"], wait_timeout=60
                )
                clients.append(sio)
                connected.append((user_id, tag))
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures[type(exc).__name__ + ": " + str(exc)[:80]] += 1

    started = time.perf_counter()
    await asyncio.gather(*(connect(*e) for e in entries))
    conn.send(
        {
            "connected": len(clients),
            "connected_ids": connected,
            "failed": sum(failures.values()),
            "failures": dict(failures.most_common(5)),
            "seconds": time.perf_counter() - started,
        }
    )
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, conn.recv)
        if command == "collect":
            out, records[:] = list(records), []
            alive = sum(1 for c in clients if c.connected)
            conn.send({"records": out, "alive": alive})
        elif command == "stop":
            break
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)
    conn.send({"stopped": True})


def socket_worker(
    conn: Connection,
    url: str,
    entries: list[tuple[int, str, str]],
    marker: str,
    concurrency: int = 50,
) -> None:
    """Process entry point: ``entries`` are (user id, token, tag such as member/outsider)."""
    _raise_nofile()
    for name in ("engineio.client", "socketio.client"):  # "packet queue is empty" on close
        logging.getLogger(name).setLevel(logging.CRITICAL)
    asyncio.run(_hold_sockets(conn, url, entries, marker, concurrency))


# --------------------------------------------------------------------------- reconnect storm

#: The browser's reconnection (static/js/app.js ``RECONNECT``, socket.io-client's Backoff):
#: 1.5 s doubling to 30 s at most, each delay drawn within ±50 %; a connect gives up after
#: 20 s (socket.io-client's ``timeout``). python-socketio's own reconnection differs (its
#: jitter is ±0.5 s whatever the delay, and a reconnect waits 1 s for the server's answer),
#: so the storm's clients reconnect by these rules instead.
BROWSER_BACKOFF = {"delay": 1.5, "delay_max": 30.0, "randomization": 0.5, "timeout": 20.0}


def backoff_delay(attempt: int, rand: float, rules: dict[str, float] = BROWSER_BACKOFF) -> float:
    """Seconds before reconnection attempt ``attempt`` (0 first), ``rand`` uniform in [0, 1)."""
    delay = rules["delay"] * 2**attempt
    deviation = rand * rules["randomization"] * delay
    delay = delay - deviation if int(rand * 10) % 2 == 0 else delay + deviation
    return min(delay, rules["delay_max"])


class _Storm:
    """The storm's sockets in one process: each held, and reconnected like the browser when
    the server drops it; records when each is back and caught up."""

    def __init__(self, url: str, concurrency: int) -> None:
        self.url = url
        self.gate = asyncio.Semaphore(concurrency)
        self.stopping = asyncio.Event()
        self.initial: Counter = Counter()
        self.initial_failures: Counter = Counter()
        self.failures: list[tuple[float, str]] = []  # (when, kind) of each failed reconnection
        #: (dropped at, caught up at, attempts, ids of the posts the catchup replayed)
        self.records: list[tuple[float, float, int, list[int]]] = []
        self.live: list = []

    async def hold(self, token: str) -> None:
        head: int | None = None
        dropped_at: float | None = None
        attempt = 0
        mine: int | None = None  # this socket's row in ``records`` once it is back
        while not self.stopping.is_set():
            auth = {"token": token} if head is None else {"token": token, "last_event_id": head}
            try:
                sio, dropped, got = await self._connect(auth, first=dropped_at is None)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                kind = f"{type(exc).__name__}: {str(exc)[:60]}"
                if dropped_at is None:  # the first connect is not retried (as `sockets`)
                    self.initial_failures[kind] += 1
                    self.initial["done"] += 1
                    return
                self.failures.append((time.time(), kind))
                await asyncio.sleep(backoff_delay(attempt, random.random()))
                attempt += 1
                continue
            events = got.get("events", [])
            head = max([got.get("head") or 0, head or 0, *(e["id"] for e in events)])
            if dropped_at is None:
                self.initial.update(("connected", "done"))
            else:
                posts = [e["data"]["id"] for e in events if e.get("type") == "post.created"]
                if mine is None:
                    mine = len(self.records)
                    self.records.append((dropped_at, time.time(), attempt + 1, posts))
                else:  # dropped again after it was back: one socket, back later
                    first, _back, attempts, replayed = self.records[mine]
                    back = (first, time.time(), attempts + attempt + 1, replayed + posts)
                    self.records[mine] = back
            attempt = 0
            self.live.append(sio)
            await dropped.wait()
            self.live.remove(sio)
            dropped_at = time.time()
            if not self.stopping.is_set():
                await asyncio.sleep(backoff_delay(attempt, random.random()))
                attempt += 1

    async def _connect(self, auth: dict, first: bool) -> tuple[Any, asyncio.Event, dict]:
        """A new client, connected, and its ``catchup``, within the browser's timeout (the
        first connects go through the gate, as in :func:`_hold_sockets`)."""
        import socketio

        sio = socketio.AsyncClient(reconnection=False)
        caught, dropped = asyncio.Event(), asyncio.Event()
        got: dict = {}

        def on_catchup(payload) -> None:
            got.update(payload)
            caught.set()

        sio.on("catchup", on_catchup)
        sio.on("disconnect", lambda *_a: dropped.set())
        timeout = BROWSER_BACKOFF["timeout"]
        try:
            async with self.gate if first else contextlib.nullcontext():
                await sio.connect(
                    self.url, auth=auth, transports=["websocket"], wait_timeout=timeout
                )
                await asyncio.wait_for(caught.wait(), timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await sio.disconnect()
            raise
        return sio, dropped, got

    async def stop(self) -> None:
        self.stopping.set()
        for sio in list(self.live):
            with contextlib.suppress(Exception):
                await sio.disconnect()


async def _storm_sockets(
    conn: Connection, url: str, entries: list[tuple[int, str, str]], concurrency: int
) -> None:
    storm = _Storm(url, concurrency)
    started = time.perf_counter()
    tasks = [asyncio.create_task(storm.hold(token)) for _u, token, _t in entries]
    while storm.initial["done"] < len(entries):
        await asyncio.sleep(0.1)
    conn.send(
        {
            "connected": storm.initial["connected"],
            "failed": sum(storm.initial_failures.values()),
            "failures": dict(storm.initial_failures.most_common(5)),
            "seconds": time.perf_counter() - started,
        }
    )
    loop = asyncio.get_running_loop()
    while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
        if command == "status":
            conn.send(
                {"records": storm.records, "failures": storm.failures, "live": len(storm.live)}
            )
    await storm.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    conn.send({"stopped": True})


def storm_worker(
    conn: Connection, url: str, entries: list[tuple[int, str, str]], concurrency: int = 50
) -> None:
    """Process entry point of the reconnect storm: ``entries`` are (user id, token, tag)."""
    _raise_nofile()
    for name in ("engineio.client", "socketio.client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    asyncio.run(_storm_sockets(conn, url, entries, concurrency))


# --------------------------------------------------------------------------- HTTP


def _connection(url: str) -> http.client.HTTPConnection:
    """A keep-alive connection with Nagle off (bodies are sent with their headers, as bytes:
    a separate small write would wait for the server's delayed ACK, 40 ms)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def http_latency_worker(
    url: str, plan: list[tuple[str, str, str]], warmup: int = 20
) -> dict[str, list[float]]:
    """GET each (name, path, token) of ``plan`` in order on one keep-alive connection;
    milliseconds per name (the first ``warmup`` requests are not kept)."""
    conn = _connection(url)
    samples: dict[str, list[float]] = {}
    for i, (name, path, token) in enumerate(plan):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        if i >= warmup:
            samples.setdefault(name, []).append(elapsed)
    conn.close()
    return samples


def _writer_thread(
    url: str, token: str, group_id: int | None, deadline: float, start: float, out: dict
) -> None:
    conn = _connection(url)
    ok, errors, latencies = 0, Counter(), []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while time.time() < start:
        time.sleep(0.001)
    n = 0
    while time.time() < deadline:
        n += 1
        body = {"body": f"Benchmark write {n} from a writer #bench"}
        if group_id is not None and n % 3 == 0:
            body["group_id"] = group_id
        began = time.perf_counter()
        try:
            payload = json.dumps(body).encode()
            conn.request("POST", "/api/v1/posts", body=payload, headers=headers)
            response = conn.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors[f"{type(exc).__name__}: {exc}"[:120]] += 1
            conn.close()
            conn = _connection(url)
            continue
        latencies.append((time.perf_counter() - began) * 1000)
        if response.status == 201:
            ok += 1
        else:
            errors[f"{response.status} {text[:100]!r}"] += 1
    conn.close()
    with out["lock"]:
        out["ok"] += ok
        out["errors"].update(errors)
        out["latencies"].extend(latencies)


def writer_worker(
    url: str, writers: list[tuple[str, int | None]], start: float, seconds: float
) -> dict:
    """Threads, one per (token, group id): post until ``start + seconds`` (wall clock)."""
    out = {"ok": 0, "errors": Counter(), "latencies": [], "lock": threading.Lock()}
    deadline = start + seconds
    threads = [
        threading.Thread(target=_writer_thread, args=(url, token, gid, deadline, start, out))
        for token, gid in writers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    del out["lock"]
    out["errors"] = dict(out["errors"])
    return out
