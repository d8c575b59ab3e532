"""Files sent with a page's form (the comment form, the post edit page), as the API takes
them with ``file_ids``: stored, then attached by the same service call, in one unit of work."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from ..models import User
from ..services import files

#: Room for the multipart envelope and the form's other fields around the files.
_ENVELOPE = 64 * 1024


def accept_files() -> None:
    """Let this request's body hold one upload (``MAX_UPLOAD_MB``) instead of the page limit.
    Call before reading the form. :raise TooLarge: a declared length over it."""
    limit = files.max_upload_bytes() + _ENVELOPE
    if request.content_length is not None and request.content_length > limit:
        raise files.too_large()
    request.max_content_length = limit


def sent_file_ids(user: User) -> list[int]:
    """Store the files of the form's ``files`` field for ``user`` and return their ids, in
    order. Call inside ``attempt()``: a refused form rolls back, and the bytes written are
    deleted with it. :raise TooLarge, ValidationFailed, UnsupportedType, QuotaExceeded: as
    ``files.do_upload``."""
    try:
        sent = [f for f in request.files.getlist("files") if f.filename]
    except RequestEntityTooLarge as exc:
        raise files.too_large() from exc
    ids, limit = [], files.max_upload_bytes() + 1
    for f in sent:
        try:
            ids.append(files.do_upload(user, f.filename, f.stream.read(limit)).id)
        finally:
            f.close()
    return ids


def kept_file_ids() -> list[int]:
    """The ids of the attached files the edit form keeps (its ``keep_file`` boxes)."""
    return [int(v) for v in request.form.getlist("keep_file") if v.isascii() and v.isdigit()]
