"""Avatars: the photo a person puts on their profile (``PUT``/``DELETE /api/v1/me/avatar``).

Contracts:

- What is sent passes the checks of any upload (``services.files``): the type sniffed from
  the bytes (an image, or 415), the size limit, the pixel limit, a damaged or truncated
  image refused (400). The centre square is kept and stored as WebP at each of
  :data:`AVATAR_SIZES`; re-encoded from the pixels, so no EXIF or GPS metadata survives.
- Bytes follow the transaction like uploads: written before the row changes and removed
  if it rolls back; the previous photo's bytes are removed once the change is committed.
- ``avatar_version`` grows at every change and is part of the URL (``serializers.avatar_url``),
  so the avatar is cached privately for long and a change is seen at once.
- Every change is announced with ``user.updated`` (``profile.announce_update``).
- An avatar is as visible as the person's card: any signed-in colleague sees it, a
  deactivated person's included; a deleted account has none (:func:`forget_avatar`).
"""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _
from PIL import Image, ImageOps

from ... import policy
from ...errors import Conflict, NotFound, UnsupportedType, ValidationFailed
from ...extensions import db
from ...models import User
from ...serializers import AVATAR_DEFAULT_SIZE, AVATAR_SIZES
from ...storage import get_storage
from .. import file_checks, files
from .profile import announce_update


def _squares(data: bytes) -> dict[str, bytes]:
    """The WebP bytes of the image's centre square at each size. :raise ValidationFailed,
    UnsupportedType: see :func:`do_set_avatar`."""
    if not data:
        raise ValidationFailed(_("This file is empty."), error="empty_file")
    if len(data) > files.max_upload_bytes():
        raise files.too_large()
    content_type = file_checks.sniff(data)
    if content_type not in file_checks.IMAGE_TYPES:
        raise UnsupportedType(_("An avatar must be an image: JPEG, PNG, GIF or WebP."))
    image = file_checks.decode_image(data, content_type)
    try:
        image = ImageOps.exif_transpose(image) or image
        image = image.convert("RGBA")
        side = min(image.size)
        square = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
        out: dict[str, bytes] = {}
        for size in AVATAR_SIZES:
            buffer = io.BytesIO()
            square.resize((size, size), Image.Resampling.LANCZOS).save(buffer, "WEBP", quality=85)
            out[str(size)] = buffer.getvalue()
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ValidationFailed(
            _("This image is damaged or incomplete: it cannot be read."), error="bad_image"
        ) from exc
    return out


def _replace(user: User, keys: dict[str, str] | None) -> None:
    if user.avatar_keys:
        files.delete_bytes_on_commit(list(user.avatar_keys.values()))
    user.avatar_keys = keys
    user.avatar_version = (user.avatar_version or 0) + 1


def do_set_avatar(user: User, data: bytes) -> User:
    """Make the image ``data`` ``user``'s avatar. Flushes; never commits.

    :raise ValidationFailed: empty, damaged or truncated, too many pixels.
    :raise TooLarge: over ``MAX_UPLOAD_MB``. :raise UnsupportedType: not an image.
    :raise Conflict: a deleted account.
    """
    if user.deleted_at is not None:
        raise Conflict(_("This account was deleted."))
    squares = _squares(data)
    _replace(user, {size: files.write_bytes(content) for size, content in squares.items()})
    announce_update(user)
    return user


def do_remove_avatar(user: User) -> User:
    """Back to initials (nothing happens, and nothing is announced, without an avatar)."""
    if user.avatar_keys:
        _replace(user, None)
        announce_update(user)
    return user


def forget_avatar(user: User) -> None:
    """Account deletion: the avatar goes (bytes once committed), unannounced."""
    if user.avatar_keys:
        _replace(user, None)


def access_avatar(viewer: User, user_id: int, size: int) -> tuple[User, str]:
    """``(person, storage key)`` of ``user_id``'s avatar at ``size``, for ``viewer`` (signed
    in). :raise NotFound: no such person, size or avatar, or a person ``viewer`` may not see
    (:func:`policy.can_see_person`)."""
    person = db.session.get(User, user_id)
    if not policy.can_see_person(viewer, person):
        person = None
    keys = person.avatar_keys if person is not None and person.deleted_at is None else None
    if not keys or str(size) not in keys:
        raise NotFound(_("No such avatar."))
    return person, keys[str(size)]


def export_entry(user: User) -> dict[str, Any] | None:
    """The avatar in the personal data export: ``path`` in the archive (the largest size)."""
    if not user.avatar_keys:
        return None
    return {
        "path": "avatar.webp",
        "content_type": "image/webp",
        "size": AVATAR_DEFAULT_SIZE,
        "storage_key": user.avatar_keys[str(AVATAR_DEFAULT_SIZE)],
    }


def stored_bytes(key: str) -> bytes | None:
    """The bytes stored under ``key`` (None if they are missing)."""
    try:
        with get_storage().open(key) as stored:
            return stored.read()
    except FileNotFoundError:
        return None
