"""A group's "Files" page: the files on the posts and comments its reader may see."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

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
