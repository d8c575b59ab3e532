"""The reader of a statement built once: policy filters whose viewer is a bind parameter.

A visibility filter such as :func:`~.posts.home_feed_filter` depends on its reader
through three things only: whether they are active, whether they are a guest, and their
id, which the filters use in SQL alone. Built for a :class:`BoundViewer` instead of a
person, the same function returns the same SQL with ``:viewer_id`` where the id was:
a statement made of it can be built once per shape and executed with
``{"viewer_id": user.id}`` (:func:`viewer_params`), instead of building and hashing
the whole expression tree at every request (about 1 ms of a feed page's CPU).

There is still one definition of who sees what: the filter functions themselves. Only
filters that read nothing of their user but ``active``, ``is_guest`` and ``id`` (in
SQL) may be given a bound viewer; ``tests/test_bound_viewer.py`` checks that the bound
and the direct forms select the same rows for every kind of reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam
from sqlalchemy.sql.elements import BindParameter

from ..models import User

#: Name of the bind parameter that stands for the reader's id.
VIEWER_ID = "viewer_id"


@dataclass(frozen=True)
class BoundViewer:
    """Stands for "whoever reads" in a filter built once: ``id`` is ``:viewer_id``."""

    active: bool
    is_guest: bool

    @property
    def id(self) -> BindParameter[int]:
        return bindparam(VIEWER_ID, type_=Integer)


_SHAPES = {
    (active, guest): BoundViewer(active=active, is_guest=guest)
    for active in (True, False)
    for guest in (True, False)
}


def bound_viewer(user: User) -> BoundViewer:
    """The shape of ``user`` as a reader (hashable: a key for statements built once)."""
    return _SHAPES[(bool(user.active), bool(user.is_guest))]


def viewer_params(user: User) -> dict[str, Any]:
    """The parameters that make a statement built for :func:`bound_viewer` read as ``user``."""
    return {VIEWER_ID: user.id}
