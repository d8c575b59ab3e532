"""Reading the words out of one file: PDF (pypdf), Word (python-docx), plain text.

This module is run as a child process by :mod:`socialnet.services.file_text`
(``python -I file_text_worker.py <content type> <max pages> <max chars>``, the file's
bytes on stdin, one JSON object on stdout: ``{"text": …}`` or ``{"error": …}``), so that a
hostile or huge document costs a bounded amount of memory (``RLIMIT_AS``), CPU time
(``RLIMIT_CPU``) and wall time (the parent's timeout), and can never take the server down
or block its event loop. It imports nothing from socialnet, so ``-I`` (no current
directory, no environment paths) loses nothing.

Contracts of :func:`extract`: at most ``max_pages`` PDF pages are read and at most
``max_chars`` characters returned; the text holds no NUL, no other control character but
newlines and tabs, and no lone surrogate (PostgreSQL refuses them); a file that cannot be
read raises :class:`ExtractionError` with a short reason in English (for operators).
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT_TYPES = ("text/plain", "text/csv")
#: The content types whose words are extracted.
EXTRACTABLE = frozenset({PDF, DOCX, *TEXT_TYPES})
#: A docx whose parts unzip to more than this is refused before parsing (zip bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Limits of the child process (the parent also kills it after its timeout).
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024

_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]+")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_LINE_BREAKS = re.compile(r"\s*\n\s*")


class ExtractionError(Exception):
    """The file's words cannot be read (damaged, encrypted, too big once unpacked…)."""


def clean(text: str, max_chars: int) -> str:
    """``text`` without control characters, lone surrogates or replacement characters,
    spaces and blank lines folded, cut at ``max_chars``."""
    text = _UNWANTED.sub(" ", text)
    text = _SPACES.sub(" ", text)
    text = _LINE_BREAKS.sub("\n", text).strip()
    return text[:max_chars]


def _pdf(data: bytes, max_pages: int, max_chars: int) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("encrypted PDF")
        parts: list[str] = []
        length = 0
        for number, page in enumerate(reader.pages):
            if number >= max_pages or length >= max_chars:
                break
            words = page.extract_text() or ""
            parts.append(words)
            length += len(words)
    except ExtractionError:
        raise
    except PdfReadError as exc:
        raise ExtractionError(f"unreadable PDF ({exc})"[:150]) from exc
    except Exception as exc:  # a damaged PDF makes pypdf fail in many ways; this is a child
        raise ExtractionError(f"unreadable PDF ({type(exc).__name__})") from exc
    return "\n".join(parts)


def _docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(member.file_size for member in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ExtractionError("document too large once unpacked")
        from docx import Document

        document = Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" ".join(cell.text for cell in row.cells))
    except ExtractionError:
        raise
    except Exception as exc:  # zipfile's, lxml's and python-docx's errors; this is a child
        raise ExtractionError(f"unreadable document ({type(exc).__name__})") from exc
    return "\n".join(parts)


def extract(content_type: str, data: bytes, max_pages: int, max_chars: int) -> str:
    """The words of ``data`` (of ``content_type``, one of :data:`EXTRACTABLE`), cleaned
    and bounded. :raise ExtractionError: the file cannot be read."""
    if content_type == PDF:
        text = _pdf(data, max_pages, max_chars)
    elif content_type == DOCX:
        text = _docx(data)
    elif content_type in TEXT_TYPES:
        text = data[: max_chars * 4].decode("utf-8-sig", errors="replace")
    else:
        raise ExtractionError(f"no text in {content_type}")
    return clean(text, max_chars)


def _limit_resources(seconds: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def main(argv: list[str]) -> int:
    """The child process: arguments ``content_type max_pages max_chars cpu_seconds``."""
    content_type, max_pages, max_chars, seconds = argv[0], *map(int, argv[1:4])
    _limit_resources(seconds)
    data = sys.stdin.buffer.read()
    try:
        answer = {"text": extract(content_type, data, max_pages, max_chars)}
    except ExtractionError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {"error": "too much memory needed"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
