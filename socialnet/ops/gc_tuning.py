"""The garbage collector, tuned for a long-running server.

CPython's collector runs a full collection (every object that lives in a container:
the app's modules, SQLAlchemy's mappers and statement caches, Babel's catalogues, the
Jinja environment…) after enough younger collections, in whatever request is running at
the time. At 1M posts the search benchmark traced each of its p99 outliers (~180 ms on a
busy machine) to one of these. What exists when the server is ready to serve lives as long
as the process, so :func:`freeze_startup_heap` moves it into the collector's permanent
generation: full collections then scan only what requests created since.
"""

from __future__ import annotations

import gc
import os


def freeze_startup_heap() -> None:
    """Collect once, then exempt every object alive now from later collections.

    Call once, after the app is created and before serving (``wsgi.py``; the benchmark's
    in-process scenarios do the same to measure what the server does). Frozen objects are
    still freed by reference counting; only cycles among them are never collected, which
    is what start-up objects are meant for (they live until the process ends).
    ``SOCIALNET_GC_FREEZE=0`` leaves the collector as CPython sets it (to measure the
    difference, or to rule it out).
    """
    if os.environ.get("SOCIALNET_GC_FREEZE", "1") == "0":
        return
    gc.collect()
    gc.freeze()
