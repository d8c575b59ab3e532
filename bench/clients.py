"""Load-generator code that runs in its own processes (spawned, so no app state is shared).

- :func:`socket_worker`: holds many authenticated python-socketio ``AsyncClient``
  sockets (aiohttp, WebSocket transport) in one asyncio loop, and records every
  ``post.created`` whose body carries the run's marker, with its latency from the
  send timestamp the body carries.
- :func:`http_latency_worker`: sequential keep-alive GETs, timed one by one.
- :func:`writer_worker`: threads posting ``POST /api/v1/posts`` as fast as they can.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import socket
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
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
