"""Multibase base58btc (``z…``) and Ed25519 Multikey encodings, as Data Integrity uses them."""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: i for i, char in enumerate(_ALPHABET)}
# Multicodec prefixes (varint): ed25519-pub 0xed, ed25519-priv 0x1300.
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    zeros = len(text) - len(text.lstrip("1"))
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"not base58: {char!r}")
        number = number * 58 + _INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_base58btc(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("multibase value is not base58btc ('z')")
    return b58decode(text[1:])


def public_key_multibase(raw: bytes) -> str:
    """An Ed25519 public key (32 bytes) as a Multikey ``publicKeyMultibase``."""
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return encode_base58btc(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(text: str) -> bytes:
    data = decode_base58btc(text)
    if not data.startswith(ED25519_PUB_PREFIX) or len(data) != 34:
        raise ValueError("not an Ed25519 Multikey public key")
    return data[2:]
