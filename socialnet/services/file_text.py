"""The words of uploaded files, for search: extracted by the job loop, never in a request.

Contracts:

- An upload of a PDF, Word (docx), text or CSV file starts ``pending``
  (:func:`initial_status`); anything else is ``none``. The job loop
  (``jobs._extract_file_texts``) takes the oldest pending files (:func:`pending`), reads
  each one's words in a child process (:func:`extract`: ``file_text_worker.py`` under a
  memory limit, a CPU limit and a wall-clock timeout, at most ``FILE_TEXT_MAX_PAGES``
  pages and ``FILE_TEXT_MAX_CHARS`` characters), then records the outcome
  (:func:`do_record`): ``done`` with the text, or ``failed`` with a short reason in
  ``text_error``. A failure never raises past this module; a request never waits for it.
- Idempotent: the outcome is written with ``UPDATE … WHERE text_status = 'pending'``, so
  two passes at once (or a file deleted meanwhile) write nothing twice; a file already
  done is never read again.
- The text is only words for the index (``models/search.py``: the database indexes
  ``name`` and ``text`` together); who may find it is decided at query time by policy,
  like everything search returns.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import FileUpload
from ..models.files import TEXT_DONE, TEXT_ERROR_MAX, TEXT_FAILED, TEXT_NONE, TEXT_PENDING
from ..storage import get_storage
from .file_text_worker import EXTRACTABLE, TEXT_TYPES, ExtractionError, clean
from .file_text_worker import extract as extract_in_process

log = logging.getLogger(__name__)

_WORKER = Path(__file__).with_name("file_text_worker.py")


@dataclass(frozen=True)
class Pending:
    """A file waiting for its words (no ORM object: extraction runs outside any
    transaction)."""

    id: int
    content_type: str
    storage_key: str


@dataclass(frozen=True)
class Outcome:
    text: str | None
    error: str | None


def initial_status(content_type: str) -> str:
    """``pending`` for a type whose words are extracted, ``none`` otherwise."""
    return TEXT_PENDING if content_type in EXTRACTABLE else TEXT_NONE


def pending(limit: int) -> list[Pending]:
    """The oldest ``limit`` files waiting for extraction."""
    rows = db.session.execute(
        select(FileUpload.id, FileUpload.content_type, FileUpload.storage_key)
        .where(FileUpload.text_status == TEXT_PENDING)
        .order_by(FileUpload.id)
        .limit(limit)
    )
    return [Pending(*row) for row in rows]


def _limits() -> tuple[int, int, float]:
    config = current_app.config
    return (
        int(config["FILE_TEXT_MAX_PAGES"]),
        int(config["FILE_TEXT_MAX_CHARS"]),
        float(config["FILE_TEXT_TIMEOUT_SECONDS"]),
    )


def _in_child(content_type: str, data: bytes) -> Outcome:
    max_pages, max_chars, timeout = _limits()
    cpu_seconds = max(1, int(timeout) + 1)
    command = [sys.executable, "-I", str(_WORKER), content_type, str(max_pages)]
    command += [str(max_chars), str(cpu_seconds)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    except Exception as exc:  # run() kills the child on any error, then re-raises
        # Under eventlet, subprocess.run raises the TimeoutExpired of its own copy of the
        # module, not the one ``subprocess`` names here: a timeout is told by its attribute.
        if getattr(exc, "timeout", None) is not None:
            return Outcome(None, f"took longer than {timeout:g} s")
        return Outcome(None, f"could not run the reader ({type(exc).__name__})")
    if done.returncode != 0:
        return Outcome(None, f"the reader stopped (exit status {done.returncode})")
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        return Outcome(None, "the reader answered nonsense")
    if "error" in answer:
        return Outcome(None, str(answer["error"]))
    return Outcome(clean(str(answer.get("text", "")), max_chars), None)


def extract(item: Pending) -> Outcome:
    """The words of ``item`` (no database access): plain text here, PDF and docx in a
    bounded child process. Never raises for a bad file: the reason is in ``error``."""
    try:
        with get_storage().open(item.storage_key) as stored:
            data = stored.read()
    except FileNotFoundError:
        return Outcome(None, "the stored bytes are missing")
    if item.content_type in TEXT_TYPES:
        max_pages, max_chars, _timeout = _limits()
        try:
            return Outcome(extract_in_process(item.content_type, data, max_pages, max_chars), None)
        except ExtractionError as exc:  # pragma: no cover - text always decodes
            return Outcome(None, str(exc))
    return _in_child(item.content_type, data)


def do_record(item: Pending, outcome: Outcome) -> bool:
    """Write ``outcome`` for ``item`` if it is still pending (flushed, not committed).
    Returns whether this call recorded it."""
    if outcome.error is not None:
        log.warning("file %s: no text extracted: %s", item.id, outcome.error)
        values = {"text_status": TEXT_FAILED, "text_error": outcome.error[:TEXT_ERROR_MAX]}
    else:
        values = {"text_status": TEXT_DONE, "text": outcome.text, "text_error": None}
    written = db.session.execute(
        update(FileUpload)
        .where(FileUpload.id == item.id, FileUpload.text_status == TEXT_PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(written.rowcount)


def do_retry_failed() -> int:
    """Put every ``failed`` file back to ``pending`` (flushed); how many."""
    retried = db.session.execute(
        update(FileUpload)
        .where(FileUpload.text_status == TEXT_FAILED)
        .values(text_status=TEXT_PENDING, text_error=None)
        .execution_options(synchronize_session=False)
    )
    return int(retried.rowcount)
