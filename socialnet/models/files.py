"""Uploaded files: one row per upload, its bytes in the storage (``socialnet.storage``).

An upload belongs to its uploader until it is attached to a post or a comment
(``post_id`` / ``comment_id``); from then on it is exactly as visible as that post
or comment. Unattached uploads are removed by the job loop after a day.

The words of PDF, Word (docx) and text files are extracted by the job loop
(``services/file_text.py``) into ``text``, which search indexes with the file's name
(``models/search.py``); ``text_status`` says where that stands.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: The longest file name kept (longer names are cut, keeping the extension).
FILE_NAME_MAX = 200

#: ``text_status``: no text to extract (images, spreadsheets…), waiting for the job loop,
#: extracted (``text`` holds it, possibly empty), or the extraction failed (``text_error``).
TEXT_NONE, TEXT_PENDING, TEXT_DONE, TEXT_FAILED = "none", "pending", "done", "failed"
#: The longest ``text_error`` kept.
TEXT_ERROR_MAX = 200


class FileUpload(db.Model):
    __tablename__ = "file_uploads"
    __table_args__ = (
        Index("ix_file_uploads_post_id", "post_id"),
        Index("ix_file_uploads_comment_id", "comment_id"),
        Index("ix_file_uploads_uploader_id_created_at", "uploader_id", "created_at"),
        Index("ix_file_uploads_text_status", "text_status"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Sanitised: no path parts, no control characters, at most FILE_NAME_MAX characters.
    name: Mapped[str] = mapped_column(String(FILE_NAME_MAX))
    size: Mapped[int] = mapped_column(BigInteger)
    #: Sniffed from the bytes, never taken from the client.
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))
    width: Mapped[int | None]
    height: Mapped[int | None]
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    #: The order of the files on their post or comment.
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The words of the file (bounded), for search; loaded only when asked for.
    text: Mapped[str | None] = mapped_column(Text, deferred=True)
    text_status: Mapped[str] = mapped_column(
        String(16), default=TEXT_NONE, server_default=TEXT_NONE
    )
    #: Why the extraction failed (``text_status`` = failed), for operators.
    text_error: Mapped[str | None] = mapped_column(String(TEXT_ERROR_MAX))

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
