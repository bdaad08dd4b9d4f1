"""Decoding uploaded raster images, shared by avatars and forum attachments.

Callers re-encode what this returns, which drops whatever else a file carried
(metadata, trailing HTML, polyglot payloads).
"""

from __future__ import annotations

from typing import IO

from PIL import Image, UnidentifiedImageError

RASTER_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_SIDE = 4096


class NotAnImage(Exception):
    """The bytes are not an image Pillow can read."""


class UnsupportedImage(Exception):
    """An image, but not one of the raster formats Kring accepts (e.g. BMP, TIFF)."""


def decode_raster(source: IO[bytes]) -> tuple[Image.Image, str]:
    """Open an accepted raster image, bounded to MAX_SIDE; returns the image and its format."""
    try:
        with Image.open(source) as image:
            image_format = image.format or ""
            if image_format not in RASTER_FORMATS:
                raise UnsupportedImage(image_format)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            image.load()
            return image.copy(), image_format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise NotAnImage(str(exc)) from exc
