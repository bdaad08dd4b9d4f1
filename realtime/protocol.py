"""Kring's WebSocket protocol, version 1: the frames and their validation.

Every frame is a JSON object with a ``type``. The schemas here are the single source:
the consumer validates client frames against them and the test of ``docs/protocol.md``
validates every documented example against them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from core.limits import MAX_MESSAGE_BODY as MAX_BODY

VERSION = 1
MAX_FRAME_BYTES = 16 * 1024
MAX_SUBSCRIPTIONS = 100


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# field -> (type, required). Types: "int" (non-negative), "str", "uuid", "bool", "list", "dict", "any".
Schema = dict[str, tuple[str, bool]]

CLIENT_FRAMES: dict[str, Schema] = {
    "subscribe": {"room": ("int", True), "after_seq": ("int", False)},
    "unsubscribe": {"room": ("int", True)},
    "post": {"room": ("int", True), "topic": ("int", True), "body": ("str", True), "client_id": ("uuid", True)},
    "edit": {"room": ("int", True), "seq": ("int", True), "body": ("str", True)},
    "delete": {"room": ("int", True), "seq": ("int", True)},
    "react": {"room": ("int", True), "seq": ("int", True), "emoji": ("str", True), "add": ("bool", False)},
    "read": {"room": ("int", True), "seq": ("int", True)},
    "typing": {"room": ("int", True), "topic": ("int", False)},
    "fetch": {"room": ("int", True), "from_seq": ("int", True), "to_seq": ("int", True)},
    "ping": {},
}
COMMON_CLIENT_FIELDS: Schema = {"type": ("str", True), "ref": ("str", False)}

SERVER_FRAMES: dict[str, Schema] = {
    "hello": {"version": ("int", True), "user": ("dict", True), "limits": ("dict", True)},
    "subscribed": {"room": ("int", True), "head_seq": ("int", True), "replayed": ("int", True)},
    "unsubscribed": {"room": ("int", True), "reason": ("str", True)},
    "message": {
        "room": ("int", True), "topic": ("int", True), "seq": ("int", True), "id": ("int", True),
        "client_id": ("uuid", True), "author": ("dict", True), "html": ("str", True), "deleted": ("bool", True),
        "edited": ("bool", True), "pinned": ("bool", True), "created_at": ("str", True), "reactions": ("dict", True),
    },
    "message_edited": {
        "room": ("int", True), "topic": ("int", True), "seq": ("int", True), "id": ("int", True),
        "client_id": ("uuid", True), "author": ("dict", True), "html": ("str", True), "deleted": ("bool", True),
        "edited": ("bool", True), "pinned": ("bool", True), "created_at": ("str", True), "reactions": ("dict", True),
    },
    "message_deleted": {"room": ("int", True), "topic": ("int", True), "seq": ("int", True)},
    "reaction": {"room": ("int", True), "topic": ("int", True), "seq": ("int", True), "reactions": ("dict", True)},
    "topic_updated": {
        "room": ("int", True), "topic": ("int", True), "title": ("str", True), "resolved": ("bool", True),
        "accepted_answer": ("any", True), "moved_to": ("int", False),
    },
    "ack": {"room": ("int", True), "client_id": ("uuid", True), "seq": ("int", True), "ref": ("str", False)},
    "read_state": {"room": ("int", True), "seq": ("int", True)},
    "typing": {"room": ("int", True), "topic": ("any", False), "user": ("dict", True)},
    "presence": {"room": ("int", True), "users": ("list", True)},
    "caught_up": {"room": ("int", True), "seq": ("int", True)},
    "error": {
        "code": ("str", True), "message": ("str", True), "ref": ("any", False), "room": ("int", False),
        "client_id": ("uuid", False), "wait_seconds": ("any", False),
    },
    "pong": {},
    "resync": {"room": ("int", True), "reason": ("str", False)},
}  # fmt: skip

# Close codes (4000–4999 are the application's).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_LOGGED_OUT = 4403
CLOSE_TOO_SLOW = 4408
CLOSE_IDLE = 4409
CLOSE_POLICY = 4429  # repeated abuse: oversized frames or flooding past the limits
CLOSE_NO_SUCH_PATH = 4404
CLOSE_CODES = {
    CLOSE_NO_SUCH_PATH: "no socket at this path (Kring's is /ws/)",
    CLOSE_UNAUTHENTICATED: "not logged in",
    CLOSE_LOGGED_OUT: "the session ended (logged out)",
    CLOSE_TOO_SLOW: "the client did not read its frames in time; reconnect and resume",
    CLOSE_IDLE: "no frame (not even a ping) for too long",
    CLOSE_POLICY: "too many protocol violations",
}


def _check(value: Any, kind: str) -> bool:
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53
    if kind == "str":
        return isinstance(value, str)
    if kind == "uuid":
        if not isinstance(value, str) or len(value) > 64:
            return False
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    if kind == "dict":
        return isinstance(value, dict)
    return True


def validate(frame: Any, schemas: dict[str, Schema], common: Schema | None = None) -> str:
    """Check a decoded frame against a schema set; return its type or raise ProtocolError."""
    if not isinstance(frame, dict):
        raise ProtocolError("bad_frame", "A frame is a JSON object with a type.")
    kind = frame.get("type")
    if not isinstance(kind, str) or kind not in schemas:
        raise ProtocolError("unknown_type", f"Unknown frame type: {str(kind)[:40]!r}.")
    schema = {**(common or {"type": ("str", True)}), **schemas[kind]}
    for field, (field_type, required) in schema.items():
        if field not in frame:
            if required:
                raise ProtocolError("bad_frame", f"Field {field!r} is required for {kind}.")
            continue
        if not _check(frame[field], field_type) and not (field == "ref" and frame[field] is None):
            raise ProtocolError("bad_frame", f"Field {field!r} of {kind} must be {field_type}.")
    unknown = set(frame) - set(schema)
    if unknown:
        raise ProtocolError("bad_frame", f"Unknown fields for {kind}: {sorted(unknown)[:5]}.")
    return kind


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class ClientFrame:
    type: str
    data: dict[str, Any]
    ref: str | None


def parse_client_frame(text: str | None, data: bytes | None) -> ClientFrame:
    if text is None:
        if data is not None and len(data) > MAX_FRAME_BYTES:
            raise ProtocolError("too_large", f"Frames are at most {MAX_FRAME_BYTES} bytes.")
        raise ProtocolError("bad_frame", "Send text frames with JSON.")
    if len(text) > MAX_FRAME_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"Frames are at most {MAX_FRAME_BYTES} bytes.")
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("bad_json", "The frame is not valid JSON.") from exc
    kind = validate(frame, CLIENT_FRAMES, COMMON_CLIENT_FIELDS)
    for field, value in frame.items():
        # JSON escapes can spell lone surrogates ("\ud800"): not text, and not sendable back.
        if isinstance(value, str) and not _is_unicode(value):
            raise ProtocolError("bad_frame", f"Field {field!r} is not valid Unicode text.")
    ref = frame.get("ref")
    if ref is not None and len(ref) > 64:
        raise ProtocolError("bad_frame", "ref is at most 64 characters.")
    if kind == "post" and len(frame["body"]) > MAX_BODY:
        raise ProtocolError("too_large", "Messages are at most 10,000 characters.")
    return ClientFrame(type=kind, data=frame, ref=ref)
