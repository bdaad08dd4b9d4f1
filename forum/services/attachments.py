"""Attachments: checked by their content, not by their name or the browser's claim."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.images import NotAnImage, UnsupportedImage, decode_raster
from forum.errors import Invalid

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


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


def prepare_attachment(upload: UploadedFile) -> PreparedFile:
    """Validate by content, not by the name or the browser's claim; re-encode images."""
    size = upload.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise Invalid(_("Attachments are at most 10 MB."), field="attachments")
    raw = upload.read()
    name = (upload.name or "bestand").rsplit("/", 1)[-1][-100:]
    stem, dot, ext = name.rpartition(".")
    ext = f".{ext.lower()}" if dot else ""
    try:
        image, image_format = decode_raster(io.BytesIO(raw))
    except UnsupportedImage as exc:
        raise Invalid(_("Images must be JPEG, PNG, GIF or WebP."), field="attachments") from exc
    except NotAnImage:
        pass  # not an image: checked as a document below
    else:
        out = io.BytesIO()
        if image_format == "JPEG":
            image.convert("RGB").save(out, format="JPEG", quality=88)
            return PreparedFile(out.getvalue(), f"{slugify(stem) or 'afbeelding'}.jpg", "image/jpeg", True)
        image.convert("RGBA").save(out, format="PNG")
        return PreparedFile(out.getvalue(), f"{slugify(stem) or 'afbeelding'}.png", "image/png", True)
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
