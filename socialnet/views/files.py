"""A group's "Files" page, and ``GET /files/{id}/{name}``: a file for a signed-in browser,
answered exactly as the API's ``/api/v1/files/{id}/{name}`` (same policy, same headers)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..downloads import send_upload
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
