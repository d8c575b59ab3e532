"""Checking what people upload: the type judged from the bytes, names made safe, images
decoded under a pixel limit and cleaned (used by file uploads and avatars).

Contracts: :func:`sniff` never trusts a name or a client's ``Content-Type`` and refuses
executables, SVG, HTML and anything unknown; :func:`decode_image` refuses too many pixels
and damaged or truncated images (:class:`ValidationFailed`); :func:`process_image` returns
the pixels re-encoded without any metadata (EXIF/GPS gone), upright, with a WebP thumbnail.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import ValidationFailed
from ..models import FILE_NAME_MAX

#: Images with more pixels than this are refused (decompression bombs).
MAX_IMAGE_PIXELS = 50_000_000
#: The longest side of a thumbnail.
THUMBNAIL_SIZE = 640
#: The image types accepted (re-encoded, or kept as sent when an animated GIF).
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
_PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
_OOXML = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
_ODT = "application/vnd.oasis.opendocument.text"
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_name(raw: str | None) -> str:
    """A file name safe to show and to put in a header: the last path part, no control
    characters, at most :data:`FILE_NAME_MAX` characters (the extension kept)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip().strip(".")
    name = "".join(c for c in name if not 0xD800 <= ord(c) <= 0xDFFF)
    if not name:
        name = "file"
    if len(name) > FILE_NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: FILE_NAME_MAX - len(ext) - 1] + "." + ext
        else:
            name = name[:FILE_NAME_MAX]
    return name


def _zip_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODT.encode():
                return _ODT
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, EOFError):
        return None
    if "[Content_Types].xml" in names:
        for member, content_type in _OOXML.items():
            if member in names:
                return content_type
    return None


def _text_type(data: bytes, name: str) -> str | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    head = text.lstrip()[:1024].lower()
    # Markup (HTML, SVG, XML) is refused whatever the name: a browser could run it.
    if head.startswith("<") or "<script" in head or "<svg" in head or "<html" in head:
        return None
    return "text/csv" if name.lower().endswith(".csv") else "text/plain"


def sniff(data: bytes, name: str = "") -> str | None:
    """The content type of ``data`` judged from its bytes, or None when it is not one of
    the accepted types (images, PDF, office documents, UTF-8 text and CSV)."""
    if data.startswith(_EXECUTABLE_MAGIC) or data.startswith(b"#!"):
        return None
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    return _text_type(data, name)


def _bad_image() -> ValidationFailed:
    return ValidationFailed(
        _("This image is damaged or incomplete: it cannot be read."), error="bad_image"
    )


def decode_image(data: bytes, content_type: str) -> Image.Image:
    """``data`` decoded (loaded), after checking its pixel count and that its bytes are
    the ``content_type`` sniffed. :raise ValidationFailed: too many pixels, damaged or
    truncated."""
    # The pixel count is checked before decoding, below Pillow's own warning threshold, so no
    # process-wide warnings filter is needed (it would not be thread-safe).
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _too_many_pixels()
            if _PIL_FORMATS.get(probe.format or "") != content_type:
                raise _bad_image()
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _bad_image() from exc
    return image


def _too_many_pixels() -> ValidationFailed:
    return ValidationFailed(
        _(
            "This image is too large: at most %(num)d million pixels.",
            num=MAX_IMAGE_PIXELS // 1_000_000,
        ),
        error="image_too_large",
    )


def process_image(data: bytes, content_type: str) -> tuple[bytes, bytes, int, int]:
    """``(clean bytes, thumbnail bytes (WebP), width, height)``: the image checked,
    oriented and stripped of its metadata. :raise ValidationFailed: too many pixels,
    damaged or truncated."""
    try:
        image = decode_image(data, content_type)
        animated = getattr(image, "n_frames", 1) > 1
        if animated and content_type == "image/gif":
            clean = data  # kept as sent, animation and all; GIF carries no EXIF
            first = image.copy()
        else:
            first = ImageOps.exif_transpose(image) or image
            clean = _reencode(first, image, content_type, animated)
        width, height = first.size
        thumb = first.convert("RGBA" if _has_alpha(first) else "RGB")
        thumb.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        out = io.BytesIO()
        thumb.save(out, "WEBP", quality=82)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _bad_image() from exc
    return clean, out.getvalue(), width, height


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _reencode(image: Image.Image, source: Image.Image, content_type: str, animated: bool) -> bytes:
    """The pixels again without any metadata (EXIF, GPS, XMP, comments)."""
    out = io.BytesIO()
    if content_type == "image/jpeg":
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    elif content_type == "image/png":
        mode = image.mode if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else "RGBA"
        image.convert(mode).save(out, "PNG", optimize=True)
    elif content_type == "image/webp":
        if animated:
            source.save(out, "WEBP", save_all=True, quality=90)
        else:
            image.save(out, "WEBP", quality=90)
    else:  # a still GIF
        image.save(out, "GIF")
    return out.getvalue()
