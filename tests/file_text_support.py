"""Running the job loop's file text extraction alone, for tests that need words of files
searchable without running every other job."""

from __future__ import annotations

from socialnet.extensions import db
from socialnet.services import file_text


def extract_pending_texts() -> int:
    """Extract and record every pending file's words (committed); how many were recorded."""
    recorded = 0
    for item in file_text.pending(1000):
        recorded += file_text.do_record(item, file_text.extract(item))
    db.session.commit()
    return recorded
