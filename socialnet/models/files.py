"""Uploaded files: one row per upload, its bytes in the storage (``socialnet.storage``).

An upload belongs to its uploader until it is attached to a post or a comment
(``post_id`` / ``comment_id``); from then on it is exactly as visible as that post
or comment. Unattached uploads are removed by the job loop after a day.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow

#: The longest file name kept (longer names are cut, keeping the extension).
FILE_NAME_MAX = 200


class FileUpload(db.Model):
    __tablename__ = "file_uploads"
    __table_args__ = (
        Index("ix_file_uploads_post_id", "post_id"),
        Index("ix_file_uploads_comment_id", "comment_id"),
        Index("ix_file_uploads_uploader_id_created_at", "uploader_id", "created_at"),
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

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
