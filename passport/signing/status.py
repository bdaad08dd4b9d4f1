"""Bitstring Status List v1.0: one bit per credential, set when it is revoked.

The list is at least 16 KiB (131,072 entries) so that a verifier who fetches it learns nothing
about which credential it is checking (the specification's herd privacy).
"""

from __future__ import annotations

import base64
import gzip

MIN_BITS = 131_072


def encode(revoked: set[int], *, size: int = MIN_BITS) -> str:
    """``encodedList``: multibase base64url (``u``, no padding) of the gzipped bitstring."""
    size = max(size, MIN_BITS, max(revoked, default=0) + 1)
    bits = bytearray(-(-size // 8))
    for index in revoked:
        # Index 0 is the left-most bit of the first byte.
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the same list byte for byte, so an unchanged list keeps its signature's input.
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is not multibase base64url ('u')")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(encoded: str, index: int) -> bool:
    bits = decode(encoded)
    if index < 0 or index // 8 >= len(bits):
        raise ValueError("status index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
