"""Run Kring's benchmarks beside their baselines: ``python -m bench.run`` (``make bench``).

Starts its own servers on free loopback ports (PostgreSQL and Redis from DATABASE_URL /
REDIS_URL, else a ``kring_bench`` database and Redis db 9), loads synthetic data, prints
a table with ratios and writes ``bench/results/<timestamp>.json`` and ``latest.json``.

    python -m bench.run --quick                  # a few minutes, smaller sizes
    python -m bench.run --only fanout --servers uvicorn --scenarios mid
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from typing import Any

from bench.common import LOAD_CPUS, NCPU, ROOT, SERVER_CPUS, bench_env, loadavg

RESULTS = ROOT / "bench" / "results"
ALL = [
    "fanout",
    "scaleout",
    "idle",
    "posting",
    "history",
    "directory",
    "matching",
    "knowledge",
    "passport",
    "monitoring",
    "meetings",
    "lighthouse",
]
APPS = ["kring", "channels_chat", "asgi_hub", "ws_broadcast"]

# Targets from issue 7.
TARGET_FANOUT_VS_HUB = 0.7
TARGET_BIG_ROOM_RATE = {"daphne": 4, "uvicorn": 15}
TARGET_IDLE_KIB = 30
TARGET_TOPIC_P95_MS = 30
TARGET_SUGGEST_MS = 200
TARGET_ROUND_RATIO = 2.0


def machine() -> dict[str, Any]:
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    return {
        "nproc": NCPU,
        "cpu": model,
        "ram_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "server_cpus": sorted(SERVER_CPUS),
        "loadgen_cpus": sorted(LOAD_CPUS),
        "loadavg_at_start": loadavg(),
    }


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {msg}", flush=True)


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes and short steps (a few minutes)")
    p.add_argument("--only", default=",".join(ALL), help=f"comma list of: {','.join(ALL)}")
    p.add_argument("--servers", default="daphne,uvicorn")
    p.add_argument("--apps", default=",".join(APPS))
    p.add_argument("--scenarios", default="big,mid,small", help="big=1x1000, mid=1x100, small=100x10")
    p.add_argument("--big-room", type=int, default=1000, help="members in the big room")
    p.add_argument("--history", default="", help="room sizes for the history benchmark, e.g. 10000,1000000")
    p.add_argument("--idle", default="", help="socket counts for the idle-socket benchmark")
    p.add_argument(
        "--step-budget", type=float, default=0,
        help="cap on seconds of rate steps per fan-out run (default: the whole ladder, see fanout.ladder_budget)",
    )  # fmt: skip
    p.add_argument(
        "--all-servers", action="store_true", help="scale-out and idle sockets on every server, not the first"
    )
    p.add_argument("--lighthouse-runs", type=int, default=1, help="Lighthouse runs per page (the median is kept)")
    p.add_argument("--lighthouse-preset", default="mobile", choices=["mobile", "desktop"])
    p.add_argument("--budget", type=float, default=870, help="seconds for the whole run; what does not fit is skipped")
    return p.parse_args()


def main() -> int:
    args = parse()
    for key, value in bench_env().items():
        os.environ.setdefault(key, value)
    only = [x for x in args.only.split(",") if x]
    servers = [x for x in args.servers.split(",") if x]
    apps = [x for x in args.apps.split(",") if x]
    scenarios = [x for x in args.scenarios.split(",") if x]
    quick = args.quick
    history_sizes = [int(x) for x in args.history.split(",") if x] or (
        [10_000, 100_000] if quick else [10_000, 1_000_000]
    )
    idle_counts = [int(x) for x in args.idle.split(",") if x] or ([1000] if quick else [1000, 5000])
    step_cap = args.step_budget
    # What a scale-out run reserves (the mid ladder ends near 100-300 msg/s on Kring).
    step_budget = fanout_ladder_typical = 30.0
    started = time.monotonic()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out: dict[str, Any] = {
        "started_utc": stamp,
        "commit": git_commit(),
        "quick": quick,
        "machine": machine(),
        "database": os.environ["DATABASE_URL"].split("@")[-1],
        "redis": os.environ["REDIS_URL"].split("@")[-1],
        "results": {},
    }
    res = out["results"]
    res["big_room"] = args.big_room
    log(f"machine: {out['machine']}")
    from bench import data

    data.setup_django()
    log(f"database ready ({time.monotonic() - started:.0f}s)")
    fixture = None
    if {"fanout", "scaleout", "idle"} & set(only):
        users = max(args.big_room, 100, 1000, max(idle_counts) if "idle" in only else 0)
        fixture = data.fanout_fixture(users, 100, 10)
        members = fixture["rooms"]["big"]["members"]
        fixture["rooms"]["big"]["members"] = members[: args.big_room]
        log(f"fan-out fixture: {users} users with sessions ({time.monotonic() - started:.0f}s)")

    def save() -> None:
        out["elapsed_s"] = round(time.monotonic() - started, 1)
        out["loadavg_at_end"] = loadavg()
        RESULTS.mkdir(parents=True, exist_ok=True)
        text = json.dumps(out, indent=1, ensure_ascii=False)
        (RESULTS / f"{stamp}.json").write_text(text)
        (RESULTS / "latest.json").write_text(text)

    deadline = started + args.budget
    skipped: list[str] = []
    out["skipped"] = skipped

    def time_left(need: float, what: str) -> bool:
        """Whether ``what`` (about ``need`` seconds) still fits in the run's time budget."""
        if time.monotonic() + need <= deadline:
            return True
        skipped.append(what)
        log(f"skipped (time budget): {what}")
        return False

    from bench import fanout

    def fanout_scenario(scenario: str) -> None:
        assert fixture is not None
        res.setdefault("fanout", {})
        for app in apps:
            for server in servers if app != "ws_broadcast" else ["websockets"]:
                key = f"{scenario}/{app}/{server}"
                connect = (30 if scenario == "big" else 50) if app == "kring" else 30
                # Reserve a typical ladder (rises end at their ceiling, most well before the
                # top); a run may take up to its whole ladder, but never past the deadline.
                if not time_left(fanout_ladder_typical + connect / 2, f"fan-out {key}"):
                    continue
                budget = min(fanout.ladder_budget(scenario, step_cap), deadline - time.monotonic() - connect)
                log(f"fan-out {key} (steps budget {budget:.0f}s) …")
                try:
                    result = fanout.fanout_one(fixture, app, server, scenario, quick, budget, connect)
                except Exception as exc:  # one broken server must not end the run
                    result = {"error": repr(exc), "summary": {"error": repr(exc)}}
                res["fanout"][key] = result
                log(f"  {json.dumps(result['summary'])[:400]}")
                save()

    if "fanout" in only and "mid" in scenarios:
        fanout_scenario("mid")
    if "fanout" in only and "big" in scenarios:
        fanout_scenario("big")
    if "fanout" in only and "small" in scenarios:
        fanout_scenario("small")
    if "scaleout" in only:
        assert fixture is not None
        res["scaleout"] = {}
        for server in servers[:1] if not args.all_servers else servers:
            if not time_left(2 * step_budget + 20, f"scale-out {server}"):
                continue
            log(f"scale-out kring on {server} …")
            try:
                res["scaleout"][server] = fanout.scaleout(fixture, server, quick, fanout.ladder_budget("mid", step_cap))
            except Exception as exc:
                res["scaleout"][server] = {"error": repr(exc)}
            for k, v in res["scaleout"][server].items():
                if isinstance(v, dict):
                    log(f"  {k}: {json.dumps(v.get('summary'))[:300]} by url {v.get('received_by_url')}")
            save()
    if "idle" in only:
        assert fixture is not None
        res["idle"] = {}
        for app, server, counts in [
            ("kring", servers[0], idle_counts),
            ("asgi_hub", servers[0], idle_counts[:1]),
            *[("kring", srv, idle_counts[:1]) for srv in (servers[1:] if args.all_servers else [])],
        ]:
            if not time_left(40, f"idle {app}/{server}"):
                continue
            log(f"idle sockets {app}/{server} {counts} …")
            try:
                budget = min(90.0, max(20.0, deadline - time.monotonic() - 20))
                res["idle"][f"{app}/{server}"] = fanout.idle_sockets(fixture, app, server, counts, budget)
            except Exception as exc:
                res["idle"][f"{app}/{server}"] = {"error": repr(exc)}
            log(f"  {json.dumps(res['idle'][f'{app}/{server}'])[:400]}")
            save()
    # In-process benchmarks last: lower priority in issue 7, and cheap.
    if "posting" in only and time_left(60, "posting"):
        from bench import posting

        log("server CPU per stored message at batches of one …")
        try:
            res["posting"] = posting.run(200 if quick else 400)
        except Exception as exc:
            res["posting"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['posting'])[:400]}")
        save()
    if "history" in only and time_left(60, "history"):
        from bench import pages

        log(f"history at {history_sizes} messages (bulk load on first run) …")
        try:
            res["history"] = pages.history(history_sizes, 20, 5)
        except Exception as exc:
            res["history"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['history'])[:600]}")
        save()
    if "directory" in only and time_left(20, "directory"):
        from bench import pages

        log("community directory at 1,000 communities …")
        try:
            res["directory"] = pages.directory(1000, 30, 5)
        except Exception as exc:
            res["directory"] = {"error": repr(exc)}
        save()
    if "matching" in only and time_left(40, "matching"):
        from bench import matching

        log("matching …")
        rounds = [1000, 2000] if quick else [1000, 2000, 5000]
        try:
            res["matching"] = matching.run(50_000, rounds, 20)
        except Exception as exc:
            res["matching"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['matching'])[:600]}")
        save()

    if "knowledge" in only and time_left(45, "knowledge"):
        from bench import knowledge

        log("knowledge search (adds lessons for up to 20 s, towards 10,000) …")
        try:
            res["knowledge"] = knowledge.run(10_000, 20, 20, 5)
        except Exception as exc:
            res["knowledge"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['knowledge'])[:600]}")
        save()

    if "passport" in only and time_left(120, "passport"):
        from bench import passport

        log("issuing 1,000 signed Open Badges 3.0 credentials …")
        try:
            res["passport"] = passport.run(1000)
        except Exception as exc:
            res["passport"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['passport'])[:600]}")
    if "monitoring" in only and time_left(60, "monitoring"):
        from bench import monitoring

        size = max(history_sizes)
        log(f"monitoring dashboard at {size:,} messages (roll-up first) …")
        try:
            res["monitoring"] = monitoring.run(size, 10)
        except Exception as exc:
            res["monitoring"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['monitoring'])[:600]}")
        save()

    if "meetings" in only and time_left(10, "meetings"):
        from bench import meetings_tables

        log("meeting tables: 200 attendees from 30 organisations vs 100 random splits …")
        try:
            res["meetings"] = meetings_tables.run()
        except Exception as exc:
            res["meetings"] = {"error": repr(exc)}
        log(f"  {json.dumps(res['meetings'])[:600]}")
        save()

    if "lighthouse" in only and time_left(150 + 40 * args.lighthouse_runs, "lighthouse"):
        from bench import lighthouse

        log("Lighthouse on the topic page (200 messages), home, directory and a lesson, beside its baseline …")
        try:
            res["lighthouse"] = lighthouse.run(args.lighthouse_runs, args.lighthouse_preset, log)
        except Exception as exc:
            res["lighthouse"] = {"error": repr(exc)[:600]}
        save()

    save()
    from bench.report import table

    print()
    print(table(out))
    log(f"done in {out['elapsed_s']:.0f}s; bench/results/{stamp}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
