"""Kring's WebSocket protocol, version 1: the frames, as typed classes, and their parsing.

Every frame is a JSON object with a ``type``. The classes here are the single source: the
socket decodes client frames into them (``parse_client_frame``), handlers read typed
attributes, the frames the realtime layer sends are built from them, and the test of
``docs/protocol.md`` validates every documented example against them.

msgspec decodes and validates in one pass (measured in ``bench/protocol_parse.py``, figures in
``docs/performance.md``): cheaper than ``json.loads`` followed by a check in Python, which
is what this module did before.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, ClassVar, get_args, get_origin, get_type_hints

import msgspec

from core.limits import MAX_MESSAGE_BODY as MAX_BODY

VERSION = 1
MAX_FRAME_BYTES = 16 * 1024
MAX_SUBSCRIPTIONS = 100
MAX_REF = 64
# A transport (Daphne, uvicorn) must accept messages this big, so that a frame over
# MAX_FRAME_BYTES is answered with ``too_large`` instead of the transport cutting the
# connection. Both servers' own limit is set to this (``docs/protocol.md``, Limits).
TRANSPORT_MAX_BYTES = 1024 * 1024


class ProtocolError(Exception):
    def __init__(self, code: str, message: str, ref: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


class BeyondHead(Exception):
    """A client asked for seqs past the room's head: its state is not this room's history
    (a database restored from a back-up, a client bug). Answered with ``resync``."""

    def __init__(self, head_seq: int) -> None:
        super().__init__(f"beyond the head ({head_seq})")
        self.head_seq = head_seq


Id = Annotated[int, msgspec.Meta(ge=0, lt=2**53)]
Ref = Annotated[str, msgspec.Meta(max_length=MAX_REF)]
ClientId = Annotated[str, msgspec.Meta(max_length=64)]


# --- client → server ---------------------------------------------------------------------


class ClientFrame(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    ref: Ref | None = None
    type: ClassVar[str]


def _check_client_id(value: str) -> None:
    try:
        uuid.UUID(value)
    except ValueError:
        raise ValueError("client_id must be a UUID") from None


class Subscribe(ClientFrame, tag="subscribe"):
    room: Id
    after_seq: Id | None = None


class Unsubscribe(ClientFrame, tag="unsubscribe"):
    room: Id


class Post(ClientFrame, tag="post"):
    room: Id
    topic: Id
    body: str
    client_id: ClientId
    reply_to: Id | None = None  # the id of the message this post answers, in the same topic

    def __post_init__(self) -> None:
        _check_client_id(self.client_id)


class Edit(ClientFrame, tag="edit"):
    room: Id
    seq: Id
    body: str


class Delete(ClientFrame, tag="delete"):
    room: Id
    seq: Id


class React(ClientFrame, tag="react"):
    room: Id
    seq: Id
    emoji: str
    add: bool | None = None


class Read(ClientFrame, tag="read"):
    room: Id
    seq: Id
    topic: Id | None = None  # the topic on screen: its own marker moves too


class Typing(ClientFrame, tag="typing"):
    room: Id
    topic: Id | None = None


class Fetch(ClientFrame, tag="fetch"):
    room: Id
    from_seq: Id
    to_seq: Id


class Ping(ClientFrame, tag="ping"):
    pass


AnyClientFrame = Subscribe | Unsubscribe | Post | Edit | Delete | React | Read | Typing | Fetch | Ping
CLIENT_FRAME_CLASSES: dict[str, type[ClientFrame]] = {
    str(cls.__struct_config__.tag): cls for cls in get_args(AnyClientFrame)
}
for _tag, _cls in CLIENT_FRAME_CLASSES.items():
    _cls.type = _tag  # the tag, readable as frame.type


# --- server → client -----------------------------------------------------------------------


class Person(msgspec.Struct, forbid_unknown_fields=True):
    id: int
    name: str


class ServerFrame(msgspec.Struct, tag_field="type", forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    def encode(self) -> str:
        return _encoder.encode(self).decode()


class Limits(msgspec.Struct, forbid_unknown_fields=True):
    max_frame_bytes: int
    max_body_chars: int
    max_subscriptions: int
    write_burst: int
    writes_per_second: int
    read_burst: int
    reads_per_second: int
    typing_interval_seconds: int
    idle_seconds: int
    max_violations_per_minute: int


class Hello(ServerFrame, tag="hello"):
    version: int
    user: Person
    limits: Limits


class Subscribed(ServerFrame, tag="subscribed"):
    room: Id
    head_seq: Id
    replayed: int


class Unsubscribed(ServerFrame, tag="unsubscribed"):
    room: Id
    reason: str


class MessageFrame(ServerFrame, tag="message"):
    room: Id
    topic: Id
    seq: Id
    id: Id
    client_id: str
    author: Person | None
    html: str
    deleted: bool
    edited: bool
    pinned: bool
    created_at: str
    reactions: dict[str, list[int]]
    reply_to: Id | None  # the seq of the message this one answers
    article: str  # the rendered <article> (forum.message_markup), the same as the page's


class MessageEdited(MessageFrame, tag="message_edited"):
    pass


class MessageDeleted(ServerFrame, tag="message_deleted"):
    room: Id
    topic: Id
    seq: Id


class Reaction(ServerFrame, tag="reaction"):
    room: Id
    topic: Id
    seq: Id
    reactions: dict[str, list[int]]
    chips: str  # the rendered inside of the message's reactions bar


class TopicFrame(ServerFrame, tag="topic"):
    room: Id
    topic: Id
    title: str
    resolved: bool
    accepted_answer: int | None
    message_count: int
    last_seq: Id
    moved_to: Id | None
    row: str  # the rendered <li class="topic-row"> of the room page


class Ack(ServerFrame, tag="ack"):
    room: Id
    client_id: str
    seq: Id
    ref: str | None = None


class ReadState(ServerFrame, tag="read_state"):
    room: Id
    seq: Id


class TypingFrame(ServerFrame, tag="typing"):
    room: Id
    user: Person
    topic: Id | None = None


class Presence(ServerFrame, tag="presence"):
    room: Id
    users: list[Person]


class CaughtUp(ServerFrame, tag="caught_up"):
    room: Id
    seq: Id


class Error(ServerFrame, tag="error"):
    code: str
    message: str
    ref: str | None = None
    room: Id | None = None
    client_id: str | None = None
    wait_seconds: float | None = None
    field: str | None = None


class Pong(ServerFrame, tag="pong"):
    pass


class Notifications(ServerFrame, tag="notifications"):
    """The member's unread notifications changed (a new one, or read elsewhere): the badge's count."""

    unread: int


class Resync(ServerFrame, tag="resync"):
    room: Id
    reason: str
    head_seq: Id
    ref: str | None = None


AnyServerFrame = (
    Hello
    | Subscribed
    | Unsubscribed
    | MessageFrame
    | MessageEdited
    | MessageDeleted
    | Reaction
    | TopicFrame
    | Ack
    | ReadState
    | TypingFrame
    | Presence
    | CaughtUp
    | Error
    | Pong
    | Notifications
    | Resync
)
SERVER_FRAME_CLASSES: dict[str, type[ServerFrame]] = {
    str(cls.__struct_config__.tag): cls for cls in get_args(AnyServerFrame)
}

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


# --- parsing -------------------------------------------------------------------------------

_decoder = msgspec.json.Decoder(AnyClientFrame)
_encoder = msgspec.json.Encoder()


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON


_NOT_JSON = object()


def _ref_in(frame: Any) -> str | None:
    """The ``ref`` of a refused frame, when it has a usable one (errors path only)."""
    ref = frame.get("ref") if isinstance(frame, dict) else None
    if not isinstance(ref, str) or len(ref) > MAX_REF or not _is_unicode(ref):
        return None
    return ref


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refused(text: str, exc: msgspec.DecodeError | RecursionError) -> ProtocolError:
    """Turn msgspec's complaint into the protocol's error code, with the frame's ref if any.

    Only refused frames get here, so reading them again with ``json`` costs nothing on the
    common path; it tells bad JSON from a bad frame the way the protocol defines them.
    """
    frame = _loads(text)
    if frame is _NOT_JSON:
        return ProtocolError("bad_json", "The frame is not valid JSON.")
    if not isinstance(frame, dict):
        return ProtocolError("bad_frame", "A frame is a JSON object with a type.")
    ref = _ref_in(frame)
    if not isinstance(exc, msgspec.ValidationError):
        # JSON that msgspec refuses to decode: escapes that spell lone surrogates ("\ud800"),
        # which are not text and could not be sent back.
        return ProtocolError("bad_frame", "The frame is not valid Unicode text.", ref)
    if not isinstance(frame.get("type"), str) or frame["type"] not in CLIENT_FRAME_CLASSES:
        return ProtocolError("unknown_type", f"Unknown frame type: {str(frame.get('type'))[:40]!r}.", ref)
    return ProtocolError("bad_frame", str(exc)[:200], ref)


def parse_client_frame(text: str | None, data: bytes | None) -> AnyClientFrame:
    """Decode and check one client frame; raises ``ProtocolError`` (with the frame's ref if usable)."""
    if text is None:
        if data is not None and len(data) > MAX_FRAME_BYTES:
            raise ProtocolError("too_large", f"Frames are at most {MAX_FRAME_BYTES} bytes.")
        raise ProtocolError("bad_frame", "Send text frames with JSON.")
    # len() counts characters, each at most 4 bytes: encode only when it could matter.
    if len(text) * 4 > MAX_FRAME_BYTES and len(text.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"Frames are at most {MAX_FRAME_BYTES} bytes.", _ref_in(_loads(text)))
    try:
        frame = _decoder.decode(text)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise _refused(text, exc) from None
    except UnicodeEncodeError:  # a lone surrogate in the text itself (a server decoding UTF-8 never hands one)
        raise ProtocolError("bad_frame", "The frame is not valid Unicode text.", _ref_in(_loads(text))) from None
    if type(frame) is Post and len(frame.body) > MAX_BODY:
        raise ProtocolError("too_large", f"Messages are at most {MAX_BODY:,} characters.", frame.ref)
    return frame


def validate_server_frame(frame: dict[str, Any]) -> ServerFrame:
    """Check a server frame (as sent, decoded from JSON) against its class; raises on a mismatch."""
    converted: ServerFrame = msgspec.convert(frame, AnyServerFrame)
    return converted


# --- a field-by-field view of the client frames, for the fuzzer and the docs test -------------


def _kind(annotation: Any) -> str:
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return _kind(args[0])
    if args and type(None) in args:
        return _kind(next(a for a in args if a is not type(None)))
    return {int: "int", str: "str", bool: "bool"}.get(annotation, "any")


def _fields(cls: type[msgspec.Struct]) -> dict[str, tuple[str, bool]]:
    hints = get_type_hints(cls, include_extras=True)
    return {
        f.name: ("uuid" if hints[f.name] == ClientId else _kind(hints[f.name]), f.required)
        for f in msgspec.structs.fields(cls)
        if f.name != "ref"
    }


# frame type -> field -> (kind, required); derived from the classes above, never written by hand.
CLIENT_FRAMES: dict[str, dict[str, tuple[str, bool]]] = {tag: _fields(cls) for tag, cls in CLIENT_FRAME_CLASSES.items()}
