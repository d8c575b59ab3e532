"""Statements and SQL conditions built once per process.

Building a query that carries policy's filters, and hashing it for SQLAlchemy's compiled
cache, costs as much as running it (the feed, the search page, socket rooms, catch-up,
notifications): such builders are cached, keyed on the *shape* of their reader
(``policy.BoundViewer``) with every value a parameter. :func:`built_once` marks them, so
that :func:`forget_built` can drop them all: a test that changes policy at run time (the
leak matrices' "teeth" tests) must forget what was built before the change, and after it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_CACHES: list[Any] = []


def built_once(function: F | None = None, *, maxsize: int | None = None) -> Any:
    """``functools.cache`` (or an LRU of ``maxsize``) that :func:`forget_built` clears."""

    def wrap(inner: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(inner)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return wrap(function) if function is not None else wrap


def forget_built() -> None:
    """Drop every statement and condition built so far (they are built again when next
    asked for)."""
    for cached in _CACHES:
        cached.cache_clear()
