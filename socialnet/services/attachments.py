"""What a post of a special kind carries besides its text: a poll, kudos, a celebration.

Each domain service registers one loader for its post kind. A loader receives
the viewer and every post of its kind on a page, and returns
``{post_id: data}`` in a bounded number of queries (never one per post), so a
feed page keeps a constant query count whatever its size. The data is added
to the post's JSON under the kind's name (``"poll"``, ``"kudos"``, …).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..models import Post, User

Loader = Callable[[User, list[Post]], dict[int, dict[str, Any]]]

_LOADERS: dict[str, Loader] = {}


def register(kind: str, loader: Loader) -> None:
    """Declare how to load the attachment of posts of ``kind`` (once per kind)."""
    _LOADERS[kind] = loader


def attachments_for(user: User, posts: list[Post]) -> dict[int, tuple[str, dict[str, Any]]]:
    """``{post_id: (key, data)}`` for the posts on a page that have an attachment."""
    by_kind: dict[str, list[Post]] = {}
    for post in posts:
        if post.kind in _LOADERS:
            by_kind.setdefault(post.kind, []).append(post)
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    for kind, group in by_kind.items():
        for post_id, data in _LOADERS[kind](user, group).items():
            found[post_id] = (kind, data)
    return found
