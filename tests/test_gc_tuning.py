"""The server freezes its start-up heap (``wsgi.py``): full collections then scan only
what requests created since, and cycles made after start-up are still collected."""

from __future__ import annotations

import gc
import weakref

from socialnet.ops.gc_tuning import freeze_startup_heap


class _Node:
    pass


def test_the_startup_heap_is_frozen_and_later_cycles_are_still_collected(monkeypatch):
    monkeypatch.delenv("SOCIALNET_GC_FREEZE", raising=False)
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 1000  # the app's modules, at least
        node = _Node()
        node.self = node  # a cycle made while serving: only the collector frees it
        alive = weakref.ref(node)
        del node
        gc.collect()
        assert alive() is None
    finally:
        gc.unfreeze()


def test_the_freeze_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("SOCIALNET_GC_FREEZE", "0")
    freeze_startup_heap()
    assert gc.get_freeze_count() == 0
