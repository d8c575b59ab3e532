"""The gate that lets socket handshakes read the database a few at a time, in arrival
order (``socialnet.realtime.admission``)."""

from __future__ import annotations

import threading
import time

import pytest

from socialnet.extensions import socketio
from socialnet.realtime.admission import FifoGate, GateBusy


def test_a_freed_slot_goes_to_the_longest_waiter_never_to_a_newcomer():
    gate = FifoGate(slots=1, wait_seconds=5)
    order: list[str] = []
    holder = gate.slot()
    holder.__enter__()

    def wait_then_enter(name: str) -> None:
        with gate.slot():
            order.append(name)

    first = threading.Thread(target=wait_then_enter, args=("first",))
    first.start()
    while gate.waiting < 1:
        time.sleep(0.001)
    second = threading.Thread(target=wait_then_enter, args=("second",))
    second.start()
    while gate.waiting < 2:
        time.sleep(0.001)
    holder.__exit__(None, None, None)
    # A newcomer now finds the slot handed on, not free: it queues behind both.
    wait_then_enter("newcomer")
    first.join(5)
    second.join(5)
    assert order == ["first", "second", "newcomer"]
    assert gate.waiting == 0


def test_a_waiter_past_its_wait_is_refused_and_leaves_the_queue():
    gate = FifoGate(slots=1, wait_seconds=0.05)
    with gate.slot():
        started = time.monotonic()
        with pytest.raises(GateBusy), gate.slot():
            pass
        assert time.monotonic() - started < 1
        assert gate.waiting == 0
    with gate.slot():  # the slot came back when the holder left
        pass


def test_a_gate_needs_a_slot():
    with pytest.raises(ValueError):
        FifoGate(slots=0, wait_seconds=1)


def test_a_handshake_that_gets_no_turn_is_refused_as_busy(app, monkeypatch, employee, token_for):
    from socialnet.realtime import sockets

    token = token_for(employee)
    with app.app_context():
        gate = sockets.connect_gate()
    monkeypatch.setattr(gate, "wait_seconds", 0.05)
    blockers = [gate.slot() for _ in range(app.config["SOCKET_CONNECT_SLOTS"])]
    for blocker in blockers:
        blocker.__enter__()
    try:
        assert not socketio.test_client(app, auth={"token": token}).is_connected()
    finally:
        for blocker in blockers:
            blocker.__exit__(None, None, None)
    assert socketio.test_client(app, auth={"token": token}).is_connected()


def test_a_waiter_killed_while_waiting_loses_no_slot(monkeypatch):
    """A greenlet killed in its wait (GreenletExit, an eventlet Timeout) must neither stay
    in the queue nor take the slot with it."""

    class Killed(BaseException):
        pass

    gate = FifoGate(slots=1, wait_seconds=5)
    with gate.slot():
        real_wait = threading.Event.wait

        def killed(self, timeout=None):
            raise Killed

        monkeypatch.setattr(threading.Event, "wait", killed)
        with pytest.raises(Killed), gate.slot():
            pass
        monkeypatch.setattr(threading.Event, "wait", real_wait)
        assert gate.waiting == 0
    with gate.slot():  # the one slot is still there
        pass


def test_the_gate_is_never_wider_than_the_pool(app, monkeypatch):
    from socialnet.realtime import sockets

    options = {"pool_size": 3, "max_overflow": 2}
    monkeypatch.setitem(app.config, "SQLALCHEMY_ENGINE_OPTIONS", options)
    monkeypatch.setitem(app.extensions, "socialnet.connect_gate", None)
    with app.app_context():
        gate = sockets.connect_gate()
    holders = [gate.slot() for _ in range(5)]
    for holder in holders:
        holder.__enter__()
    monkeypatch.setattr(gate, "wait_seconds", 0.01)
    with pytest.raises(GateBusy), gate.slot():  # 3 + 2 connections: the sixth waits
        pass
    for holder in holders:
        holder.__exit__(None, None, None)
