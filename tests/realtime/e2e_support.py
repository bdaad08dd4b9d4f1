"""Helpers for the end-to-end delivery test: real Daphne processes and protocol-v1 clients.

The clients follow the client rules of ``docs/protocol.md`` and nothing more: drop
duplicates by ``seq``, ask for a hole with ``fetch`` as soon as one shows, resubscribe with
``after_seq`` after every reconnect, retry every post without an ``ack`` with the same
``client_id``, and fetch after a ``resync``. They never read the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

REPO = Path(__file__).resolve().parents[2]
DAPHNE = REPO / ".venv" / "bin" / "daphne"
FETCH_LIMIT = 500  # docs/protocol.md: at most 500 seqs per fetch
TRANSPORT_MAX_BYTES = 1024 * 1024  # docs/protocol.md, Limits: the servers' own message limit


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- server processes ----------------------------------------------------------------------------


class DaphneServer:
    """One ``daphne config.asgi:application`` process on a loopback port, its output in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.cpu_seconds = 0.0  # user + system CPU time of the process, read when it is stopped

    def command(self) -> list[str]:
        # The transport's own message limit, set above Kring's 16 KiB frame limit (as in
        # production, docs/protocol.md): a frame between the two is answered with too_large.
        limit = str(TRANSPORT_MAX_BYTES)
        return [
            str(DAPHNE),
            "-b",
            "127.0.0.1",
            "-p",
            str(self.port),
            "--websocket-max-message-size",
            limit,
            "--websocket-max-frame-size",
            limit,
            "config.asgi:application",
        ]

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        assert self.proc is not None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
        url = f"http://127.0.0.1:{self.port}/healthz"
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daphne on {self.port} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with opener.open(url, timeout=2) as response:
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}: {exc.read()[:300]!r}"
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise RuntimeError(f"daphne on {self.port} not healthy after {timeout}s ({last}):\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            self.cpu_seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


class UvicornServer(DaphneServer):
    """The same application on uvicorn (Kring runs unchanged on either server)."""

    def command(self) -> list[str]:
        return [
            str(REPO / ".venv" / "bin" / "uvicorn"),
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ws-max-size",
            str(TRANSPORT_MAX_BYTES),
            "--log-level",
            "warning",
        ]


def server_env(*, database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


# --- clients -----------------------------------------------------------------------------------------


@dataclass
class ClientStats:
    connects: int = 0
    connect_failures: int = 0
    drops: int = 0
    duplicates: int = 0  # message frames for a seq already held (dropped, as the protocol says)
    gaps: int = 0  # times a hole in seq was seen
    fetches: int = 0
    refetches: int = 0  # a fetch answered without filling its hole
    resyncs: int = 0
    retries: int = 0  # post frames sent again with the same client_id
    errors: list[dict[str, Any]] = field(default_factory=list)  # unexpected error/unsubscribed frames
    ack_mismatches: list[tuple[str, int, int]] = field(default_factory=list)
    close_codes: dict[int, int] = field(default_factory=dict)


class E2EClient:
    """A browser tab subscribed to one room, speaking protocol v1 over a real socket."""

    RETRYABLE = {"rate_limited", "slow_mode", "unavailable", "internal"}

    def __init__(
        self,
        *,
        index: int,
        user_id: int,
        room: int,
        topic: int,
        cookie: str,
        ports: list[int],
        rng: random.Random,
        drop_every: tuple[float, float] = (1.0, 3.0),
        drop_probability: float = 0.35,
    ) -> None:
        self.index = index
        self.user_id = user_id
        self.room = room
        self.topic = topic
        self.cookie = cookie
        self.ports = ports
        self.rng = rng
        self.drop_every = drop_every
        self.drop_probability = drop_probability
        self.held: dict[int, tuple[int, str, int | None]] = {}  # seq -> (id, client_id, author id)
        self.head = 0  # highest seq known to exist in the room
        self.outbox: dict[str, dict[str, Any]] = {}  # client_id -> post frame, until acked
        self.posted: list[str] = []
        self.acked: dict[str, int] = {}
        self.sent: dict[str, int] = {}
        self.requested: set[int] = set()  # seqs asked for with fetch on this connection
        self.ws: ClientConnection | None = None
        self.ready = False  # subscribed and caught up on the current connection
        self.chaos = True
        self.running = True
        self.stats = ClientStats()
        self._tasks: set[asyncio.Task[None]] = set()

    # --- the connection loop ------------------------------------------------------------

    async def run(self) -> None:
        while self.running:
            port = self.rng.choice(self.ports)
            try:
                async with connect(
                    f"ws://127.0.0.1:{port}/ws/",
                    additional_headers={"Cookie": self.cookie, "Origin": f"http://127.0.0.1:{port}"},
                    open_timeout=30,
                    close_timeout=2,
                    compression=None,
                    proxy=None,
                ) as ws:
                    self.stats.connects += 1
                    await self._session(ws)
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else 1006
                self.stats.close_codes[code] = self.stats.close_codes.get(code, 0) + 1
            except (OSError, TimeoutError, InvalidHandshake):
                self.stats.connect_failures += 1
            except Exception as exc:  # a broken client rule or frame: report it, keep going
                self.stats.errors.append({"type": "client_exception", "error": repr(exc)})
            finally:
                self.ws = None
                self.ready = False
            if self.running:
                await asyncio.sleep(self.rng.uniform(0.05, 0.3))

    async def _session(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.ready = False
        self.requested.clear()
        hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        assert hello["type"] == "hello", hello
        await self._send({"type": "subscribe", "room": self.room, "after_seq": max(self.held, default=0), "ref": "s"})
        chaos = asyncio.create_task(self._chaos(ws))
        try:
            async for raw in ws:
                await self._on_frame(json.loads(raw))
        finally:
            chaos.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chaos

    async def _chaos(self, ws: ClientConnection) -> None:
        while True:
            await asyncio.sleep(self.rng.uniform(*self.drop_every))
            if self.chaos and self.running and self.rng.random() < self.drop_probability:
                self.stats.drops += 1
                if self.rng.random() < 0.75:
                    ws.transport.abort()  # abruptly: no close frame, frames in flight are lost
                else:
                    await ws.close()
                return

    async def stop(self) -> None:
        self.running = False
        ws = self.ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()

    async def _send(self, frame: dict[str, Any]) -> bool:
        ws = self.ws
        if ws is None:
            return False
        try:
            await ws.send(json.dumps(frame))
        except ConnectionClosed:
            return False
        return True

    # --- posting ------------------------------------------------------------------------------

    async def post(self, body: str) -> None:
        client_id = str(uuid.uuid4())
        frame = {
            "type": "post",
            "room": self.room,
            "topic": self.topic,
            "body": body,
            "client_id": client_id,
            "ref": f"p:{client_id}",
        }
        self.outbox[client_id] = frame
        self.posted.append(client_id)
        if self.ready:
            await self._send_post(frame)

    async def _send_post(self, frame: dict[str, Any]) -> None:
        client_id = frame["client_id"]
        if self.sent.get(client_id):
            self.stats.retries += 1
        if await self._send(frame):
            self.sent[client_id] = self.sent.get(client_id, 0) + 1

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _refetch_later(self, wait: float, ws: ClientConnection | None) -> None:
        await asyncio.sleep(wait)
        if self.ws is ws:
            self.requested.clear()
            await self._fill_holes()

    async def _retry_later(self, client_id: str, wait: float, ws: ClientConnection | None) -> None:
        await asyncio.sleep(wait)
        frame = self.outbox.get(client_id)
        if frame is not None and self.ws is ws and self.ready:
            await self._send_post(frame)

    # --- receiving -------------------------------------------------------------------------------

    async def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "message":
            await self._on_message(frame)
        elif kind == "subscribed":
            self.head = max(self.head, frame["head_seq"])
        elif kind == "caught_up":
            if not self.ready:  # the answer to subscribe: fetches are sent only after it
                self.ready = True
                await self._fill_holes()
                for post in list(self.outbox.values()):  # retry every post without an ack
                    await self._send_post(post)
            else:
                done = {s for s in self.requested if s <= frame["seq"]}
                self.requested -= done
                if any(s not in self.held for s in done):
                    self.stats.refetches += 1
                    await self._fill_holes()
        elif kind == "resync":
            # Too far behind to replay: "reload the room", i.e. fetch 1..head after caught_up.
            self.stats.resyncs += 1
        elif kind == "ack":
            self._on_ack(frame)
        elif kind == "error":
            await self._on_error(frame)
        elif kind == "unsubscribed":
            self.stats.errors.append(frame)
        # hello, presence, typing, topic_updated, pong, read_state: nothing to do here

    async def _on_message(self, frame: dict[str, Any]) -> None:
        seq = frame["seq"]
        if frame["room"] != self.room:
            self.stats.errors.append({"type": "foreign_room", "frame": frame})
            return
        if seq in self.held:
            self.stats.duplicates += 1
            return
        top = max(self.head, max(self.held, default=0))
        self.held[seq] = (frame["id"], frame["client_id"], (frame.get("author") or {}).get("id"))
        self.head = max(self.head, seq)
        if self.ready and seq > top + 1:
            self.stats.gaps += 1
            await self._fill_holes()

    def _on_ack(self, frame: dict[str, Any]) -> None:
        client_id, seq = frame["client_id"], frame["seq"]
        earlier = self.acked.get(client_id)
        if earlier is not None and earlier != seq:
            self.stats.ack_mismatches.append((client_id, earlier, seq))
        self.acked[client_id] = seq
        self.outbox.pop(client_id, None)

    async def _on_error(self, frame: dict[str, Any]) -> None:
        ref = frame.get("ref") or ""
        code = frame.get("code")
        if ref.startswith("p:") and code in self.RETRYABLE:
            client_id = ref[2:]
            if client_id in self.outbox:
                wait = float(frame.get("wait_seconds") or 0.2)
                self._spawn(self._retry_later(client_id, wait, self.ws))
            return
        if ref == "f" and code == "rate_limited":
            self._spawn(self._refetch_later(float(frame.get("wait_seconds") or 0.2), self.ws))
            return
        self.stats.errors.append(frame)

    async def _fill_holes(self) -> None:
        """Fetch every seq up to the highest known one that is neither held nor asked for."""
        if not self.ready:
            return
        top = max(self.head, max(self.held, default=0))
        missing = [s for s in range(1, top + 1) if s not in self.held and s not in self.requested]
        ranges: list[list[int]] = []
        for s in missing:
            if ranges and s == ranges[-1][1] + 1 and s - ranges[-1][0] < FETCH_LIMIT:
                ranges[-1][1] = s
            else:
                ranges.append([s, s])
        for start, end in ranges:
            self.stats.fetches += 1
            self.requested.update(range(start, end + 1))
            await self._send({"type": "fetch", "room": self.room, "from_seq": start, "to_seq": end, "ref": "f"})

    def holds_all(self, head: int) -> bool:
        return len(self.held) == head and all(s in self.held for s in range(1, head + 1))


# --- the run -----------------------------------------------------------------------------------------


@dataclass
class RunResult:
    duration: float
    posting_seconds: float
    converge_seconds: float
    converged: bool
    heads: dict[int, int]


async def run_clients(
    clients: list[E2EClient],
    *,
    messages: int,
    rate: float,
    rng: random.Random,
    max_in_flight: int = 25,
    posting_timeout: float = 150.0,
    converge_timeout: float = 60.0,
) -> RunResult:
    """Post ``messages`` at up to ``rate``/s from random clients while they drop and reconnect, then converge.

    At most ``max_in_flight`` posts wait for their ack at any time (over all clients), so a
    slow server slows the posting down instead of queueing without bound; ``posting_timeout``
    bounds the whole posting phase.
    """
    started = time.monotonic()
    tasks = [asyncio.create_task(c.run()) for c in clients]
    try:
        # Let everyone connect once before the posting starts.
        deadline = time.monotonic() + 30
        while not all(c.ready for c in clients) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        post_start = time.monotonic()
        next_due = post_start
        for n in range(messages):
            while sum(len(c.outbox) for c in clients) >= max_in_flight:
                if time.monotonic() - post_start > posting_timeout:
                    break
                await asyncio.sleep(0.01)
            if time.monotonic() - post_start > posting_timeout:
                break  # the test fails on the count: the servers were too slow
            next_due = max(next_due + 1 / rate, time.monotonic() - 1.0)
            delay = next_due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            client = rng.choice(clients)
            await client.post(f"Bericht {n} van client {client.index}")
        posting_seconds = time.monotonic() - post_start

        # Posting has stopped: no more drops; let everyone reconnect, get acks and catch up.
        converge_start = time.monotonic()
        for c in clients:
            c.chaos = False
        deadline = converge_start + converge_timeout
        while time.monotonic() < deadline:
            if all(c.ready and not c.outbox for c in clients):
                break
            await asyncio.sleep(0.2)
        heads: dict[int, int] = {}
        for c in clients:
            for seq in c.acked.values():
                heads[c.room] = max(heads.get(c.room, 0), seq)
        converged = False
        while time.monotonic() < deadline:
            if all(c.ready and not c.outbox and c.holds_all(heads.get(c.room, 0)) for c in clients):
                converged = True
                break
            await asyncio.sleep(0.2)
        converge_seconds = time.monotonic() - converge_start
        await asyncio.sleep(2.0)  # a quiet period: nothing more may arrive that is not a duplicate
    finally:
        for c in clients:
            c.running = False
        await asyncio.gather(*(c.stop() for c in clients), return_exceptions=True)
        _done, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return RunResult(
        duration=time.monotonic() - started,
        posting_seconds=posting_seconds,
        converge_seconds=converge_seconds,
        converged=converged,
        heads=heads,
    )
