"""Files: upload (``POST /files``), then download through the policy (``GET /files/…``)."""

from __future__ import annotations

from flask import jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..downloads import send_stored, send_upload
from ..errors import NotFound, ValidationFailed
from ..pagination import parse_limit
from ..serializers import page
from ..services import files
from ..services import group_files as group_files_service
from ..unit_of_work import commit
from .blueprint import bp
from .common import created, require_user

#: Room for the multipart envelope around the file itself.
_ENVELOPE = 64 * 1024


@bp.before_request
def _upload_size_limit() -> None:
    """The upload routes (a file, an avatar) take bodies up to ``MAX_UPLOAD_MB`` (every
    other route keeps ``MAX_CONTENT_LENGTH``); a declared length over it is refused before
    anything is read."""
    if request.endpoint not in ("api.upload_file", "api.set_avatar"):
        return
    limit = files.max_upload_bytes() + _ENVELOPE
    if request.content_length is not None and request.content_length > limit:
        raise files.too_large()
    request.max_content_length = limit


def received_file() -> tuple[str | None, bytes]:
    """``(name, bytes)`` of the multipart field ``file``, read up to one byte over the
    limit. :raise TooLarge: over ``MAX_UPLOAD_MB``. :raise ValidationFailed: no such field."""
    try:
        sent = request.files.get("file")
    except RequestEntityTooLarge as exc:
        raise files.too_large() from exc
    if sent is None:
        raise ValidationFailed(
            _("Send the file as multipart/form-data in the field 'file'."),
            fields={"file": "required"},
        )
    try:
        return sent.filename, sent.stream.read(files.max_upload_bytes() + 1)
    finally:
        sent.close()


@bp.post("/files")
def upload_file():
    user = require_user()
    upload = files.do_upload(user, *received_file())
    commit()
    return created(files.file_dict(upload))


@bp.get("/files/<id:file_id>/<name>")
def download_file(file_id: int, name: str):
    return send_upload(files.access_file(require_user(), file_id))


@bp.get("/files/<id:file_id>/thumb/640")
def download_thumbnail(file_id: int):
    f = files.access_file(require_user(), file_id)
    if not f.thumbnail_key:
        raise NotFound(_("No such file."))
    return send_stored(f.thumbnail_key, "image/webp", "thumbnail.webp", inline=True)


@bp.get("/groups/<id:group_id>/files")
def group_files(group_id: int):
    _group, items, next_cursor = group_files_service.group_files(
        require_user(), group_id, request.args.get("cursor"), parse_limit(request.args.get("limit"))
    )
    return jsonify(page(items, next_cursor))
