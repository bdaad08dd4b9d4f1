"""``make run`` from a fresh clone to the first page (cold), and again in that clone (warm).

    .venv/bin/python -m bench.make_run [--source .] [--warm-runs 2]

Clones the committed HEAD of ``--source`` into a temporary directory (its own ``.venv``; pip's
cache is used as on any developer machine), runs ``make run`` on a free port with the default
settings (SQLite, in-memory channel layer: no DATABASE_URL or REDIS_URL), and times until ``/``
answers; stops it and starts it again for the warm figures. It also counts the lines ``make run``
printed and checks that the last ones are the demo logins and the address. Prints the figures and
writes them to ``bench/results/make_run.json``. Issue 17's targets: cold ≤ 150 s, warm ≤ 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
COLD_TARGET, WARM_TARGET = 150.0, 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answered(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return int(response.status) < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


def _start(clone: Path, port: int, log: Path, timeout: float) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "MAKEFLAGS"}}
    env["PORT"] = str(port)
    started = time.monotonic()
    timeline: list[str] = []
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: make, the script and Daphne stop together
        )
        try:
            # The first page counts once make run has said where Kring runs (it prints that after
            # its own health check) and "/" then answers.
            first_page = None
            tail: list[str] = []
            seen: list[str] = []
            while time.monotonic() - started < timeout:
                if proc.poll() is not None:
                    break
                text = log.read_text(errors="replace")
                for line in text.splitlines()[len(seen) :]:  # when each line appeared: the phases
                    seen.append(line)
                    if line.strip():
                        timeline.append(f"{time.monotonic() - started:6.1f} s  {line}")
                if "Kring runs at" in text and _answered(f"http://127.0.0.1:{port}/"):
                    first_page = time.monotonic() - started
                    tail = [line for line in text.splitlines() if line.strip()][-3:]
                    break
                time.sleep(0.1)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
    lines = log.read_text(errors="replace").splitlines()
    return {
        "seconds_to_first_page": None if first_page is None else round(first_page, 1),
        "lines_printed": len([line for line in lines if "Terminated" not in line]),
        "ends_with_logins_and_address": bool(tail) and tail[-1].startswith("Kring runs at") and "@" in tail[-2],
        "exit_code": proc.returncode,
        "timeline": timeline,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", default=str(REPO), help="the git repository to clone (its HEAD)")
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--output", default=str(REPO / "bench" / "results" / "make_run.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kring-make-run-") as tmp:
        clone = Path(tmp) / "kring"
        subprocess.run(["git", "clone", "--quiet", args.source, str(clone)], check=True)
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=clone, check=True, capture_output=True, text=True
        ).stdout.strip()
        cold = _start(clone, _free_port(), Path(tmp) / "cold.log", timeout=900)
        print(f"cold: {cold}", flush=True)
        print("  " + "\n  ".join(cold["timeline"]), flush=True)
        if cold["seconds_to_first_page"] is None:
            print((Path(tmp) / "cold.log").read_text(errors="replace")[-3000:])
        warm = []
        for n in range(args.warm_runs):
            result = _start(clone, _free_port(), Path(tmp) / f"warm-{n}.log", timeout=120)
            print(f"warm {n + 1}: {result}", flush=True)
            warm.append(result)
        last_log = (Path(tmp) / f"warm-{args.warm_runs - 1}.log").read_text(errors="replace")

    warm_times = [w["seconds_to_first_page"] for w in warm if w["seconds_to_first_page"] is not None]
    result = {
        "commit": commit,
        "cpus": os.cpu_count(),
        "cold": cold,
        "warm": warm,
        "cold_seconds": cold["seconds_to_first_page"],
        "warm_seconds_max": max(warm_times) if warm_times else None,
        "targets": {"cold_seconds": COLD_TARGET, "warm_seconds": WARM_TARGET},
        "warm_output": [line for line in last_log.splitlines() if "Terminated" not in line],
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(
        f"make run: cold {result['cold_seconds']} s (target {COLD_TARGET:.0f}), warm {result['warm_seconds_max']} s "
        f"(target {WARM_TARGET:.0f}); cold printed {cold['lines_printed']} lines; written to {out}"
    )
    print("warm output:\n  " + "\n  ".join(result["warm_output"]))


if __name__ == "__main__":
    main()
