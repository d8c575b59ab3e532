"""Uploaded files: checking what people send, storing it, attaching it, serving it.

Contracts:

- The type of a file is sniffed from its bytes (``file_checks.sniff``), never taken from
  its name or the client's ``Content-Type``; executables, SVG, HTML and anything unknown
  are refused (415).
- Images are decoded under a pixel limit, their orientation applied and re-encoded so
  that no EXIF/GPS metadata survives (``file_checks.process_image``); a thumbnail is
  stored beside them. Animated GIFs are kept as sent (their thumbnail is the first frame).
- Bytes are written before the row; if the transaction then rolls back the bytes are
  removed, and bytes of deleted rows are removed only once the deletion is committed, so
  no file stays on disk without its row, nor a row without its file.
- An upload is visible to its uploader until attached; then exactly as visible as the post
  or comment it is attached to (:func:`access_file`; a refusal is a 404 like a missing file).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, delete, event, func, select
from sqlalchemy.orm import Session

from .. import policy
from ..built_once import built_once
from ..errors import NotFound, QuotaExceeded, TooLarge, UnsupportedType, ValidationFailed
from ..extensions import db
from ..limits import MAX_ID
from ..models import Comment, FileUpload, Post, User
from ..models._time import utcnow
from ..serializers import iso, user_summary
from ..storage import Storage, get_storage, new_key
from .file_checks import IMAGE_TYPES, clean_name, process_image, sniff
from .file_text import initial_status

#: Files on one post or comment.
MAX_FILES_PER_ITEM = 10
#: Unattached uploads older than this are removed by the job loop.
UNATTACHED_TTL = timedelta(hours=24)

_WRITTEN = "files_written"  # session.info: (storage, key) written in this transaction
_DOOMED = "files_doomed"  # session.info: (storage, key) to remove once committed
_GIVEN = "posts_given_files"  # session.info: ids of the posts do_attach gave files


# --- bytes on disk follow the transaction ------------------------------------------------


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for storage, key in session.info.pop(_DOOMED, []):
        storage.delete(key)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    session.info.pop(_GIVEN, None)
    for storage, key in session.info.pop(_WRITTEN, []):
        storage.delete(key)


def _write(storage: Storage, data: bytes) -> str:
    key = new_key()
    storage.put(key, data)
    db.session.info.setdefault(_WRITTEN, []).append((storage, key))
    return key


def write_bytes(data: bytes) -> str:
    """Store ``data`` under a new key, removed again if the transaction rolls back."""
    return _write(get_storage(), data)


def delete_bytes_on_commit(keys: list[str]) -> None:
    """Remove these stored keys once the transaction commits (kept if it rolls back)."""
    storage = get_storage()
    db.session.info.setdefault(_DOOMED, []).extend((storage, key) for key in keys)


def delete_files(files: list[FileUpload]) -> None:
    """Delete these rows now and their bytes once the deletion is committed."""
    if not files:
        return
    storage = get_storage()
    doomed = db.session.info.setdefault(_DOOMED, [])
    for f in files:
        doomed.append((storage, f.storage_key))
        if f.thumbnail_key:
            doomed.append((storage, f.thumbnail_key))
    db.session.execute(delete(FileUpload).where(FileUpload.id.in_([f.id for f in files])))


# --- checking what was sent --------------------------------------------------------------

# --- upload ------------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_MB", 25)) * 1024 * 1024


def too_large() -> TooLarge:
    return TooLarge(
        _(
            "This file is too large: files may be at most %(num)d MB.",
            num=int(current_app.config.get("MAX_UPLOAD_MB", 25)),
        )
    )


def do_upload(user: User, raw_name: str | None, data: bytes) -> FileUpload:
    """Check, store and record one upload by ``user`` (flushed, not committed).

    :raise ValidationFailed: empty, a damaged image, an image with too many pixels.
    :raise TooLarge: over ``MAX_UPLOAD_MB``. :raise QuotaExceeded: over the daily quota.
    :raise UnsupportedType: not an accepted type.
    """
    if not data:
        raise ValidationFailed(_("This file is empty."), error="empty_file")
    if len(data) > max_upload_bytes():
        raise too_large()
    quota = int(current_app.config.get("UPLOAD_DAILY_QUOTA_MB", 500)) * 1024 * 1024
    used = db.session.scalar(
        select(func.coalesce(func.sum(FileUpload.size), 0)).where(
            FileUpload.uploader_id == user.id, FileUpload.created_at >= utcnow() - timedelta(days=1)
        )
    )
    if used + len(data) > quota:
        raise QuotaExceeded(
            _(
                "You have uploaded %(num)d MB today, the daily limit: try again tomorrow.",
                num=quota // (1024 * 1024),
            )
        )
    name = clean_name(raw_name)
    content_type = sniff(data, name)
    if content_type is None:
        raise UnsupportedType(
            _(
                "This type of file is not accepted. Send images (JPEG, PNG, GIF, WebP), PDF, "
                "office documents (Word, Excel, PowerPoint, OpenDocument), text or CSV."
            )
        )
    width = height = None
    thumbnail = None
    if content_type in IMAGE_TYPES:
        data, thumbnail, width, height = process_image(data, content_type)
    storage = get_storage()
    upload = FileUpload(
        uploader_id=user.id,
        name=name,
        size=len(data),
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=_write(storage, data),
        thumbnail_key=_write(storage, thumbnail) if thumbnail else None,
        width=width,
        height=height,
        text_status=initial_status(content_type),
    )
    db.session.add(upload)
    db.session.flush()
    return upload


# --- serialisation -----------------------------------------------------------------------


def file_dict(f: FileUpload) -> dict[str, Any]:
    """The one JSON form of a file, wherever it appears."""
    return {
        "id": f.id,
        "name": f.name,
        "size": f.size,
        "content_type": f.content_type,
        "url": url_for("api.download_file", file_id=f.id, name=f.name),
        "thumbnail_url": (
            url_for("api.download_thumbnail", file_id=f.id) if f.thumbnail_key else None
        ),
        "width": f.width,
        "height": f.height,
    }


def file_entry(f: FileUpload, uploader: User, post_id: int) -> dict[str, Any]:
    """A file where it lives — ``{"file", "uploader", "created_at", "post_id",
    "post_url"}`` —, the one form of a group's "Files" list and of a file found by search.
    ``post_id`` is the post it is on, or its comment's post."""
    return {
        "file": file_dict(f),
        "uploader": user_summary(uploader),
        "created_at": iso(f.created_at),
        "post_id": post_id,
        "post_url": f"/posts/{post_id}",
    }


def _files_by_owner(column: Any, owner_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """``{owner_id: [file dict]}`` for the files whose ``column`` (``FileUpload.post_id`` or
    ``FileUpload.comment_id``) is one of ``owner_ids``, in attachment order, in one query."""
    found: dict[int, list[dict[str, Any]]] = {owner_id: [] for owner_id in owner_ids}
    if owner_ids:
        rows = db.session.scalars(_files_of(column.key), {"owner_ids": owner_ids})
        for f in rows:
            found[getattr(f, column.key)].append(file_dict(f))
    return found


@built_once
def _files_of(column_name: str) -> Select:
    """:func:`_files_by_owner`'s query for one owner column, built once (``owner_ids``)."""
    column = getattr(FileUpload, column_name)
    return (
        select(FileUpload)
        .where(column.in_(bindparam("owner_ids", expanding=True)))
        .order_by(FileUpload.position, FileUpload.id)
    )


def files_for_posts(post_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """``{post_id: [file dict]}`` for the files on these posts, in one query."""
    return _files_by_owner(FileUpload.post_id, post_ids)


def files_for_new_posts(post_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """:func:`files_for_posts` for posts created in this session (a request): a new post
    has only the files :func:`do_attach` gave it, so those given none cost no query.

    The record lives as long as the session (it survives a commit: a view may serialize
    its new post after committing it) and goes with a rollback."""
    given = db.session.info.get(_GIVEN, ())
    found = _files_by_owner(FileUpload.post_id, [pid for pid in post_ids if pid in given])
    return {pid: found.get(pid, []) for pid in post_ids}


def files_for_comments(comment_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """``{comment_id: [file dict]}`` for the files on these comments, in one query."""
    return _files_by_owner(FileUpload.comment_id, comment_ids)


def with_post_files(data: dict[str, Any]) -> dict[str, Any]:
    """A post's dict (``data["id"]``) with its ``files``, as the API answers it: events
    carry the same dict as the API."""
    return {**data, "files": files_for_posts([data["id"]])[data["id"]]}


def with_comment_files(data: dict[str, Any]) -> dict[str, Any]:
    """A comment's dict with its ``files`` (see :func:`with_post_files`)."""
    return {**data, "files": files_for_comments([data["id"]])[data["id"]]}


# --- attaching ---------------------------------------------------------------------------


def check_file_ids(value: Any) -> list[int]:
    """``file_ids`` as sent: a list of at most :data:`MAX_FILES_PER_ITEM` distinct ids.
    :raise ValidationFailed: otherwise."""
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID for v in value
    ):
        raise ValidationFailed(
            _("'file_ids' must be a list of file ids."), fields={"file_ids": "invalid"}
        )
    if len(value) > MAX_FILES_PER_ITEM:
        raise ValidationFailed(
            _("At most %(num)d files can be attached.", num=MAX_FILES_PER_ITEM),
            fields={"file_ids": "too_many"},
        )
    if len(set(value)) != len(value):
        raise ValidationFailed(
            _("The same file is listed twice."), fields={"file_ids": "duplicate"}
        )
    return value


def do_attach(
    user: User, file_ids: Any, *, post: Post | None = None, comment: Comment | None = None
) -> None:
    """Make ``file_ids`` the files of ``post`` or ``comment`` (its previous files not
    listed are deleted). Only the person's own uploads, not attached elsewhere.
    :raise ValidationFailed: see :func:`check_file_ids`; a file not theirs, unknown, or
    attached to something else."""
    ids = check_file_ids(file_ids)
    column = FileUpload.post_id if post is not None else FileUpload.comment_id
    target_id = post.id if post is not None else comment.id  # type: ignore[union-attr]
    current = list(db.session.scalars(select(FileUpload).where(column == target_id)))
    wanted = {
        f.id: f for f in db.session.scalars(select(FileUpload).where(FileUpload.id.in_(ids))) if ids
    }
    for file_id in ids:
        f = wanted.get(file_id)
        if f is None or f.uploader_id != user.id:
            raise ValidationFailed(
                _("File %(id)d is not one of your uploads.", id=file_id),
                fields={"file_ids": "unknown"},
            )
        mine_here = getattr(f, column.key) == target_id
        if not mine_here and (f.post_id is not None or f.comment_id is not None):
            raise ValidationFailed(
                _("File %(id)d is already attached elsewhere.", id=file_id),
                fields={"file_ids": "attached"},
            )
    delete_files([f for f in current if f.id not in wanted])
    for position, file_id in enumerate(ids):
        f = wanted[file_id]
        setattr(f, column.key, target_id)
        f.position = position
    if post is not None:
        db.session.info.setdefault(_GIVEN, set()).add(post.id)
    db.session.flush()


def delete_files_of_post(post: Post) -> None:
    """The files of a deleted post and of its comments go with it."""
    comment_ids = select(Comment.id).where(Comment.post_id == post.id)
    delete_files(
        list(
            db.session.scalars(
                select(FileUpload).where(
                    (FileUpload.post_id == post.id) | FileUpload.comment_id.in_(comment_ids)
                )
            )
        )
    )


def remove_stale_uploads(now: Any = None) -> int:
    """Delete the uploads never attached within :data:`UNATTACHED_TTL` (rows, and bytes
    once committed). Returns how many."""
    cutoff = (now or utcnow()) - UNATTACHED_TTL
    stale = list(
        db.session.scalars(
            select(FileUpload).where(
                FileUpload.post_id.is_(None),
                FileUpload.comment_id.is_(None),
                FileUpload.created_at < cutoff,
            )
        )
    )
    delete_files(stale)
    return len(stale)


# --- access ------------------------------------------------------------------------------


def access_file(user: User, file_id: int) -> FileUpload:
    """The file if ``user`` may see it. :raise NotFound: missing or not visible (alike)."""
    f = db.session.get(FileUpload, file_id)
    if f is None or not user.active or not _visible(user, f):
        raise NotFound(_("No such file."))
    return f


def _visible(user: User, f: FileUpload) -> bool:
    if f.post_id is None and f.comment_id is None:
        return f.uploader_id == user.id
    if f.post_id is not None:
        return policy.can_see_post(user, db.session.get(Post, f.post_id))
    comment = db.session.get(Comment, f.comment_id)
    if comment is None or comment.deleted_at is not None:
        return False
    if not policy.moderation_allows_one(comment.moderation_state, comment.author_id, user):
        return False
    return policy.can_see_post(user, db.session.get(Post, comment.post_id))


def delete_uploads_of(user: User, *, attached_too: bool) -> int:
    """Account deletion: the person's unattached uploads, and with ``attached_too`` (the
    ``remove`` mode) every file they uploaded — rows now, bytes once committed."""
    query = select(FileUpload).where(FileUpload.uploader_id == user.id)
    if not attached_too:
        query = query.where(FileUpload.post_id.is_(None), FileUpload.comment_id.is_(None))
    doomed = list(db.session.scalars(query))
    delete_files(doomed)
    return len(doomed)


def export_entries(user: User) -> list[dict[str, Any]]:
    """The person's uploads for their personal data export: what is stored about each, and
    ``path``, where :func:`export_bytes` puts its bytes in the archive."""
    rows = db.session.scalars(
        select(FileUpload).where(FileUpload.uploader_id == user.id).order_by(FileUpload.id)
    )
    return [
        {
            "id": f.id,
            "name": f.name,
            "size": f.size,
            "content_type": f.content_type,
            "sha256": f.sha256,
            "post_id": f.post_id,
            "comment_id": f.comment_id,
            "created_at": f.created_at,
            "path": f"files/{f.id}-{f.name}",
            "storage_key": f.storage_key,
        }
        for f in rows
    ]


def export_bytes(entry: dict[str, Any]) -> bytes | None:
    """The stored bytes of an :func:`export_entries` entry (None if they are missing)."""
    try:
        with get_storage().open(entry["storage_key"]) as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def delete_files_of_comment(comment: Comment) -> None:
    """The files of a deleted comment go with it."""
    delete_files(
        list(db.session.scalars(select(FileUpload).where(FileUpload.comment_id == comment.id)))
    )
