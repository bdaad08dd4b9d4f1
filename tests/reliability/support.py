"""Private services and instrumented clients for the fault tests.

The fault tests kill and restart Redis and PostgreSQL, so they never touch the shared
instances on 5432 and 6379: each test session starts its own PostgreSQL cluster and each
scenario its own redis-server, on free loopback ports, and removes them afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from typing import Any

from tests.realtime.e2e_support import REPO, E2EClient, free_port

IS_ROOT = os.geteuid() == 0


# --- Redis ---------------------------------------------------------------------------------------------


def redis_binary() -> str | None:
    return shutil.which("redis-server")


class PrivateRedis:
    """A ``redis-server`` subprocess on a free port, without persistence; restartable on the same port."""

    def __init__(self, log_path: Path) -> None:
        binary = redis_binary()
        assert binary is not None
        self.binary = binary
        self.port = free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"redis-server exited with {self.proc.returncode}: {self.log_path.read_text()[-2000:]}"
                )
            time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not answer within {timeout}s")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """``kill -9``: every connection is cut, every pub/sub subscription is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# --- PostgreSQL ----------------------------------------------------------------------------------------


def postgres_bindir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb and pg_ctl, else the one on PATH."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (trust auth, loopback only, fsync off) on a free port.

    initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` user
    and its commands run through ``runuser``.
    """

    TEMPLATE = "kring_faults_template"

    def __init__(self) -> None:
        bindir = postgres_bindir()
        assert bindir is not None
        self.bindir = bindir
        self.port = free_port()
        self.base = Path(tempfile.mkdtemp(prefix="kring-faults-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "postgres.log"
        if IS_ROOT:
            shutil.chown(self.base, "postgres", "postgres")
        self.base.chmod(0o755)
        self.databases = 0

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if IS_ROOT:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self._run("initdb", "--version")

    def start(self) -> None:
        # fsync=off is safe here (a killed server loses nothing the OS has); synchronous_commit
        # stays on: with it off, a crash loses commits that were already acknowledged.
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: every backend is killed, the next start runs crash recovery."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def execute(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def query(self, sql: str, database: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), connect_timeout=5) as conn:
            return list(conn.execute(sql, params).fetchall())  # type: ignore[arg-type]

    def prepare(self) -> None:
        """initdb, start and migrate the template; or copy a cluster migrated earlier with the same migrations.

        The copy lives in the temp directory, keyed by the PostgreSQL version and the contents of
        every migration file (``KRING_FAULTS_PG_CACHE=0`` turns it off).
        """
        cache = Path(tempfile.gettempdir()) / f"kring-faults-pgcache-{migrations_key(self.bindir)}"
        use_cache = os.environ.get("KRING_FAULTS_PG_CACHE", "1") != "0"
        if use_cache and (cache / "PG_VERSION").exists():
            shutil.copytree(cache, self.data, symlinks=True)
            if IS_ROOT:
                subprocess.run(["chown", "-R", "postgres:postgres", str(self.data)], check=True)
            self.data.chmod(0o700)
            self.start()
            return
        self.init()
        self.start()
        self.migrate_template()
        if use_cache:
            self.stop("fast")
            partial = cache.with_name(cache.name + f".{os.getpid()}")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(self.data, partial, symlinks=True)
            with contextlib.suppress(OSError):  # another run got there first
                partial.rename(cache)
            shutil.rmtree(partial, ignore_errors=True)
            for old in cache.parent.glob("kring-faults-pgcache-*"):  # caches for older migrations
                if old.name != cache.name and "." not in old.name:
                    shutil.rmtree(old, ignore_errors=True)
            self.start()

    def migrate_template(self) -> None:
        self.execute(f"CREATE DATABASE {self.TEMPLATE}")
        env = base_env(database_url=self.url(self.TEMPLATE), redis_url="")
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")

    def new_database(self) -> str:
        """A fresh, migrated database: a copy of the template, made in a moment."""
        self.databases += 1
        name = f"kring_faults_{self.databases}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return name

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            if self.running():
                self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def migrations_key(bindir: Path) -> str:
    digest = hashlib.sha256(str(bindir).encode())
    for path in sorted(REPO.glob("*/migrations/*.py")):
        digest.update(path.relative_to(REPO).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- environment, seeding, measuring ----------------------------------------------------------------------


def base_env(*, database_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX"}}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEBUG": "true",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def seed(database_url: str, *, rooms: int, members: int, prefill: int = 0, prefill_chars: int = 8000) -> dict[str, Any]:
    spec = {"rooms": rooms, "members": members, "prefill": prefill, "prefill_chars": prefill_chars}
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.seed", json.dumps(spec)],
        cwd=REPO,
        env=base_env(database_url=database_url, redis_url=""),
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


# --- clients that keep a record ----------------------------------------------------------------------------


@dataclass
class Answer:
    at: float
    kind: str  # "ack" or an error code
    seq: int | None = None


@dataclass
class Record:
    """What one client saw, with times, for the recovery figures and the outage checks."""

    answers: dict[str, list[Answer]] = field(default_factory=dict)  # client_id -> answers in order
    sent_at: dict[str, list[float]] = field(default_factory=dict)
    session_ended: list[float] = field(default_factory=list)
    ready_at: list[float] = field(default_factory=list)
    reconnect_seconds: list[float] = field(default_factory=list)  # socket lost -> subscribed and caught up
    abandoned: set[str] = field(default_factory=set)  # posts given up after an error (never resent)
    received_at: dict[int, float] = field(default_factory=dict)  # seq -> first arrival


class FaultClient(E2EClient):
    """``E2EClient`` that records its answers and times, and copes with a missing database.

    An ``unavailable`` answer to ``subscribe`` or ``fetch`` is retried after a pause, as the
    protocol says; with ``abandon_on_error`` a post answered with an error is given up
    (never resent), so the test can check that nothing was stored for it.
    """

    RETRY_PAUSE = 0.3

    def __init__(self, *args: Any, abandon_on_error: Callable[[str], bool] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = Record()
        self.abandon_on_error = abandon_on_error
        self._lost_at: float | None = None
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start a client that was held back (a late joiner)."""
        self.running = True
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def _session(self, ws: Any) -> None:
        try:
            await super()._session(ws)
        finally:
            now = time.monotonic()
            self.record.session_ended.append(now)
            self._lost_at = now

    async def _send_post(self, frame: dict[str, Any]) -> None:
        self.record.sent_at.setdefault(frame["client_id"], []).append(time.monotonic())
        await super()._send_post(frame)

    async def _on_frame(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "caught_up" and not self.ready:
            now = time.monotonic()
            self.record.ready_at.append(now)
            if self._lost_at is not None:
                self.record.reconnect_seconds.append(now - self._lost_at)
                self._lost_at = None
        elif frame["type"] == "message" and frame.get("room") == self.room:
            self.record.received_at.setdefault(frame["seq"], time.monotonic())
        await super()._on_frame(frame)

    def _on_ack(self, frame: dict[str, Any]) -> None:
        self.record.answers.setdefault(frame["client_id"], []).append(Answer(time.monotonic(), "ack", frame["seq"]))
        super()._on_ack(frame)

    async def _on_error(self, frame: dict[str, Any]) -> None:
        ref = frame.get("ref") or ""
        code = frame.get("code") or "?"
        if ref.startswith("p:"):
            client_id = ref[2:]
            self.record.answers.setdefault(client_id, []).append(Answer(time.monotonic(), code))
            if (
                code == "unavailable"
                and self.abandon_on_error is not None
                and client_id in self.outbox
                and self.abandon_on_error(client_id)
            ):
                self.outbox.pop(client_id, None)
                self.record.abandoned.add(client_id)
                return
        elif code in {"unavailable", "internal"} and ref == "s":
            self._spawn(self._resubscribe_later(self.ws))
            return
        elif code in {"unavailable", "internal"} and ref == "f":
            self._spawn(self._refetch_later(self.RETRY_PAUSE, self.ws))
            return
        await super()._on_error(frame)

    async def _resubscribe_later(self, ws: Any) -> None:
        await asyncio.sleep(self.RETRY_PAUSE)
        if self.ws is ws and ws is not None:
            after = max(self.held, default=0)
            await self._send({"type": "subscribe", "room": self.room, "after_seq": after, "ref": "s"})


def acked_head(clients: list[FaultClient], room: int) -> int:
    return max((seq for c in clients if c.room == room for seq in c.acked.values()), default=0)
