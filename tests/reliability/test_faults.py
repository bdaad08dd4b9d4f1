"""Faults under load, against real Daphne processes, a private PostgreSQL and a private Redis.

Each scenario posts messages from protocol-v1 clients (``tests/realtime/e2e_support.py``)
while a fault happens, then checks, per client, that every message of its room is held
exactly once (by seq, and by client_id) and agrees with the database, that every ``ack``
names a stored message, and records the recovery time. ``make faults`` prints the table
and writes it to docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.realtime.e2e_support import DaphneServer
from tests.reliability.support import (
    FaultClient,
    PrivatePostgres,
    PrivateRedis,
    acked_head,
    base_env,
    rss_bytes,
    seed,
)

pytestmark = [pytest.mark.slow]


# --- the world of one scenario ----------------------------------------------------------------------


@dataclass
class World:
    pg: PrivatePostgres
    database: str
    redis: PrivateRedis
    servers: list[DaphneServer]
    rooms: list[dict[str, int]]
    members: list[dict[str, Any]]
    rng: random.Random
    seed: int
    initial: set[str] = field(default_factory=set)  # client_ids of messages seeded before the run

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.servers]

    def clients(self, count: int, **kwargs: Any) -> list[FaultClient]:
        return [
            FaultClient(
                index=i,
                user_id=self.members[i]["user"],
                room=self.rooms[i % len(self.rooms)]["room"],
                topic=self.rooms[i % len(self.rooms)]["topic"],
                cookie=self.members[i]["cookie"],
                ports=self.ports,
                rng=random.Random(self.rng.randrange(1 << 30)),
                **kwargs,
            )
            for i in range(count)
        ]

    def stored(self) -> list[tuple[int, int, int, str, int | None]]:
        rows = self.pg.query(
            "SELECT room_id, seq, id, client_id::text, author_id FROM forum_message WHERE room_id = ANY(%s)",
            self.database,
            ([r["room"] for r in self.rooms],),
        )
        return [(int(a), int(b), int(c), str(d), e) for a, b, c, d, e in rows]


@pytest.fixture
def world_factory(
    private_postgres: PrivatePostgres, private_redis: PrivateRedis, tmp_path: Path
) -> Iterator[Callable[..., World]]:
    started: list[DaphneServer] = []

    def make(*, processes: int = 2, rooms: int, members: int, prefill: int = 0) -> World:
        database = private_postgres.new_database()
        env = base_env(database_url=private_postgres.url(database), redis_url=private_redis.url)
        servers = [DaphneServer(env, tmp_path / f"daphne-{n}.log") for n in range(processes)]
        started.extend(servers)
        for server in servers:  # they start while the database is seeded
            server.start()
        data = seed(private_postgres.url(database), rooms=rooms, members=members, prefill=prefill)
        rng = random.Random()
        number = rng.randrange(1 << 30)
        rng.seed(number)
        world = World(private_postgres, database, private_redis, servers, data["rooms"], data["members"], rng, number)
        world.initial = {row[3] for row in world.stored()}
        for server in servers:
            server.wait_healthy()
        return world

    yield make
    for server in started:
        server.stop()
    if not private_postgres.running():
        private_postgres.start()


# --- driving the clients ---------------------------------------------------------------------------------


@dataclass
class Run:
    posted: int = 0
    posting_seconds: float = 0.0
    converge_seconds: float = 0.0
    converged: bool = False
    fault: dict[str, Any] = field(default_factory=dict)


async def drive(
    clients: list[FaultClient],
    *,
    messages: int,
    rate: float,
    rng: random.Random,
    fault: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    fault_at: float = 0.4,
    max_in_flight: int = 25,
    posting_timeout: float = 60.0,
    converge_timeout: float = 40.0,
    body: Callable[[int, FaultClient], str] | None = None,
    late: list[FaultClient] | None = None,
) -> Run:
    """Post ``messages`` at ``rate``/s from random clients; start ``fault`` after ``fault_at`` of them;
    then stop the random drops and wait until every client is caught up and has every ack.

    ``late`` clients are started by the fault (``start(client)``), not here; they post once started."""
    run = Run()
    tasks = [asyncio.create_task(c.run()) for c in clients]
    late = late or []
    everyone = [*clients, *late]
    for c in late:
        c.running = False  # not started yet
    fault_task: asyncio.Task[dict[str, Any]] | None = None
    try:
        deadline = time.monotonic() + 30
        while not all(c.ready for c in clients) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert all(c.ready for c in clients), "not every client connected before the posting"
        start = next_due = time.monotonic()
        for n in range(messages):
            if fault is not None and fault_task is None and n >= messages * fault_at:
                fault_task = asyncio.create_task(fault())
            while sum(len(c.outbox) for c in clients) >= max_in_flight and time.monotonic() - start < posting_timeout:
                await asyncio.sleep(0.01)
            if time.monotonic() - start > posting_timeout:
                break
            next_due = max(next_due + 1 / rate, time.monotonic() - 1.0)
            delay = next_due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            client = rng.choice([c for c in everyone if c.running])
            await client.post(body(n, client) if body else f"Bericht {n} van client {client.index}")
            run.posted += 1
        run.posting_seconds = time.monotonic() - start
        if fault_task is not None:
            run.fault = await fault_task
        converge_start = time.monotonic()
        for c in everyone:
            c.chaos = False
        deadline = converge_start + converge_timeout
        while time.monotonic() < deadline:
            if all(c.ready and not c.outbox for c in everyone):
                heads = {c.room: acked_head(everyone, c.room) for c in everyone}
                if all(c.holds_all(heads[c.room]) for c in everyone):
                    run.converged = True
                    break
            await asyncio.sleep(0.1)
        run.converge_seconds = time.monotonic() - converge_start
        await asyncio.sleep(1.0)  # a quiet period: whatever arrives now must be a duplicate, not news
    finally:
        if fault_task is not None and not fault_task.done():
            fault_task.cancel()
        tasks += [c.task for c in late if c.task is not None]
        for c in everyone:
            c.running = False
        await asyncio.gather(*(c.stop() for c in everyone), return_exceptions=True)
        _done, pending = await asyncio.wait(tasks, timeout=10)
        for task in pending:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return run


async def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.02) -> float | None:
    """Seconds until ``condition()`` holds, or None after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        await asyncio.sleep(step)
    return None


def snapshot(clients: list[FaultClient]) -> dict[int, int]:
    return {c.room: acked_head(clients, c.room) for c in clients}


def all_hold(clients: list[FaultClient], heads: dict[int, int]) -> Callable[[], bool]:
    def check() -> bool:
        return all(c.ready and all(s in c.held for s in range(1, heads[c.room] + 1)) for c in clients)

    return check


# --- counting lost and doubled ----------------------------------------------------------------------------


@dataclass
class Tally:
    lost: int = 0
    doubled: int = 0
    messages: int = 0
    problems: list[str] = field(default_factory=list)


def tally(world: World, clients: list[FaultClient], run: Run | None = None) -> Tally:
    """Per client: every stored message of its room held once, nothing else; every ack names a stored message."""
    rows = world.stored()
    by_room: dict[int, dict[int, tuple[int, str, int | None]]] = {r["room"]: {} for r in world.rooms}
    for room_id, seq, pk, client_id, author_id in rows:
        by_room[room_id][seq] = (pk, client_id, author_id)
    stored_ids = Counter(r[3] for r in rows)
    result = Tally(messages=len(rows))
    for room_id, stored in by_room.items():
        if sorted(stored) != list(range(1, len(stored) + 1)):
            result.problems.append(f"room {room_id}: the stored seqs are not 1..{len(stored)}")
    for c in clients:
        stored = by_room[c.room]
        missing = [s for s in range(1, len(stored) + 1) if s not in c.held]
        extra = [s for s in c.held if s not in stored]
        wrong = [s for s, v in c.held.items() if s in stored and stored[s] != v]
        doubles = sum(n - 1 for n in Counter(v[1] for v in c.held.values()).values() if n > 1)
        result.lost += len(missing)
        result.doubled += doubles + len(extra)
        if missing or extra or wrong or doubles:
            result.problems.append(
                f"client {c.index} (room {c.room}): missing {missing[:10]} ({len(missing)}), extra {extra[:10]}, "
                f"different from the database {wrong[:10]}, doubled {doubles}"
            )
        for cid, seq in c.acked.items():
            if seq not in stored or stored[seq][1] != cid or stored[seq][2] != c.user_id:
                result.lost += 1  # an ack for a message that is not stored as acked: a lost message
                result.problems.append(f"client {c.index}: ack {cid} -> seq {seq} does not match the database")
        unanswered = [cid for cid in c.posted if cid not in c.acked and cid not in c.record.abandoned]
        if unanswered:
            result.problems.append(f"client {c.index}: {len(unanswered)} posts never acked, e.g. {unanswered[:3]}")
        if c.stats.ack_mismatches:
            result.problems.append(
                f"client {c.index}: one client_id acked with different seqs {c.stats.ack_mismatches}"
            )
        if c.stats.errors:
            result.problems.append(f"client {c.index}: unexpected frames {c.stats.errors[:5]}")
    posted = {cid for c in clients for cid in c.posted}
    abandoned = {cid for c in clients for cid in c.record.abandoned}
    twice = {cid: n for cid, n in stored_ids.items() if n > 1}
    if twice:
        result.doubled += sum(n - 1 for n in twice.values())
        result.problems.append(f"client_ids stored more than once: {list(twice.items())[:5]}")
    if not set(stored_ids) <= posted | world.initial:
        result.problems.append("messages stored that nobody posted")
    if missing_posts := (posted - abandoned) - set(stored_ids):
        result.problems.append(f"{len(missing_posts)} posts neither stored nor abandoned")
    if run is not None and not run.converged:
        result.problems.append(f"the clients did not converge in time (after {run.converge_seconds:.1f}s)")
    return result


def server_errors(world: World) -> str:
    return "\n".join(f"daphne :{s.port}:\n{s.log_tail(30)}" for s in world.servers if "Traceback" in s.log_text())


def finish(
    world: World, clients: list[FaultClient], run: Run, report: Any, *, scenario: str, recovery: float, notes: str
) -> None:
    result = tally(world, clients, run)
    report(
        scenario=scenario,
        clients=len(clients),
        messages=result.messages,
        lost=result.lost,
        doubled=result.doubled,
        recovery=recovery,
        notes=notes,
    )
    print(
        f"\n{scenario} (seed {world.seed}): {len(clients)} clients, {result.messages} messages, lost {result.lost}, "
        f"doubled {result.doubled}, recovery {recovery:.2f}s, posting {run.posting_seconds:.1f}s, "
        f"convergence {run.converge_seconds:.1f}s; {notes}"
    )
    assert not result.problems, "\n".join(result.problems[:30]) + "\n" + server_errors(world)
    assert result.lost == 0 and result.doubled == 0


# --- a. random drops ------------------------------------------------------------------------------------------


def test_a_random_drops_and_reconnects(world_factory: Callable[..., World], report: Any) -> None:
    world = world_factory(rooms=3, members=30)
    clients = world.clients(30, drop_every=(1.0, 3.0), drop_probability=0.35)
    run = asyncio.run(drive(clients, messages=400, rate=32, rng=world.rng))
    waits = sorted(s for c in clients for s in c.record.reconnect_seconds)
    assert waits, "no client reconnected"
    drops = sum(c.stats.drops for c in clients)
    p50 = waits[len(waits) // 2]
    finish(
        world,
        clients,
        run,
        report,
        scenario="a. random drops",
        recovery=waits[-1],
        notes=f"{drops} drops, {len(waits)} reconnects; reconnect to caught up: median {p50:.2f} s, max {waits[-1]:.2f} s",
    )


# --- b. kill -9 of one server process ---------------------------------------------------------------------


def test_b_kill_one_of_two_servers(world_factory: Callable[..., World], report: Any) -> None:
    world = world_factory(rooms=3, members=30)
    clients = world.clients(30, drop_probability=0.0)
    victim = world.servers[0]

    async def kill() -> dict[str, Any]:
        assert victim.proc is not None

        def victims() -> list[FaultClient]:
            return [c for c in clients if c.ws is not None and c.ws.remote_address[1] == victim.port]

        # Kill while the victim owes an ack: a post it may or may not have stored must be resent.
        await wait_until(lambda: any(cid in c.sent for c in victims() for cid in c.outbox), timeout=3, step=0.001)
        heads = snapshot(clients)
        on_victim = len(victims())
        killed_at = time.monotonic()
        victim.proc.send_signal(signal.SIGKILL)
        victim.proc.wait(timeout=10)
        await asyncio.sleep(0.05)  # the kernel has reset the victim's sockets
        recovered = await wait_until(all_hold(clients, heads), timeout=30)
        assert recovered is not None, "the clients did not all come back within 30 s of the kill"
        return {"recovery": time.monotonic() - killed_at - 0.0, "on_victim": on_victim}

    run = asyncio.run(drive(clients, messages=400, rate=32, rng=world.rng, fault=kill))
    moved = sum(1 for c in clients if len(c.record.ready_at) > 1)
    retried = sum(c.stats.retries for c in clients)
    finish(
        world,
        clients,
        run,
        report,
        scenario="b. kill -9 of 1 of 2 servers",
        recovery=run.fault["recovery"],
        notes=f"{run.fault['on_victim']} clients on the killed process, {moved} reconnected to the other; "
        f"{retried} posts resent with their client_id",
    )


# --- c. Redis restarted ---------------------------------------------------------------------------------------


def test_c_redis_restarted(world_factory: Callable[..., World], report: Any) -> None:
    """Redis dies (kill -9) and comes back empty; while it is down every client loses its socket
    (a network blip) and subscribes again, so both hubs re-join their rooms while the layer is down."""
    world = world_factory(rooms=4, members=36)
    everyone = world.clients(36, drop_probability=0.0)
    # Room 4's members open it only while Redis is down: no hub had joined its group before.
    late = [c for c in everyone if c.room == world.rooms[3]["room"]]
    clients = [c for c in everyone if c not in late]
    outage = 2.0

    async def restart_redis() -> dict[str, Any]:
        world.redis.kill()
        await asyncio.sleep(0.3)
        for c in clients:
            if c.ws is not None:
                c.ws.transport.abort()
        for c in late:
            c.start()
        await asyncio.sleep(outage - 0.3)
        world.redis.start()
        up = time.monotonic()
        heads = snapshot(everyone)
        recovered = await wait_until(all_hold(everyone, heads), timeout=20)
        assert recovered is not None, "delivery did not recover within 20 s of Redis coming back"
        return {"recovery": time.monotonic() - up}

    run = asyncio.run(drive(clients, messages=400, rate=32, rng=world.rng, fault=restart_redis, late=late))
    fetches = sum(c.stats.fetches for c in everyone)
    finish(
        world,
        everyone,
        run,
        report,
        scenario="c. Redis restarted",
        recovery=run.fault["recovery"],
        notes=f"Redis down {outage:.0f} s (kill -9, restart empty); every client reconnected during the outage "
        f"and {len(late)} opened a room no server had joined yet; "
        f"{fetches} gap fetches; recovery = Redis back to every client holding every earlier ack",
    )


# --- d. PostgreSQL restarted -------------------------------------------------------------------------------------


def test_d_postgres_restarted(world_factory: Callable[..., World], report: Any) -> None:
    world = world_factory(rooms=3, members=30)
    # Half the posts that get an error are given up, so we can check nothing was stored for them.
    clients = world.clients(30, drop_probability=0.0, abandon_on_error=lambda cid: int(cid[-1], 16) % 2 == 0)
    outage = 3.0
    window: dict[str, float] = {}

    async def restart_postgres() -> dict[str, Any]:
        window["down"] = time.monotonic()
        await asyncio.to_thread(world.pg.stop, "immediate")
        await asyncio.sleep(outage)
        await asyncio.to_thread(world.pg.start)
        up = window["up"] = time.monotonic()
        recovered = await wait_until(
            lambda: any(a.kind == "ack" and a.at > up for c in clients for al in c.record.answers.values() for a in al),
            timeout=30,
        )
        assert recovered is not None, "no post was acked within 30 s of PostgreSQL coming back"
        return {"recovery": recovered}

    run = asyncio.run(drive(clients, messages=300, rate=25, rng=world.rng, fault=restart_postgres))
    stored = {r[3] for r in world.stored()}
    errors = Counter(
        a.kind
        for c in clients
        for answers in c.record.answers.values()
        for a in answers
        if a.kind != "ack" and window["down"] <= a.at <= window["up"]
    )
    errors_after = Counter(
        a.kind
        for c in clients
        for answers in c.record.answers.values()
        for a in answers
        if a.kind != "ack" and a.at > window["up"]
    )
    abandoned = {cid for c in clients for cid in c.record.abandoned}
    assert errors["unavailable"] > 0, f"no post got 'unavailable' during the outage: {errors}"
    false_acks = [cid for c in clients for cid in c.acked if cid not in stored]
    assert not false_acks, f"acked but not stored: {false_acks[:5]}"
    stored_after_error = sorted(abandoned & stored)
    assert not stored_after_error, f"answered 'unavailable' (nothing saved) but stored: {stored_after_error[:5]}"
    finish(
        world,
        clients,
        run,
        report,
        scenario="d. PostgreSQL restarted",
        recovery=run.fault["recovery"],
        notes=f"PostgreSQL down {outage:.0f} s (immediate stop = crash); error frames during the outage "
        f"{dict(errors)}, after it {dict(errors_after)}; no false ack; {len(abandoned)} errored posts given up, "
        "none stored; recovery = PostgreSQL back to the first ack",
    )


# --- e. a client that stops reading -----------------------------------------------------------------------------------


def test_e_client_that_stops_reading(world_factory: Callable[..., World], report: Any) -> None:
    prefill = 300  # messages of ~8 KB already in room 1: each fetch asks the server for ~2.5 MB
    world = world_factory(processes=1, rooms=1, members=11, prefill=prefill)
    server = world.servers[0]
    assert server.proc is not None
    pid = server.proc.pid
    room = world.rooms[0]["room"]
    slow_member = world.members[10]
    clients = world.clients(10, drop_probability=0.0)
    outcome: dict[str, Any] = {}

    async def slow_reader() -> dict[str, Any]:
        held: dict[int, tuple[int, str, int | None]] = {}
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)  # the kernel holds little for us
        sock.connect(("127.0.0.1", server.port))
        base = rss_bytes(pid)
        peak = base
        async with connect(
            f"ws://127.0.0.1:{server.port}/ws/",
            sock=sock,
            additional_headers={"Cookie": slow_member["cookie"], "Origin": f"http://127.0.0.1:{server.port}"},
            max_queue=4,
            compression=None,
            proxy=None,
            close_timeout=2,
        ) as ws:
            await ws.send(json.dumps({"type": "subscribe", "room": room, "after_seq": 0, "ref": "s"}))
            while True:
                frame = json.loads(await ws.recv())
                if frame["type"] == "message":
                    held[frame["seq"]] = (frame["id"], frame["client_id"], frame["author"]["id"])
                if frame["type"] == "caught_up":
                    break
            # Stop reading; keep asking for the whole room, as fast as the read limit allows.
            stopped = time.monotonic()
            closed_after: float | None = None
            fetches = 0
            while time.monotonic() - stopped < 20:
                try:
                    await asyncio.wait_for(
                        ws.send(json.dumps({"type": "fetch", "room": room, "from_seq": 1, "to_seq": prefill})),
                        timeout=1,
                    )
                    fetches += 1
                except (ConnectionClosed, TimeoutError, OSError):
                    pass
                peak = max(peak, rss_bytes(pid))
                if ws.protocol.state.name in {"CLOSING", "CLOSED"} or ws.transport.is_closing():
                    closed_after = time.monotonic() - stopped
                    break
                await asyncio.sleep(0.05)
            # Read again: what is buffered, then the close frame (or a reset if the server gave up on us).
            code = None
            try:
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                    if frame["type"] == "message":
                        held.setdefault(frame["seq"], (frame["id"], frame["client_id"], frame["author"]["id"]))
            except ConnectionClosed as exc:
                code = exc.rcvd.code if exc.rcvd is not None else 1006
                if closed_after is None:
                    closed_after = time.monotonic() - stopped
            except TimeoutError:
                code = None
        return {
            "held": held,
            "base": base,
            "peak": peak,
            "code": code,
            "closed_after": closed_after,
            "fetches": fetches,
        }

    async def scenario() -> Run:
        slow = asyncio.create_task(slow_reader())
        run = await drive(clients, messages=150, rate=20, rng=world.rng)
        outcome.update(await slow)
        # Resume by seq: a normal client with what the slow one read before it was dropped.
        resumed = world.clients(11, drop_probability=0.0)[10]
        resumed.held.update(outcome["held"])
        resumed.chaos = False
        task = asyncio.create_task(resumed.run())
        head = max(r[1] for r in world.stored())
        took = await wait_until(lambda: resumed.ready and resumed.holds_all(head), timeout=30)
        outcome["resume"] = took
        outcome["resumed_from"] = max(outcome["held"], default=0)
        await resumed.stop()
        await asyncio.wait_for(task, timeout=10)
        outcome["resumed_client"] = resumed
        return run

    run = asyncio.run(scenario())
    growth = (outcome["peak"] - outcome["base"]) / 2**20
    resumed: FaultClient = outcome["resumed_client"]
    print(
        f"\nslow reader: {outcome['fetches']} fetches unread, RSS {outcome['base'] / 2**20:.0f} -> "
        f"{outcome['peak'] / 2**20:.0f} MiB, closed {outcome['code']} after {outcome['closed_after']}, "
        f"resumed from seq {outcome['resumed_from']} in {outcome['resume']}"
    )
    # The server closes with 4408, but the close frame waits behind the frames the client does
    # not read, so the client sees it only if it reads again within Autobahn's 1 s close
    # handshake timeout; after that the server aborts the connection (1006 at the client).
    assert outcome["code"] in {4408, 1006}, f"the slow reader was not dropped but saw {outcome['code']}"
    assert "with 4408: it did not read its frames" in server.log_text(), "the server did not close it with 4408"
    assert growth < 64, f"server RSS grew by {growth:.0f} MiB for one client that does not read"
    assert outcome["resume"] is not None, "the dropped client could not resume by seq"
    finish(
        world,
        [*clients, resumed],
        run,
        report,
        scenario="e. client stops reading",
        recovery=outcome["closed_after"],
        notes=f"server RSS {outcome['base'] / 2**20:.0f} -> peak {outcome['peak'] / 2**20:.0f} MiB while "
        f"{outcome['fetches']} fetches (~2.5 MB each) went unread; closed 4408 after {outcome['closed_after']:.1f} s "
        f"(the client saw {outcome['code']}; recovery column); resumed from seq {outcome['resumed_from']} and caught up in {outcome['resume']:.2f} s",
    )
