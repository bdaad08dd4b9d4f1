"""Attachments: checked by their content, not by their name or the browser's claim."""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.images import NotAnImage, UnsupportedImage, decode_raster
from forum.errors import Invalid

if TYPE_CHECKING:
    from forum.models import Attachment

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
THUMBNAIL_WIDTH = 640
# A decompression bomb (a small file that decodes to a huge bitmap) is refused before decoding.
MAX_IMAGE_PIXELS = 50_000_000


DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".txt": ("text/plain", b""),
    ".csv": ("text/csv", b""),
}


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """An upload that passed the checks, as it will be stored."""

    content: bytes
    name: str
    content_type: str
    is_image: bool
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None  # images wider than THUMBNAIL_WIDTH
    thumbnail_width: int | None = None
    thumbnail_height: int | None = None


def _pixels(raw: bytes) -> int:
    """The image's pixel count from its header (no decoding), 0 when it is not an image."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            width, height = probe.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return 0
    return width * height


def _image(image: Image.Image, stem: str, image_format: str) -> PreparedFile:
    """Re-encode (which drops metadata) upright, as EXIF says, with a thumbnail when wide."""
    image = ImageOps.exif_transpose(image) or image
    jpeg = image_format == "JPEG"
    mode, fmt, ext, content_type = ("RGB", "JPEG", "jpg", "image/jpeg") if jpeg else ("RGBA", "PNG", "png", "image/png")
    image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 88} if jpeg else {}))
    thumb: bytes | None = None
    thumb_size: tuple[int, int] | tuple[None, None] = (None, None)
    if image.width > THUMBNAIL_WIDTH:
        small = image.copy()
        small.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 4))
        buffer = io.BytesIO()
        small.save(buffer, format=fmt, **({"quality": 82} if jpeg else {"optimize": True}))
        thumb, thumb_size = buffer.getvalue(), small.size
    return PreparedFile(
        out.getvalue(),
        f"{slugify(stem) or 'afbeelding'}.{ext}",
        content_type,
        True,
        width=image.width,
        height=image.height,
        thumbnail=thumb,
        thumbnail_width=thumb_size[0],
        thumbnail_height=thumb_size[1],
    )


def store_thumbnail(attachment: Attachment, prepared: PreparedFile) -> None:
    """Save the thumbnail beside the stored file (same folder, ``thumb-`` name); call after the file is saved."""
    assert prepared.thumbnail is not None
    folder, name = posixpath.split(attachment.file.name)
    stored = attachment.file.storage.save(posixpath.join(folder, f"thumb-{name}"), ContentFile(prepared.thumbnail))
    attachment.thumbnail.name = stored
    attachment.thumbnail_width = prepared.thumbnail_width
    attachment.thumbnail_height = prepared.thumbnail_height


def prepare_attachment(upload: UploadedFile) -> PreparedFile:
    """Validate by content, not by the name or the browser's claim; re-encode images."""
    size = upload.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise Invalid(_("Attachments are at most 10 MB."), field="attachments")
    raw = upload.read()
    name = (upload.name or "bestand").rsplit("/", 1)[-1][-100:]
    stem, dot, ext = name.rpartition(".")
    ext = f".{ext.lower()}" if dot else ""
    if _pixels(raw) > MAX_IMAGE_PIXELS:
        raise Invalid(_("This image is too large: at most 50 megapixels."), field="attachments")
    try:
        image, image_format = decode_raster(io.BytesIO(raw))
    except UnsupportedImage as exc:
        raise Invalid(_("Images must be JPEG, PNG, GIF or WebP."), field="attachments") from exc
    except NotAnImage:
        pass  # not an image: checked as a document below
    else:
        return _image(image, stem, image_format)
    if ext not in DOCUMENT_TYPES:
        raise Invalid(_("This kind of file cannot be attached."), field="attachments")
    content_type, magic = DOCUMENT_TYPES[ext]
    if magic and not raw.startswith(magic):
        raise Invalid(_("The file's content does not match its name."), field="attachments")
    if not magic:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid(_("Text files must be UTF-8."), field="attachments") from exc
    return PreparedFile(raw, f"{slugify(stem) or 'bestand'}{ext}", content_type, False)
