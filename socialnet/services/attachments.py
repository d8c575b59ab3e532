"""What a post of a special kind carries besides its text: a poll, kudos, a celebration.

Each domain service registers one loader for its post kind. A loader receives
the viewer and every post of its kind on a page, and returns
``{post_id: data}`` in a bounded number of queries (never one per post), so a
feed page keeps a constant query count whatever its size. The data is added
to the post's JSON under the kind's name (``"poll"``, ``"kudos"``, …), or — for a
kind registered with ``key=None`` (questions: ``answered``, ``best_answer``) — merged
into the post's own fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Post, User

Loader = Callable[[User, list[Post]], dict[int, dict[str, Any]]]

_LOADERS: dict[str, tuple[Loader, str | None]] = {}


def register(kind: str, loader: Loader, *, key: str | None = "") -> None:
    """Declare how to load the attachment of posts of ``kind`` (once per kind): under
    ``key`` (default: the kind's name), or merged into the post's fields (``None``)."""
    _LOADERS[kind] = (loader, kind if key == "" else key)


def attachments_for(user: User, posts: list[Post]) -> dict[int, tuple[str | None, dict[str, Any]]]:
    """``{post_id: (key, data)}`` for the posts on a page that have an attachment
    (``key`` None: fields to merge into the post's own)."""
    by_kind: dict[str, list[Post]] = {}
    for post in posts:
        if post.kind in _LOADERS:
            by_kind.setdefault(post.kind, []).append(post)
    found: dict[int, tuple[str | None, dict[str, Any]]] = {}
    for kind, group in by_kind.items():
        loader, key = _LOADERS[kind]
        for post_id, data in loader(user, group).items():
            found[post_id] = (key, data)
    return found
