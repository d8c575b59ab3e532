"""A group's "Files" page, and ``GET /files/{id}/{name}``: a file for a signed-in browser,
answered exactly as the API's ``/api/v1/files/{id}/{name}`` (same policy, same headers), and
its thumbnail. Pages link files here (:func:`file_href`, :func:`file_thumb`), not to the API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..downloads import send_stored, send_upload
from ..errors import NotFound
from ..services import files
from ..services import group_files as group_files_service
from ._common import FEED_PAGE, me

bp = Blueprint("files", __name__)


@bp.get("/groups/<id:group_id>/files")
@login_required
def group_files(group_id: int):
    group, items, next_cursor = group_files_service.group_files(
        me(), group_id, request.args.get("cursor"), FEED_PAGE
    )
    return render_template("group_files.html", group=group, items=items, next_cursor=next_cursor)


@bp.get("/files/<id:file_id>/<name>")
@login_required
def download(file_id: int, name: str):
    return send_upload(files.access_file(me(), file_id))


@bp.get("/files/<id:file_id>/thumb/640")
@login_required
def thumbnail(file_id: int):
    f = files.access_file(me(), file_id)
    if not f.thumbnail_key:
        raise NotFound(_("No such file."))
    return send_stored(f.thumbnail_key, "image/webp", "thumbnail.webp", inline=True)


def file_href(f: dict[str, Any]) -> str:
    """The page link of a file (``file_dict``): ``/files/{id}/{name}``."""
    return url_for("files.download", file_id=f["id"], name=f["name"])


def file_thumb(f: dict[str, Any]) -> str | None:
    """The page link of a file's thumbnail, or None (not an image)."""
    return url_for("files.thumbnail", file_id=f["id"]) if f.get("thumbnail_url") else None
