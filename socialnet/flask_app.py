"""The Flask class socialnet runs on: Flask, minus work it repeats on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask


class SocialnetFlask(Flask):
    """Flask with :meth:`ensure_sync` remembered per function.

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view at every request
    (thirteen times for ``/healthz``: before, after and teardown hooks, the view): about
    a tenth of what the cheapest request costs. Whether a function is a coroutine
    function does not change, so the answer is kept, for up to :attr:`REMEMBERED`
    functions (hooks and views are a few hundred; a callback made afresh per request,
    such as ``after_this_request``'s, must not grow the table for ever). Functions that
    cannot be dict keys are asked every time, as Flask does.
    """

    REMEMBERED = 2048

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_functions: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._sync_functions[func]
        except KeyError:
            sync = super().ensure_sync(func)
            if len(self._sync_functions) < self.REMEMBERED:
                self._sync_functions[func] = sync
            return sync
        except TypeError:  # unhashable
            return super().ensure_sync(func)
