"""End to end: 2 Daphne processes sharing Redis, 50 real WebSocket clients in 5 rooms.

The clients drop and reconnect at random (to either process) while 2,000 messages are
posted with retries; afterwards every client must hold every message of its room exactly
once, in seq order, and the database must hold each posted client_id exactly once.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from forum import services
from forum.models import Membership, MembershipState, Message, Room
from tests.realtime.e2e_support import DaphneServer, E2EClient, run_clients, server_env

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

PROCESSES = 2
ROOMS = 5
CLIENTS_PER_ROOM = 10
# Overridable for a quick local look; CI runs the figures of issue 4.
MESSAGES = int(os.environ.get("KRING_E2E_MESSAGES", "2000"))
RATE = float(os.environ.get("KRING_E2E_RATE", "50"))  # posts per second, over all clients
POSTING_TIMEOUT = 100.0  # a machine that cannot post 2,000 in this time fails the test, saying so


def _isolate_ids() -> None:
    """Start user and room ids at a random offset.

    Redis pub/sub channels are shared by every database number, so another test run on the
    same Redis (with its own test database) would publish to ``room.1`` and ``user.1`` too.
    """
    from accounts.models import User

    offset = random.randrange(10_000_000, 2_000_000_000)
    with connection.cursor() as cursor:
        for model in (User, Room):
            table = model._meta.db_table
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, offset])


def _session_cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_two_processes_fifty_clients_lose_nothing_and_double_nothing(make_user: Any, tmp_path: Path) -> None:
    _isolate_ids()
    owner = make_user(name="Eigenaar")
    community = services.create_community(
        actor=owner, name="Kring e2e", kind="hub", description="d", waaromvraag="w", visibility="on_request"
    )
    rooms = []
    for r in range(ROOMS):
        room = services.create_room(actor=owner, community=community, name=f"Zaal {r + 1}")
        topic = services.create_topic(actor=owner, room=room, title=f"Onderwerp {r + 1}")
        rooms.append((room, topic))

    members = []
    for i in range(ROOMS * CLIENTS_PER_ROOM):
        user = make_user(name=f"Lid {i + 1}")
        Membership.objects.create(community=community, user=user, state=MembershipState.ACTIVE)
        members.append(user)
    cookies = [_session_cookie(user) for user in members]

    database_url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    env = server_env(database_url=database_url, redis_url=settings.REDIS_URL)
    servers = [DaphneServer(env, tmp_path / f"daphne-{n}.log") for n in range(PROCESSES)]
    rng = random.Random()
    seed = rng.randrange(1 << 30)
    rng.seed(seed)
    started = time.monotonic()
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_healthy()
        ports = [s.port for s in servers]
        clients = [
            E2EClient(
                index=i,
                user_id=user.pk,
                room=rooms[i % ROOMS][0].pk,
                topic=rooms[i % ROOMS][1].pk,
                cookie=cookies[i],
                ports=ports,
                rng=random.Random(rng.randrange(1 << 30)),
            )
            for i, user in enumerate(members)
        ]
        result = asyncio.run(
            run_clients(
                clients,
                messages=MESSAGES,
                rate=RATE,
                rng=rng,
                max_in_flight=25,
                posting_timeout=POSTING_TIMEOUT,
                converge_timeout=30,
            )
        )
    finally:
        for server in servers:
            server.stop()
    elapsed = time.monotonic() - started

    # --- the database: seqs 1..N per room, one message per posted client_id -----------------------
    posted = [cid for c in clients for cid in c.posted]
    rows = list(
        Message.objects.filter(room__in=[r.pk for r, _ in rooms]).values_list(
            "room_id", "seq", "id", "client_id", "author_id"
        )
    )
    by_room: dict[int, dict[int, tuple[int, str, int]]] = {r.pk: {} for r, _ in rooms}
    for room_id, seq, pk, client_id, author_id in rows:
        by_room[room_id][seq] = (pk, str(client_id), author_id)
    db_client_ids = Counter(str(row[3]) for row in rows)

    problems: list[str] = []
    print(
        f"\ne2e seed={seed}: {len(clients)} clients on {PROCESSES} processes, {len(posted)} posts, "
        f"{len(rows)} messages stored; posting {result.posting_seconds:.1f}s "
        f"({len(posted) / max(result.posting_seconds, 0.001):.0f}/s), convergence "
        f"{result.converge_seconds:.1f}s, run {result.duration:.1f}s, test {elapsed:.1f}s"
    )
    for room, _topic in rooms:
        stored = by_room[room.pk]
        head = len(stored)
        if sorted(stored) != list(range(1, head + 1)):
            problems.append(f"room {room.pk}: seqs in the database are not 1..{head}")
        members_here = [c for c in clients if c.room == room.pk]
        lost = doubled = 0
        for c in members_here:
            missing = [s for s in range(1, head + 1) if s not in c.held]
            extra = [s for s in c.held if s not in stored]
            wrong = [s for s, v in c.held.items() if s in stored and stored[s] != v]
            held_ids = Counter(v[1] for v in c.held.values())
            doubles = sum(n - 1 for n in held_ids.values() if n > 1)
            lost += len(missing)
            doubled += doubles + len(extra)
            if missing or extra or wrong or doubles:
                problems.append(
                    f"client {c.index} (room {room.pk}): missing {missing[:10]}{'…' if len(missing) > 10 else ''} "
                    f"({len(missing)}), extra {extra[:10]}, different from the database {wrong[:10]}, "
                    f"doubled {doubles}"
                )
            unacked = [cid for cid in c.posted if cid not in c.acked]
            if unacked:
                problems.append(f"client {c.index}: {len(unacked)} posts never acked, e.g. {unacked[:3]}")
            for cid, seq in c.acked.items():
                if seq not in stored or stored[seq][1] != cid or stored[seq][2] != c.user_id:
                    problems.append(f"client {c.index}: ack {cid} -> seq {seq} does not match the database")
            if c.stats.ack_mismatches:
                problems.append(
                    f"client {c.index}: the same client_id acked with different seqs {c.stats.ack_mismatches}"
                )
            if c.stats.errors:
                problems.append(f"client {c.index}: unexpected frames {c.stats.errors[:5]}")
        stats = [c.stats for c in members_here]
        print(
            f"  room {room.pk}: clients {len(members_here)}, messages {head}, lost {lost}, doubled {doubled}, "
            f"reconnects {sum(max(0, s.connects - 1) for s in stats)} (drops {sum(s.drops for s in stats)}, "
            f"failed handshakes {sum(s.connect_failures for s in stats)}), duplicates dropped "
            f"{sum(s.duplicates for s in stats)}, gaps {sum(s.gaps for s in stats)}, fetches "
            f"{sum(s.fetches for s in stats)}, resyncs {sum(s.resyncs for s in stats)}, retried posts "
            f"{sum(s.retries for s in stats)}"
        )
    codes: Counter[int] = Counter()
    for c in clients:
        codes.update(c.stats.close_codes)
    print(f"  close codes seen by clients: {dict(codes)}")
    cpu = sum(s.cpu_seconds for s in servers)
    print(
        f"  server CPU {cpu:.1f}s over {PROCESSES} processes, {cpu * 1000 / max(1, len(rows)):.1f} ms per stored message"
    )
    for server in servers:
        log = server.log_text()
        if "Traceback" in log or " ERROR " in log:
            print(f"  daphne :{server.port} logged errors:\n{server.log_tail(60)}")

    doubles_in_db = {cid: n for cid, n in db_client_ids.items() if n > 1}
    if doubles_in_db:
        problems.append(f"client_ids stored more than once: {list(doubles_in_db.items())[:5]}")
    if len(rows) != len(set(posted)):
        problems.append(f"{len(rows)} messages stored for {len(set(posted))} distinct posted client_ids")
    if set(db_client_ids) != set(posted):
        problems.append("the stored client_ids are not the posted ones")
    if not result.converged:
        problems.append("the clients did not converge before the deadline")
    if len(posted) != MESSAGES:
        problems.insert(
            0,
            f"only {len(posted)} of {MESSAGES} posts made in {result.posting_seconds:.0f}s "
            f"({len(posted) / max(result.posting_seconds, 0.001):.0f}/s, load average {os.getloadavg()[0]:.1f}): "
            "the servers were too slow on this machine",
        )
    assert not problems, "\n".join(problems[:40])
