"""docs/protocol.md matches the code: every example validates, every frame type has one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

from realtime import protocol

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def _examples(section: str) -> list[dict]:  # type: ignore[type-arg]
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    following = text.find("\n## ", start + 5)
    body = text[start : following if following != -1 else None]
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", body, flags=re.S)]


def test_every_client_example_is_valid_and_every_client_frame_documented() -> None:
    examples = _examples("Client → server")
    for example in examples:
        parsed = protocol.parse_client_frame(json.dumps(example), None)
        assert msgspec.to_builtins(parsed) == example  # every field documented is a field of the class
    assert {e["type"] for e in examples} == set(protocol.CLIENT_FRAME_CLASSES)


def test_every_server_example_is_valid_and_every_server_frame_documented() -> None:
    examples = _examples("Server → client")
    for example in examples:
        typed = protocol.validate_server_frame(example)
        assert json.loads(typed.encode()) == example  # nothing documented that the class drops
    assert {e["type"] for e in examples} == set(protocol.SERVER_FRAME_CLASSES)


def test_close_codes_and_error_codes_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code in protocol.CLOSE_CODES:
        assert f"| {code} |" in text
    source = "".join(p.read_text() for p in (DOC.parents[1] / "realtime").glob("*.py"))
    codes = set(re.findall(r'error\(\s*"([a-z_]+)"', source)) | set(re.findall(r'ProtocolError\("([a-z_]+)"', source))
    codes |= {"not_found", "forbidden", "invalid", "slow_mode"}  # raised by the forum's services
    for code in codes:
        assert f"`{code}`" in text, code


@pytest.mark.parametrize("frame", [{"type": "ping", "ref": "x" * 65}, {"type": "subscribe", "room": True}])
def test_invalid_examples_are_rejected(frame: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(protocol.ProtocolError):
        protocol.parse_client_frame(json.dumps(frame), None)
