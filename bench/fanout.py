"""Fan-out, scale-out and idle-socket benchmarks: servers and load generator as subprocesses."""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import LOAD_CPUS, PY, ROOT, SERVER_CPUS, bench_env, free_port, spawn, stop, wait_port

LOGS = ROOT / "bench" / "results" / "logs"

APPS = {
    "kring": "config.asgi:application",
    "channels_chat": "bench.baselines.channels_chat:application",
    "asgi_hub": "bench.baselines.asgi_hub:application",
}


def server_env() -> dict[str, str]:
    env = bench_env()
    # Production-like: no debug cursor, no per-frame logging.
    env["DEBUG"] = "false"
    env["SECURE_SSL_REDIRECT"] = "false"
    env["LOG_LEVEL"] = "WARNING"
    return env


def server_cmd(app: str, server: str, port: int) -> list[str]:
    if app == "ws_broadcast":
        return [PY, "-m", "bench.baselines.ws_broadcast", str(port)]
    target = APPS[app]
    if server == "daphne":
        return [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "0", target]
    return [
        PY, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--no-access-log", "--lifespan", "off",
    ]  # fmt: skip


class Servers:
    """One or more server processes of one kind, each pinned, each on its own port."""

    def __init__(self, app: str, server: str, count: int = 1, cpus: list[set[int] | None] | None = None) -> None:
        self.app, self.server = app, server
        self.ports = [free_port() for _ in range(count)]
        self.cpus = cpus or [SERVER_CPUS] * count
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Servers:
        LOGS.mkdir(parents=True, exist_ok=True)
        for port, cpus in zip(self.ports, self.cpus, strict=True):
            log = LOGS / f"{self.app}-{self.server}-{port}.log"
            self.procs.append(spawn(server_cmd(self.app, self.server, port), cpus=cpus, env=server_env(), log=log))
        for port, proc in zip(self.ports, self.procs, strict=True):
            wait_port(port, 60, proc)
        time.sleep(0.5)
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            stop(proc)

    @property
    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{p}" for p in self.ports]

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]


def run_loadgen(plan: dict[str, Any], timeout: float, cpus: set[int] | None = None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(plan, f)
        path = f.name
    LOGS.mkdir(parents=True, exist_ok=True)
    err = LOGS / "loadgen.err"
    proc = subprocess.Popen(
        [PY, "-m", "bench.loadgen", path],
        cwd=ROOT,
        env=bench_env(),
        stdout=subprocess.PIPE,
        stderr=open(err, "ab"),  # noqa: SIM115
        preexec_fn=_pin(cpus if cpus is not None else LOAD_CPUS),
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"load generator timed out after {timeout}s"}
    finally:
        Path(path).unlink(missing_ok=True)
    if proc.returncode != 0:
        tail = err.read_text()[-600:] if err.exists() else ""
        return {"error": f"load generator exited {proc.returncode}: {tail}"}
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


def _pin(cpus: set[int] | None) -> Any:
    def run() -> None:
        import os

        from bench.common import raise_nofile

        raise_nofile()
        if cpus:
            os.sched_setaffinity(0, cpus)

    return run


# Rates per scenario: (moderate rate, rising rates in msg/s). The rise doubles up to
# 256,000 deliveries/s (big: 256 x 1,000, mid: 2,560 x 100, small: 25,600 x 10), well above
# any ceiling measured here (the fastest, the hub on uvicorn, passed the old top of 32,000/s),
# so each server's ladder ends at a failing step: a ceiling, not the top of the ladder.
LADDER: dict[str, tuple[int, list[int]]] = {
    "big": (2, [1, 2, 4, 8, 16, 32, 64, 128, 256]),
    "mid": (10, [2, 5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560]),
    "small": (100, [20, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600]),
}
# Talkers per room are sized from this rate (the old top), not the new one, so the moderate
# step posts from the same sockets as before and its figures stay comparable.
TALKER_RATE = {"big": 64, "mid": 1280, "small": 3200}
STEP_SECONDS = 2.0
# What one step costs in wall time besides its sending: the drain (1.5 s), settling the
# backlog and the gap; a failing step often settles for several seconds.
STEP_OVERHEAD_S = 3.0
# Steps a ladder can add to its rise: one retry of a failing step and two refinements.
EXTRA_STEPS = 3


def rate_steps(scenario: str, quick: bool) -> list[dict[str, Any]]:
    seconds = STEP_SECONDS
    moderate, rising = LADDER[scenario]
    steps = [{"name": f"moderate {moderate}/s", "rate": moderate, "seconds": seconds, "stop_on_fail": False}]
    steps += [{"name": f"{r}/s", "rate": r, "seconds": seconds} for r in rising]
    return steps


def ladder_budget(scenario: str, cap: float = 0) -> float:
    """Seconds for one fan-out run's steps: every step of the ladder plus a retry and two
    refinements, so that time runs out only when a server passes the whole ladder; ``cap``
    (when set) bounds it. Rises end at their first failure, so most runs use far less."""
    moderate, rising = LADDER[scenario]
    runs = 1 + len([r for r in rising if r > moderate]) + EXTRA_STEPS
    need = runs * (STEP_SECONDS + STEP_OVERHEAD_S)
    return min(need, cap) if cap else need


def scenario_rooms(fixture: dict[str, Any], scenario: str) -> list[str]:
    if scenario == "big":
        return ["big"]
    if scenario == "mid":
        return ["mid"]
    return [name for name in fixture["rooms"] if name.startswith("s")]


def summarize(result: dict[str, Any]) -> dict[str, Any]:
    """Best passing step, and the moderate step's latencies and CPU per delivery."""
    steps = result.get("steps") or []
    if not steps:
        return {"error": result.get("error", "no steps ran"), "connect_s": result.get("connect_s")}
    moderate = steps[0]
    passing = [s for s in steps if s["pass"]]  # the moderate step counts when it passed
    best = max(passing, key=lambda s: s["deliveries_per_s"]) if passing else None
    # What ended the rise: the lowest failing rate above the best passing one (after
    # refinements the last step may be a passing one between them).
    above = [s for s in steps[1:] if not s["pass"] and (best is None or s["msgs_per_s"] > best["msgs_per_s"])]
    failed = min(above, key=lambda s: s["msgs_per_s"]) if above else None
    ceiling_found = failed is not None
    if failed is None and result.get("ended") == "budget":
        failed = {"msgs_per_s": "-", "budget": True}
    return {
        "sockets": result["sockets"],
        "connect_s": result["connect_s"],
        "max_deliveries_per_s": best["deliveries_per_s"] if best else 0.0,
        "max_msgs_per_s": best["msgs_per_s"] if best else 0,
        # False when the server passed every step it had time for: the figure is a floor.
        "ceiling_found": ceiling_found,
        "ladder_top_msgs_per_s": max(s["msgs_per_s"] for s in steps),
        "first_failing": (
            {k: failed.get(k) for k in ("msgs_per_s", "deliveries_per_s", "p99_ms", "lost", "errors", "budget")}
            if failed
            else None
        ),
        "moderate": {
            k: moderate[k]
            for k in ("msgs_per_s", "deliveries_per_s", "p50_ms", "p95_ms", "p99_ms", "lost", "errors", "pass")
        }
        | {"cpu_us_per_delivery": moderate["cpu_us_per_delivery"], "ack_p50_ms": moderate["ack_p50_ms"]},
        "cpu_us_per_delivery_at_max": best["cpu_us_per_delivery"] if best else None,
        # Load generator CPU share in the step that ended the rise: near 1.0 means the
        # ceiling found may be the load generator's, not the server's.
        "loadgen_busy_at_end": round(steps[-1]["loadgen_cpu_s"] / (steps[-1]["seconds"] + 1.5), 2),
        "server_cpu_share_at_end": round(steps[-1]["server_cpu_s"] / (steps[-1]["seconds"] + 1.5), 2),
    }


def fanout_one(
    fixture: dict[str, Any], app: str, server: str, scenario: str, quick: bool, budget_s: float, connect_s: float = 50
) -> dict[str, Any]:
    from django.conf import settings

    names = scenario_rooms(fixture, scenario)
    mode = "kring" if app == "kring" else "plain"
    steps = rate_steps(scenario, quick)
    with Servers(app, server) as servers:
        plan = {
            "job": "fanout",
            "mode": mode,
            "urls": servers.urls,
            "server_pids": servers.pids,
            "sessions": fixture["sessions"],
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "rooms": {n: fixture["rooms"][n] for n in names},
            "scenario": names,
            "steps": steps,
            "max_rate": TALKER_RATE[scenario],
            "budget_s": budget_s,
            "drain_s": 1.5,
            "connect_timeout_s": connect_s,
        }
        started = time.monotonic()
        result = run_loadgen(plan, timeout=budget_s + 240)
        result["wall_s"] = round(time.monotonic() - started, 1)
    result["summary"] = summarize(result)
    return result


def scaleout(fixture: dict[str, Any], server: str, quick: bool, budget_s: float) -> dict[str, Any]:
    """Kring on 1 and 2 processes behind the same Redis; posts go through process A only."""
    from django.conf import settings

    out: dict[str, Any] = {}
    for count in (1, 2):
        cpus: list[set[int] | None] = [SERVER_CPUS] if count == 1 else [SERVER_CPUS, LOAD_CPUS]
        with Servers("kring", server, count, cpus) as servers:
            names = ["mid"]
            steps = rate_steps("mid", quick)
            plan = {
                "job": "fanout",
                "mode": "kring",
                "urls": servers.urls,
                "server_pids": servers.pids,
                "sessions": fixture["sessions"],
                "cookie_name": settings.SESSION_COOKIE_NAME,
                "rooms": {n: fixture["rooms"][n] for n in names},
                "scenario": names,
                "steps": steps,
                "max_rate": TALKER_RATE["mid"],
                "budget_s": budget_s,
                "drain_s": 1.5,
                "post_via": 0,
            }
            # With two servers the load generator cannot have a core of its own.
            result = run_loadgen(plan, timeout=budget_s + 240, cpus=None if count == 2 else LOAD_CPUS)
        result["summary"] = summarize(result)
        out[f"{count}_process"] = result
    return out


def idle_sockets(
    fixture: dict[str, Any], app: str, server: str, counts: list[int], budget_s: float = 120
) -> dict[str, Any]:
    from django.conf import settings

    with Servers(app, server) as servers:
        plan = {
            "job": "idle",
            "mode": "kring" if app == "kring" else "plain",
            "urls": servers.urls,
            "server_pids": servers.pids,
            "sessions": fixture["sessions"],
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "counts": counts,
            "open_budget_s": budget_s,
            # Authenticated (hello received), no subscription: a subscribe per socket would
            # add presence frames and DB work that make 5,000 sockets too slow to open.
            "rooms": [],
        }
        return run_loadgen(plan, timeout=budget_s + 120)
