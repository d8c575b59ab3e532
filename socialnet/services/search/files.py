"""Files in search: found by their name and the words extracted from them
(``services/file_text.py``), only where the post they are on — or their comment — may be
read, exactly as the group's "Files" list and the download route decide."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import undefer

from ... import policy
from ...extensions import db
from ...models import Comment, FileUpload, Post, User
from ...models.search import FILES
from ..files import file_entry
from .conditions import SearchFilters, day_range, post_conditions
from .engines import match
from .query import ParsedQuery, snippet

#: A snippet is looked for in windows of this many characters of a file's text (a file
#: holds up to ``FILE_TEXT_MAX_CHARS``; the snippet needs one window with a match).
WINDOW = 4_000


def files_source(
    user: User, parsed: ParsedQuery, filters: SearchFilters, dialect: str, window=None
):
    """``SELECT type, id, score`` of the attached files ``user`` may see matching
    ``parsed``, newest match first (an unattached upload is never found)."""
    found = match(dialect, FILES, parsed, window)
    post_id = func.coalesce(FileUpload.post_id, Comment.post_id)
    conditions = post_conditions(user, filters) + day_range(FileUpload.created_at, filters)
    conditions.append(or_(FileUpload.comment_id.is_(None), policy.visible_comments_filter(user)))
    if filters.author_id:
        conditions.append(FileUpload.uploader_id == filters.author_id)
    stmt = select(
        literal("file").label("type"), FileUpload.id.label("id"), found.score.label("score")
    ).select_from(FileUpload)
    stmt = found.apply(stmt, FileUpload.id)
    stmt = stmt.outerjoin(Comment, Comment.id == FileUpload.comment_id)
    stmt = stmt.join(Post, Post.id == post_id).where(*conditions)
    return stmt.order_by(found.newest_first(FileUpload.id))


def file_snippet(f: FileUpload, parsed: ParsedQuery) -> str:
    """The name's snippet when the name matches, else the first window of the text that
    holds a match (the text can be long; only one window is marked up)."""
    named = snippet(f.name, parsed)
    if "<mark>" in named or not f.text:
        return named
    text = f.text
    for start in range(0, len(text), WINDOW):
        cut = snippet(text[max(0, start - 100) : start + WINDOW], parsed)
        if "<mark>" in cut:
            return cut
    return snippet(text[:WINDOW], parsed)


def file_hits(ids: list[int], parsed: ParsedQuery) -> dict[int, tuple[str, dict[str, Any]]]:
    """``{file id: (snippet, entry)}`` for hits already filtered by :func:`files_source`,
    in one query."""
    rows = db.session.execute(
        select(FileUpload, User, func.coalesce(FileUpload.post_id, Comment.post_id))
        .options(undefer(FileUpload.text))
        .join(User, User.id == FileUpload.uploader_id)
        .outerjoin(Comment, Comment.id == FileUpload.comment_id)
        .where(FileUpload.id.in_(ids))
    ).all()
    return {
        f.id: (file_snippet(f, parsed), file_entry(f, uploader, post_id))
        for f, uploader, post_id in rows
    }
