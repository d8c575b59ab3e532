"""Admission of socket handshakes to the database: a few at a time, first come first served.

After a restart every open page reconnects within seconds. Under eventlet each handshake
holds a pooled connection while it waits its turn in the hub, and SQLAlchemy's pool wakes
its waiters in no particular order: a newcomer can take a freed connection before a
greenlet that has waited for seconds, until one waits past the pool's timeout. The gate
lets at most ``slots`` handshakes read at once and hands each freed slot to the one that
has waited longest; one that waits longer than ``wait_seconds`` is told the server is
busy (its page retries after a growing delay) rather than left hanging.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class GateBusy(Exception):
    """No slot came free within the wait: refuse, the client retries later."""


class FifoGate:
    """At most ``slots`` holders at once; the others wait in arrival order. A freed slot
    passes straight to the longest waiter, so a newcomer never overtakes anyone.

    Safe across threads and greenlets (its lock and events are eventlet's once patched).
    """

    def __init__(self, slots: int, wait_seconds: float) -> None:
        if slots < 1:
            raise ValueError("a gate needs at least one slot")
        self.wait_seconds = wait_seconds
        self._free = slots
        self._waiting: deque[threading.Event] = deque()
        self._lock = threading.Lock()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the block. :raise GateBusy: none came free in time."""
        self._enter()
        try:
            yield
        finally:
            self._leave()

    def _enter(self) -> None:
        with self._lock:
            if self._free > 0 and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        try:
            handed = turn.wait(self.wait_seconds)
        except BaseException:  # killed while waiting (GreenletExit, a Timeout)
            if not self._withdraw(turn):
                self._leave()  # the slot had reached it: pass it on, never lose it
            raise
        if handed or not self._withdraw(turn):
            return  # the slot was handed over (perhaps just as the wait ended)
        raise GateBusy

    def _withdraw(self, turn: threading.Event) -> bool:
        """Leave the queue: True, unless the slot was handed to ``turn`` already."""
        with self._lock:
            if turn.is_set():
                return False
            self._waiting.remove(turn)
            return True

    def _leave(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # the slot passes on, never freed in between
            else:
                self._free += 1
