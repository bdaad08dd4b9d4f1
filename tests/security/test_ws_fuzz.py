"""Property-based fuzzing of the ``/ws/`` endpoint: every bad frame gets an ``error`` frame.

Hypothesis generates WebSocket frames — invalid JSON, wrong types, unknown frame types,
huge and deeply nested values, odd Unicode (lone surrogates, escapes, control and
bidi characters) and valid-looking frames whose ids point at nothing or at a private
room — and sends them in batches over one socket through Channels'
``WebsocketCommunicator`` against the real ASGI application (Origin check, session
authentication, the consumer). For each frame the test predicts the one answer:

- a valid ``ping`` gets ``pong``; a valid ``unsubscribe`` gets ``unsubscribed``;
- everything else gets exactly one ``error`` frame with a documented code (``internal``
  is a failure: it means an exception escaped a handler);

and after every batch the socket must still answer ``ping`` with ``pong``, nothing else
may be queued, no ERROR record may have been logged, and every frame the server sent must
be encodable as UTF-8 (a real server has to put it on the wire).

A second property posts odd Unicode bodies into a room the member can write to: each
gets an ``ack`` or an ``invalid``/``too_large`` error, never ``internal``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from typing import Any

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from forum import services
from forum.models import Membership, MembershipState, Visibility
from realtime import connection as connection_module
from realtime import hub as hub_module
from realtime import protocol
from tests.security.counts import record_count

pytestmark = [pytest.mark.django_db(transaction=True)]

DOCUMENTED_ERRORS = {
    "bad_json",
    "bad_frame",
    "unknown_type",
    "too_large",
    "not_found",
    "forbidden",
    "invalid",
    "not_subscribed",
    "bad_range",
    "too_many_subscriptions",
    "rate_limited",
    "slow_mode",
    "client_id_reused",
}
TARGET_FRAMES = 10_000
BATCH_EXAMPLES = 260  # × 30–60 frames per example ≈ 11,700 frames

# --- strategies --------------------------------------------------------------------------

ODD_CHARS = st.sampled_from(
    [
        "\ud800",  # lone high surrogate
        "\udfff",  # lone low surrogate
        "\x00",
        "\x1b[31m",
        "\u202e",  # right-to-left override
        "\u200b",
        "\ufeff",
        "\uffff",
        "\U0001f600",
        "👍",
        "❤️",
        "e\u0301",
        "<script>alert(1)</script>",
        "\\",
        '"',
        "\n",
        # issue 22: the text rule's control characters and line breaks
        "\x01",
        "\x07",
        "\x7f",
        "\x85",
        "\r",
        "\u2028",
    ]
)
ODD_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=None), max_size=20),
    st.lists(ODD_CHARS, max_size=8).map("".join),
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = sorted({f for schema in protocol.CLIENT_FRAMES.values() for f in schema} | {"ref", "type"})


def _frame_with(kind: str, ids: st.SearchStrategy[int]) -> st.SearchStrategy[dict[str, Any]]:
    """A frame of ``kind`` with every field well-typed, ids drawn from ``ids``."""
    schema = protocol.CLIENT_FRAMES[kind]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, (kind_of, _required) in schema.items():
        if kind_of == "int":
            fields[name] = ids
        elif kind_of == "str":
            fields[name] = ODD_TEXT
        elif kind_of == "uuid":
            fields[name] = st.uuids().map(str)
        elif kind_of == "bool":
            fields[name] = st.booleans()
    return st.fixed_dictionaries({"type": st.just(kind), **fields})


def _mutate(frame: dict[str, Any], how: str, field: str, value: Any) -> dict[str, Any]:
    frame = dict(frame)
    if how == "drop" and field in frame and field != "type":
        del frame[field]
    elif how == "extra":
        frame[field + "_x"] = value
    else:
        frame[field] = value
    return frame


def _nested(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def frame_texts(bad_ids: st.SearchStrategy[int]) -> st.SearchStrategy[str | bytes]:
    kinds = st.sampled_from(sorted(protocol.CLIENT_FRAMES))
    valid_looking = kinds.flatmap(lambda k: _frame_with(k, bad_ids))
    mutated = st.builds(
        _mutate, valid_looking, st.sampled_from(["drop", "extra", "set"]), st.sampled_from(FIELDS), JSON_VALUES
    )
    return st.one_of(
        # invalid JSON
        st.text(max_size=60).filter(lambda t: not _is_json(t)),
        st.sampled_from(['{"type": "ping"', "{'type': 'ping'}", "NaN]", '{"type": ping}', "\ufeff{}", ""]),
        # well-formed JSON that is not a frame object, or of an unknown type
        JSON_VALUES.map(json.dumps),
        st.builds(lambda t: json.dumps({"type": t}), JSON_VALUES),
        st.builds(
            lambda t: json.dumps({"type": t, "room": 1}), ODD_TEXT.filter(lambda t: t not in protocol.CLIENT_FRAMES)
        ),
        # valid-looking frames with bad ids (nothing there, or a private room)
        valid_looking.map(json.dumps),
        valid_looking.map(lambda f: json.dumps(f, ensure_ascii=False)),
        # wrong types, missing and unknown fields
        mutated.map(json.dumps),
        # huge frames and deeply nested ones
        st.integers(protocol.MAX_FRAME_BYTES - 40, protocol.MAX_FRAME_BYTES * 3).map(
            lambda n: json.dumps(
                {"type": "post", "room": 1, "topic": 1, "body": "x" * n, "client_id": str(uuid.uuid4())}
            )
        ),
        st.integers(10, 30_000).flatmap(lambda d: st.sampled_from([_nested(d, "list"), _nested(d, "dict")])),
        st.integers(1, 5000).map(lambda d: json.dumps({"type": "ping", "ref": "x" * d})),
        # escapes that decode to lone surrogates and control characters
        st.sampled_from(
            [
                '{"type": "\\ud800"}',
                '{"type": "ping", "ref": "\\udc00\\ud800"}',
                '{"type": "subscribe", "room": 999999, "ref": "\\ud83d"}',
                '{"type": "post", "room": 999999, "topic": 1, "body": "\\ud800", "client_id": "\\u0030"}',
                '{"type": "ping", "\\u0000": 1}',
                '{"type": "ping", "type": "post"}',
                '{"type": "ping"}\x00',
                '{"type": "subscribe", "room": 1e3}',
                '{"type": "subscribe", "room": -0}',
                '{"type": "subscribe", "room": 9007199254740993}',
            ]
        ),
        # binary frames
        st.binary(max_size=64),
        st.just(b"x" * (protocol.MAX_FRAME_BYTES + 1)),
    )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def expected_answer(frame: str | bytes) -> str:
    """``pong``, ``unsubscribed`` or ``error`` — what the protocol promises for this frame."""
    if isinstance(frame, bytes):
        return "error"
    try:
        parsed = protocol.parse_client_frame(frame, None)
    except protocol.ProtocolError:
        return "error"
    if parsed.type == "ping":
        return "pong"
    if parsed.type == "unsubscribe":
        return "unsubscribed"
    return "error"  # every id used points at nothing, or at a room the fuzzing member cannot read


# --- the world ---------------------------------------------------------------------------


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    owner = make_user(name="Olga")
    member = make_user(name="Mo")
    community = services.create_community(
        actor=owner, name="Open kring", kind="hub", description="d", waaromvraag="w", visibility=Visibility.ON_REQUEST
    )
    Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Fuzz")
    services.post_message(actor=owner, topic=topic, body="eerste", client_id=uuid.uuid4())
    secret = services.create_community(
        actor=owner, name="Besloten", kind="hub", description="d", waaromvraag="w", visibility=Visibility.INVITE_ONLY
    )
    secret_room = secret.rooms.get()
    secret_topic = services.create_topic(actor=owner, room=secret_room, title="Geheim")
    services.post_message(actor=owner, topic=secret_topic, body="geheim", client_id=uuid.uuid4())
    return {"member": member, "room": room, "topic": topic, "secret_room": secret_room, "secret_topic": secret_topic}


class FuzzSocket:
    """One authenticated socket on a private event loop, reused across Hypothesis examples."""

    def __init__(self, client: Any, user: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = client
        self.user = user
        self.communicator: WebsocketCommunicator | None = None
        self.sent_on_socket = 0
        self.frames_tried = 0
        self.sockets = 0
        self.received: list[str] = []
        client.force_login(user)
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _open(self) -> None:
        from config.asgi import application

        headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", self.cookie.encode())]
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        connected, code = await communicator.connect(timeout=5)
        assert connected, f"handshake refused with {code}"
        hello = json.loads(await communicator.receive_from(timeout=5))
        assert hello["type"] == "hello"
        self.communicator = communicator
        self.sent_on_socket = 0
        self.sockets += 1

    async def recv(self) -> dict[str, Any]:
        assert self.communicator is not None
        text = await self.communicator.receive_from(timeout=5)
        self.received.append(text)
        return json.loads(text)

    async def close(self) -> None:
        if self.communicator is not None:
            with contextlib.suppress(Exception):
                await self.communicator.disconnect()
            self.communicator = None


@pytest.fixture
def fuzz_socket(client: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    channel_layers.backends.clear()
    hub_module._hubs.clear()
    # Let every valid-looking frame reach the action layer instead of the rate limiter.
    monkeypatch.setattr(connection_module, "WRITE_BUCKET", (1e9, 1e9))
    monkeypatch.setattr(connection_module, "READ_BUCKET", (1e9, 1e9))
    opened = FuzzSocket(client, world["member"])
    yield opened
    opened.run(opened.close())
    pending = asyncio.all_tasks(opened.loop)
    for task in pending:
        task.cancel()
    with contextlib.suppress(Exception):
        opened.run(asyncio.gather(*pending, return_exceptions=True))
    opened.loop.close()
    channel_layers.backends.clear()
    hub_module._hubs.clear()


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]


def _wire_safe(texts: list[str]) -> None:
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            pytest.fail(f"the server sent a frame that cannot be put on the wire as UTF-8: {text[:200]!r}")


def test_fuzzed_frames_each_get_an_error_and_the_socket_survives(
    fuzz_socket: FuzzSocket, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    secret_room, secret_topic = world["secret_room"].pk, world["secret_topic"].pk
    # Ids that are out of range, of nothing, or of a room the member may not read.
    bad_ids = st.one_of(
        st.sampled_from([0, secret_room, secret_topic, 1, 2, 3, 999_999, 2**53 - 1]),
        st.integers(min_value=10_000, max_value=2**53 - 1),
    ).filter(lambda i: i not in (world["room"].pk,))
    sock = fuzz_socket

    @hsettings(
        max_examples=BATCH_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=st.lists(frame_texts(bad_ids), min_size=30, max_size=60))
    def check(batch: list[str | bytes]) -> None:
        async def go() -> None:
            # Stay under the 600-violations-a-minute policy close by rotating sockets.
            if sock.communicator is None or sock.sent_on_socket > 400:
                await sock.close()
                await sock._open()
            assert sock.communicator is not None
            for frame in batch:
                # send_input, not send_to: empty frames are legal on the wire and must be answered too
                key = "bytes" if isinstance(frame, bytes) else "text"
                await sock.communicator.send_input({"type": "websocket.receive", key: frame})
                sock.sent_on_socket += 1
                sock.frames_tried += 1
                answer = await sock.recv()
                want = expected_answer(frame)
                assert answer["type"] == want, f"{frame[:200]!r} -> {answer}"
                if want == "error":
                    assert answer["code"] in DOCUMENTED_ERRORS, f"{frame[:200]!r} -> {answer}"
            await sock.communicator.send_to(text_data='{"type": "ping"}')
            assert (await sock.recv()) == {"type": "pong"}
            assert await sock.communicator.receive_nothing(timeout=0.01)

        sock.run(go())
        _wire_safe(sock.received)
        sock.received.clear()
        assert not _errors_logged(caplog), _errors_logged(caplog)

    # Hypothesis favours short lists, so the frames a run makes vary (9,901 in one CI run):
    # another round of examples until the target is reached, not a count left to chance.
    for _round in range(3):
        check()
        if sock.frames_tried >= TARGET_FRAMES:
            break
    print(f"\nws fuzz: {sock.frames_tried} frames tried over {sock.sockets} sockets")
    record_count("WebSocket fuzz", f"{sock.frames_tried} frames over {sock.sockets} sockets")
    assert sock.frames_tried >= TARGET_FRAMES


def test_fuzzed_bodies_posted_to_a_real_room_are_acked_or_refused(
    fuzz_socket: FuzzSocket, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    sock = fuzz_socket
    room, topic = world["room"].pk, world["topic"].pk
    # Lone surrogates (not text) are refused as bad_frame; everything else is acked or refused as content.
    bodies = st.one_of(ODD_TEXT, st.text(min_size=1, max_size=200), st.just(" "), st.just("\x00"), st.just("\ud800x"))

    @hsettings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(body=bodies, ref=st.one_of(st.none(), ODD_TEXT.filter(lambda r: len(r) <= 64)))
    def check(body: str, ref: str | None) -> None:
        async def go() -> None:
            if sock.communicator is None:
                await sock._open()
            assert sock.communicator is not None
            frame: dict[str, Any] = {"type": "post", "room": room, "topic": topic, "body": body}
            frame["client_id"] = str(uuid.uuid4())
            if ref is not None:
                frame["ref"] = ref
            await sock.communicator.send_to(text_data=json.dumps(frame))
            sock.frames_tried += 1
            answer = await sock.recv()
            assert answer["type"] in ("ack", "error"), answer
            if answer["type"] == "error":
                # As the server reads them: JSON joins a surrogate pair into one character.
                body_read, ref_read = json.loads(json.dumps([body, ref]))
                not_text = not _encodable(body_read) or (ref_read is not None and not _encodable(ref_read))
                allowed = ("bad_frame",) if not_text else ("invalid", "too_large")
                assert answer["code"] in allowed, f"{body!r} -> {answer}"

        sock.run(go())
        _wire_safe(sock.received)
        sock.received.clear()
        assert not _errors_logged(caplog), _errors_logged(caplog)

    check()
    print(f"\nws fuzz: {sock.frames_tried} posts with odd bodies")
    record_count("WebSocket fuzz", f"{sock.frames_tried} posts with odd bodies to a real room")


def test_the_documented_error_codes_are_the_ones_the_fuzzer_accepts() -> None:
    """If the protocol grows an error code, this suite must learn whether it is acceptable."""
    import re
    from pathlib import Path

    doc = (Path(settings.BASE_DIR) / "docs" / "protocol.md").read_text()
    errors = doc[doc.index("### error") : doc.index("### pong")]  # the error table, not the limits table
    table = set(re.findall(r"^\| `([a-z_]+)` \|", errors, flags=re.M))
    assert table - {"unavailable", "internal"} == DOCUMENTED_ERRORS


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def test_a_body_with_a_lone_surrogate_is_refused_not_internal(
    fuzz_socket: FuzzSocket, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    sock = fuzz_socket
    room, topic = world["room"].pk, world["topic"].pk
    frame = f'{{"type": "post", "room": {room}, "topic": {topic}, "body": "\\ud800x", "client_id": "{uuid.uuid4()}"}}'

    async def go() -> dict[str, Any]:
        await sock._open()
        assert sock.communicator is not None
        await sock.communicator.send_input({"type": "websocket.receive", "text": frame})
        return await sock.recv()

    answer = sock.run(go())
    assert answer["type"] == "error" and answer["code"] in ("invalid", "bad_frame"), answer
    assert not _errors_logged(caplog)


def test_echoed_ref_is_always_valid_utf8(fuzz_socket: FuzzSocket) -> None:
    sock = fuzz_socket

    async def go() -> str:
        await sock._open()
        assert sock.communicator is not None
        await sock.communicator.send_input(
            {"type": "websocket.receive", "text": '{"type": "subscribe", "room": 999999, "ref": "\\ud83d"}'}
        )
        return await sock.communicator.receive_from(timeout=5)

    answer = sock.run(go())
    answer.encode("utf-8")  # was: UnicodeEncodeError, the lone surrogate echoed back
    assert json.loads(answer)["code"] == "bad_frame"
    assert "ref" not in json.loads(answer)


@pytest.mark.parametrize(
    ("frame", "answer"),
    [
        ('{"type": "ping"}', "pong"),
        ('{"type": "unsubscribe", "room": 5}', "unsubscribed"),
        ('{"type": "ping", "extra": 1}', "error"),
        ('{"type": "x"}', "error"),
        (b"\x00", "error"),
    ],
)
def test_the_oracle(frame: str | bytes, answer: str) -> None:
    assert expected_answer(frame) == answer
