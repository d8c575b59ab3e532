"""Where the bytes of uploaded files live, behind a small interface.

Layout (``LocalStorage``): ``SOCIALNET_STORAGE_DIR`` (default ``instance/uploads``) holds
one file per key; keys are ``ab/cdef…`` (two hex characters, then the rest of a random
token), never derived from a file name, so nothing a person sends reaches a path.
Writes go to a temporary file in the same directory, fsynced, then ``os.replace``\\ d
into place: a reader sees the whole file or nothing.

Several processes on several machines need one shared store: implement
:class:`Storage` over an S3-compatible bucket (``put`` = PutObject, ``open`` =
GetObject streamed, ``delete`` = DeleteObject, ``exists`` = HeadObject) and return it
from :func:`get_storage` when a setting names the bucket. Nothing else changes: the
database holds keys only.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app


class Storage(Protocol):
    """A key → bytes store. Keys come from :func:`new_key` only."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` atomically (all or nothing)."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes for reading. :raise FileNotFoundError: no such key."""

    def path(self, key: str) -> Path | None:
        """A local path for ``key`` when the store has one (lets responses use sendfile)."""

    def delete(self, key: str) -> None:
        """Remove ``key``; a missing key is not an error."""

    def exists(self, key: str) -> bool: ...


def new_key() -> str:
    """A fresh random key (``ab/cdef…``), never derived from anything a person sent."""
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token[2:]}"


class LocalStorage:
    """Files on a local disk under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        head, _, tail = key.partition("/")
        if not (len(head) == 2 and tail and all(c in "0123456789abcdef" for c in head + tail)):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / head / tail

    def put(self, key: str, data: bytes) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def path(self, key: str) -> Path | None:
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def storage_root() -> Path:
    """The local directory of the files (``STORAGE_DIR``; relative: under the instance);
    ``flask backup``/``restore`` archive it beside the database backup."""
    root = Path(current_app.config.get("STORAGE_DIR") or "uploads")
    if not root.is_absolute():
        root = Path(current_app.instance_path) / root
    return root


def get_storage() -> Storage:
    """The application's store: :class:`LocalStorage` under :func:`storage_root`."""
    return LocalStorage(storage_root())
