"""The load generator: asyncio + ``websockets``, one process, pinned by its parent.

Reads a JSON plan (path in argv[1]) and prints a JSON result. Two jobs:

- ``fanout``: open one socket per member (Kring: one per user, subscribed to its rooms
  with the protocol; baselines: one per room membership on ``/ws/<room>/``), then run
  rate steps. Each post carries ``b<send time ns>x<message id>`` in its body, so every
  receiver measures its own latency. A step passes when every expected delivery arrived,
  no error frame came back and p99 < the limit.
- ``idle``: open authenticated sockets in stages and read the server's RSS at each.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import sys
import time
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.common import cpu_seconds, machine_busy, raise_nofile, rss_bytes

TAG = re.compile(r"b(\d+)x(\d+)")
STEP_IDS = 1_000_000


class Sock:
    __slots__ = ("path", "rooms", "url", "user", "ws")

    def __init__(self, ws: ClientConnection, user: int, url: int, path: str, rooms: list[str]) -> None:
        self.ws = ws
        self.user = user
        self.url = url
        self.path = path
        self.rooms = rooms


async def close_all(socks: list[Sock]) -> None:
    """Close concurrently, bounded: a server that is still busy must not hold us up."""
    if socks:
        await asyncio.wait([asyncio.ensure_future(s.ws.close()) for s in socks], timeout=5)


class SubscribeTimeout(Exception):
    def __init__(self, message: str, socks: list[Sock]) -> None:
        super().__init__(message)
        self.socks = socks


class Run:
    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.kring = plan["mode"] == "kring"
        self.latencies: dict[int, list[float]] = {}
        self.received: dict[int, int] = {}
        self.received_by_url: dict[int, int] = {}
        self.acks: dict[int, int] = {}
        self.ack_latencies: dict[int, list[float]] = {}
        self.errors: list[str] = []
        self.error_count = 0
        self.caught_up = 0
        self.closed: list[Any] = []
        self.pending_acks: dict[str, tuple[int, int]] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    def spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # --- connecting --------------------------------------------------------------------------

    async def open(self, user: int, url_index: int, path: str, rooms: list[str]) -> Sock:
        plan = self.plan
        url = plan["urls"][url_index]
        headers = {}
        if self.kring:
            headers["Cookie"] = f"{plan['cookie_name']}={plan['sessions'][user]}"
        origin = url.replace("ws://", "http://")
        ws = await connect(
            url + path,
            additional_headers=headers,
            origin=origin,  # type: ignore[arg-type]
            compression=None,
            max_queue=None,
            ping_interval=None,
            open_timeout=60,
            max_size=2**22,
            # Spread the clients over 200 loopback source addresses (127.0.0.2-201), as
            # members behind many addresses: Kring limits handshakes per address.
            local_addr=(f"127.0.0.{2 + user % 200}", 0),
        )
        return Sock(ws, user, url_index, path, rooms)

    async def connect_all(self) -> list[Sock]:
        plan = self.plan
        rooms = plan["rooms"]
        todo: list[tuple[int, int, str, list[str]]] = []
        n_urls = len(plan["urls"])
        if self.kring:
            per_user: dict[int, list[str]] = {}
            for name in plan["scenario"]:
                for member in rooms[name]["members"]:
                    per_user.setdefault(member, []).append(name)
            for user, names in sorted(per_user.items()):
                todo.append((user, user % n_urls, "/ws/", names))
        else:
            for name in plan["scenario"]:
                for member in rooms[name]["members"]:
                    todo.append((member, member % n_urls, f"/ws/{name}/", [name]))
        gate = asyncio.Semaphore(plan.get("connect_concurrency", 50))

        async def one(item: tuple[int, int, str, list[str]]) -> Sock:
            async with gate:
                return await self.open(*item)

        # One socket alone first: Kring's hub is created by the first connection, and
        # connections racing it at start-up fail (see docs/performance.md).
        firsts: dict[int, tuple[int, int, str, list[str]]] = {}
        for item in todo:
            firsts.setdefault(item[1], item)
        deadline = time.monotonic() + plan.get("connect_timeout_s", 60)
        socks = [await one(item) for item in firsts.values()]
        await asyncio.sleep(0.2)
        warmed = {id(item) for item in firsts.values()}
        tasks = [asyncio.ensure_future(one(t)) for t in todo if id(t) not in warmed]
        done, pending = await asyncio.wait(tasks, timeout=max(1.0, deadline - time.monotonic()))
        for task in pending:
            task.cancel()
        socks += [t.result() for t in done if not t.cancelled() and t.exception() is None]
        failed = [repr(t.exception())[:200] for t in done if not t.cancelled() and t.exception() is not None]
        if pending or failed:
            raise SubscribeTimeout(
                f"only {len(socks)} of {len(todo)} sockets open after {plan.get('connect_timeout_s', 60)} s"
                + (f"; {len(failed)} failed, e.g. {failed[0]}" if failed else ""),
                socks,
            )
        for sock in socks:
            self.spawn(self.reader(sock))
        if self.kring:
            want = sum(len(s.rooms) for s in socks)
            refused = 0
            for sock in socks:
                for name in sock.rooms:
                    try:
                        await asyncio.wait_for(
                            sock.ws.send(json.dumps({"type": "subscribe", "room": rooms[name]["room"]})),
                            max(0.1, deadline - time.monotonic()),
                        )
                    except (TimeoutError, ConnectionClosed):
                        refused += 1
                if self.caught_up % 200 == 0:
                    await asyncio.sleep(0)
            deadline = max(deadline, time.monotonic() + 5)
            while self.caught_up < want and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            if self.caught_up < want:
                raise SubscribeTimeout(
                    f"{len(socks)} sockets open but only {self.caught_up} of {want} subscriptions caught up "
                    f"after {plan.get('connect_timeout_s', 60)} s"
                    + (f" ({refused} subscribe frames could not be sent: socket closed or blocked)" if refused else ""),
                    socks,
                )
        return list(socks)

    # --- receiving ---------------------------------------------------------------------------

    async def reader(self, sock: Sock) -> None:
        kring = self.kring
        latencies, received, by_url = self.latencies, self.received, self.received_by_url
        try:
            async for raw in sock.ws:
                now = time.time_ns()
                if not isinstance(raw, str):
                    continue
                if kring and not raw.startswith('{"type":"message"'):
                    self.control(raw, now)
                    continue
                match = TAG.search(raw)
                if match is None:
                    continue
                step = int(match.group(2)) // STEP_IDS
                received[step] = received.get(step, 0) + 1
                by_url[sock.url] = by_url.get(sock.url, 0) + 1
                latencies.setdefault(step, []).append((now - int(match.group(1))) / 1e6)
        except Exception as exc:  # a closed socket is a finding, not a crash
            self.closed.append(repr(exc)[:200])
        else:
            self.closed.append(f"closed {sock.ws.close_code}")

    def control(self, raw: str, now: int) -> None:
        if raw.startswith('{"type":"ack"'):
            frame = json.loads(raw)
            sent = self.pending_acks.pop(frame["client_id"], None)
            if sent is not None:
                step, t0 = sent
                self.acks[step] = self.acks.get(step, 0) + 1
                self.ack_latencies.setdefault(step, []).append((now - t0) / 1e6)
        elif raw.startswith('{"type":"caught_up"'):
            self.caught_up += 1
        elif raw.startswith('{"type":"error"'):
            self.error_count += 1
            self.pending_acks.pop(json.loads(raw).get("client_id", ""), None)
            if len(self.errors) < 5:
                self.errors.append(raw[:300])

    # --- sending -----------------------------------------------------------------------------

    def senders(self, socks: list[Sock]) -> list[tuple[str, list[Sock]]]:
        """Per room, the sockets that post: a few active talkers, on the post URL."""
        plan = self.plan
        by_room: dict[str, list[Sock]] = {}
        for sock in socks:
            if self.kring and sock.url != plan.get("post_via", 0):
                continue
            for name in sock.rooms:
                by_room.setdefault(name, []).append(sock)
        rate_per_room = plan["max_rate"] / len(plan["scenario"])
        talkers = max(plan.get("min_talkers", 5), math.ceil(rate_per_room / 3))
        return [(name, by_room[name][:talkers]) for name in plan["scenario"]]

    async def step(self, index: int, rate: float, seconds: float, talkers: list[tuple[str, list[Sock]]]) -> int:
        rooms = self.plan["rooms"]
        count = max(1, int(rate * seconds))
        start = time.monotonic() + 0.05
        cursor = [0] * len(talkers)
        sends = []
        for i in range(count):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            slot = i % len(talkers)
            name, group = talkers[slot]
            sock = group[cursor[slot] % len(group)]
            cursor[slot] += 1
            mid = index * STEP_IDS + i
            t = time.time_ns()
            body = f"b{t}x{mid}"
            if self.kring:
                cid = str(uuid.uuid4())
                self.pending_acks[cid] = (index, t)
                info = rooms[name]
                text = json.dumps(
                    {"type": "post", "room": info["room"], "topic": info["topic"], "body": body, "client_id": cid}
                )
            else:
                text = body
            sends.append(asyncio.ensure_future(sock.ws.send(text)))
            if len(sends) > 256:
                await asyncio.gather(*sends)
                sends.clear()
        await asyncio.gather(*sends)
        return count

    async def keepalive(self, socks: list[Sock]) -> None:
        while True:
            await asyncio.sleep(20)
            for sock in socks:
                try:
                    await sock.ws.send('{"type":"ping"}')
                except Exception:  # noqa: S112  (reader records the close)
                    continue

    async def fanout(self) -> dict[str, Any]:
        plan = self.plan
        rooms = plan["rooms"]
        t0 = time.monotonic()
        try:
            socks = await self.connect_all()
        except SubscribeTimeout as exc:
            await close_all(exc.socks)
            return {"error": str(exc), "connect_s": round(time.monotonic() - t0, 1), "steps": []}
        connect_s = time.monotonic() - t0
        if self.kring:
            self.spawn(self.keepalive(socks))
        talkers = self.senders(socks)
        size = {name: len(rooms[name]["members"]) for name in plan["scenario"]}
        per_message = sum(size[name] for name, _ in talkers) / len(talkers)
        pids = plan["server_pids"]
        limit = plan.get("p99_limit_ms", 250.0)
        steps = []
        budget_end = time.monotonic() + plan.get("budget_s", 120)
        skip_upto = 0.0
        ended = "rise"
        await asyncio.sleep(0.5)
        # Warm-up (step 0, not reported): the first posts pay one-off costs (imports, URL
        # conf, database connections, caches) that are not the steady state being measured.
        await self.step(0, plan["steps"][0]["rate"], 1.0, talkers)
        await asyncio.sleep(1.0)
        self.pending_acks.clear()
        queue = list(enumerate(plan["steps"], start=1))
        retried: set[int] = set()
        next_id = len(queue) + 1
        last_pass_rate = 0.0
        refinements = 0
        failing_rate = 0.0
        while queue:
            index, step = queue.pop(0)
            if time.monotonic() > budget_end:
                ended = "budget"
                break
            rate, seconds = step["rate"], step["seconds"]
            if index > 1 and rate <= skip_upto:
                continue
            # Let the previous step's backlog (posts not yet acked) clear first, bounded.
            # (baselines: until deliveries stop arriving for 0.3 s).
            settle_end = time.monotonic() + plan.get("settle_s", 15)
            last = -1
            while time.monotonic() < settle_end:
                now_total = sum(self.received.values())
                if not self.pending_acks and now_total == last:
                    break
                last = now_total
                await asyncio.sleep(0.3)
            self.pending_acks.clear()
            cpu0 = [cpu_seconds(p) for p in pids]
            busy0 = machine_busy()
            me0 = time.process_time()
            err0 = self.error_count
            sent = await self.step(index, rate, seconds, talkers)
            send_s = time.monotonic()
            expected_if_all = round(sent * per_message)
            deadline = send_s + plan.get("drain_s", 2.0)
            while time.monotonic() < deadline:
                done = self.received.get(index, 0) >= expected_if_all
                if self.kring:
                    done = done and self.acks.get(index, 0) + (self.error_count - err0) >= sent
                if done:
                    break
                await asyncio.sleep(0.02)
            cpu = sum(cpu_seconds(p) for p in pids) - sum(cpu0)
            busy1 = machine_busy()
            received = self.received.get(index, 0)
            acked = self.acks.get(index, 0) if self.kring else sent
            expected = round(acked * per_message)
            lat = sorted(self.latencies.get(index, []))
            acks = sorted(self.ack_latencies.get(index, []))
            errors = self.error_count - err0

            def pct(xs: list[float], q: float) -> float | None:
                return round(xs[min(len(xs) - 1, int(q * len(xs)))], 2) if xs else None

            row = {
                "step": step.get("name", f"{rate}/s"),
                "msgs_per_s": rate,
                "seconds": seconds,
                "sent": sent,
                "acked": acked,
                "errors": errors,
                "expected": expected,
                "received": received,
                "lost": max(0, expected - received),
                "deliveries_per_s": round(received / seconds, 1),
                "p50_ms": pct(lat, 0.50),
                "p95_ms": pct(lat, 0.95),
                "p99_ms": pct(lat, 0.99),
                "max_ms": round(lat[-1], 2) if lat else None,
                "ack_p50_ms": pct(acks, 0.5),
                "ack_p99_ms": pct(acks, 0.99),
                "server_cpu_s": round(cpu, 3),
                "cpu_us_per_delivery": round(1e6 * cpu / received, 1) if received else None,
                "machine_busy_pct": round(100 * (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]), 1),
                "loadgen_cpu_s": round(time.process_time() - me0, 3),
            }
            row["pass"] = bool(
                received >= expected_if_all and errors == 0 and row["p99_ms"] is not None and row["p99_ms"] < limit
            )
            steps.append(row)
            if row["pass"]:
                last_pass_rate = max(last_pass_rate, rate)
                if failing_rate and refinements < 2:  # a refinement passed: narrow above it
                    mid = round((rate + failing_rate) / 2)
                    if rate < mid < failing_rate:
                        refinements += 1
                        retried.add(f"{mid}/s (refine)")
                        queue = [(next_id, dict(step, name=f"{mid}/s (refine)", rate=mid))]
                        next_id += 1
            if not row["pass"] and step.get("stop_on_fail", True):
                if step["name"] not in retried:
                    # One retry: on a shared machine a single step can fail on noise.
                    retried.add(step["name"])
                    queue.insert(0, (next_id, dict(step, name=f"{step['name']} (retry)")))
                    retried.add(f"{step['name']} (retry)")
                    next_id += 1
                    await asyncio.sleep(plan.get("gap_s", 0.3))
                    continue
                # Rates double from step to step; narrow the ceiling down between the last
                # passing rate and this one (twice at most), so a ratio is not off by 2x.
                mid = round((last_pass_rate + rate) / 2)
                failing_rate = rate
                if refinements < 2 and last_pass_rate and last_pass_rate < mid < rate:
                    refinements += 1
                    name = f"{mid}/s (refine)"
                    retried.add(name)  # a refinement step gets no retry
                    queue = [(next_id, dict(step, name=name, rate=mid))]
                    next_id += 1
                    await asyncio.sleep(plan.get("gap_s", 0.3))
                    continue
                break
            if index == 1 and row["pass"]:
                skip_upto = rate  # the moderate rate passed: start rising above it
            await asyncio.sleep(plan.get("gap_s", 0.3))
        await close_all(socks)
        return {
            "sockets": len(socks),
            "connect_s": round(connect_s, 2),
            "recipients_per_message": per_message,
            "talkers_per_room": len(talkers[0][1]),
            "steps": steps,
            "ended": ended,
            "received_by_url": {str(k): v for k, v in sorted(self.received_by_url.items())},
            "errors_sample": self.errors,
            "closed_sample": self.closed[:3],
        }

    async def idle(self) -> dict[str, Any]:
        """Open authenticated sockets in stages; server RSS at each stage."""
        plan = self.plan
        pid = plan["server_pids"][0]
        socks: list[Sock] = []
        out = []
        gate = asyncio.Semaphore(plan.get("connect_concurrency", 50))
        rooms = plan.get("rooms") or []

        async def one(user: int) -> Sock:
            async with gate:
                sock = await self.open(user, 0, "/ws/" if self.kring else "/ws/idle/", [])
                self.spawn(self.reader(sock))
                if self.kring and rooms:
                    await sock.ws.send(json.dumps({"type": "subscribe", "room": rooms[user % len(rooms)]}))
                return sock

        # A few sockets first, so one-off costs (imports, pools, the hub) are in the base.
        socks.append(await one(0))
        await asyncio.sleep(0.2)
        socks += await asyncio.gather(*(one(u) for u in range(1, 10)))
        await asyncio.sleep(2)
        base_rss, base_n = rss_bytes(pid), len(socks)
        out.append({"sockets": base_n, "rss_mib": round(base_rss / 2**20, 1)})
        t0 = time.monotonic()
        stop_at = time.monotonic() + plan.get("open_budget_s", 150)
        for target in plan["counts"]:
            tasks = [asyncio.ensure_future(one(u)) for u in range(len(socks), target)]
            done, pending = await asyncio.wait(tasks, timeout=max(1.0, stop_at - time.monotonic()))
            for task in pending:
                task.cancel()
            socks += [t.result() for t in done if not t.cancelled() and t.exception() is None]
            deadline = time.monotonic() + 60
            if self.kring and rooms:
                while self.caught_up < len(socks) and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
            await asyncio.sleep(3)
            rss = rss_bytes(pid)
            out.append(
                {
                    "sockets": len(socks),
                    "rss_mib": round(rss / 2**20, 1),
                    "kib_per_socket": round((rss - base_rss) / 1024 / (len(socks) - base_n), 1),
                    "open_after_s": round(time.monotonic() - t0, 1),
                    "still_open": sum(1 for s in socks if s.ws.close_code is None),
                    "target": target,
                }
            )
            if len(socks) < target:
                break  # out of time: report what opened
        await close_all(socks)
        return {"stages": out, "errors_sample": self.errors, "closed_sample": self.closed[:3]}


async def main() -> None:
    with open(sys.argv[1]) as f:
        plan = json.load(f)
    run = Run(plan)
    result = await (run.fanout() if plan["job"] == "fanout" else run.idle())
    print(json.dumps(result))


if __name__ == "__main__":
    raise_nofile()
    asyncio.run(main())
