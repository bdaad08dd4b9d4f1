"""Fixtures for the fault tests: a private PostgreSQL cluster per session, a private Redis per
scenario, and the results table that ``make faults`` prints and writes to docs/reliability.md."""

from __future__ import annotations

import datetime
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service
from tests.reliability.support import PrivatePostgres, PrivateRedis, postgres_bindir, redis_binary

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
START = "<!-- results: start (written by tests/reliability/conftest.py) -->"
END = "<!-- results: end -->"
COLUMNS = ["scenario", "clients", "messages", "lost", "doubled", "recovery", "notes"]

RESULTS: list[dict[str, Any]] = []
_SESSION_START = time.monotonic()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fault scenarios run with ``make faults`` (``-m slow``), not with every ``pytest``.

    They take minutes and kill processes, so a plain ``pytest`` (``make test``) leaves them out
    unless asked: ``-m`` naming ``slow``, ``KRING_FAULTS=1``, or ``test_faults.py`` named on the
    command line. The fast tests in this directory always run.
    """
    wanted = (
        "slow" in (config.getoption("markexpr") or "")
        or os.environ.get("KRING_FAULTS") == "1"
        or any("test_faults" in str(arg) for arg in config.args)
    )
    if wanted:
        return
    here = Path(__file__).resolve().parent
    keep, drop = [], []
    for item in items:
        (drop if item.path.parent == here and item.get_closest_marker("slow") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = postgres_bindir()
    require_service("PostgreSQL binaries", bindir is not None, "install postgresql (initdb, pg_ctl)")
    pg = PrivatePostgres()
    try:
        pg.prepare()
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    require_service("redis-server", redis_binary() is not None, "install redis-server")
    redis = PrivateRedis(tmp_path / "redis.log")
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def report() -> Any:
    """``report(scenario=…, clients=…, …)`` adds a row to the results table."""

    def add(**row: Any) -> None:
        RESULTS.append(row)

    return add


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f} s"
    return str(value).replace("|", "\\|")


def _table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(_cell(row.get(c, "")) for c in COLUMNS) + " |" for row in rows]
    return lines


def _merge_into_doc(rows: list[dict[str, Any]], wall: float) -> None:
    """Replace this run's scenarios in the doc's table; keep the rows of scenarios not run now."""
    text = DOC.read_text() if DOC.exists() else f"# Reliability under faults\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip() + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    old, tail = rest.split(END, 1)
    kept: dict[str, str] = {}
    for line in old.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells and cells[0] not in {"scenario", ""} and not set(cells[0]) <= {"-"}:
            kept[cells[0]] = line
    new = {row["scenario"]: _table([row])[2] for row in rows}
    order = [*new] + [k for k in kept if k not in new]
    merged = [new.get(k) or kept[k] for k in sorted(order)]
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        "",
        f"Last run: {stamp}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"this run: {len(rows)} scenario(s) in {wall:.0f} s wall time (private PostgreSQL set-up included).",
        "",
        *_table([]),
        *merged,
        "",
    ]
    DOC.write_text(head + START + "\n".join(body) + END + tail)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not RESULTS:
        return
    wall = time.monotonic() - _SESSION_START
    rows = sorted(RESULTS, key=lambda r: r["scenario"])
    terminalreporter.section("faults under load")
    widths = {c: max(len(c), *(len(_cell(r.get(c, ""))) for r in rows)) for c in COLUMNS}
    terminalreporter.write_line("  ".join(c.ljust(widths[c]) for c in COLUMNS))
    for row in rows:
        terminalreporter.write_line("  ".join(_cell(row.get(c, "")).ljust(widths[c]) for c in COLUMNS))
    terminalreporter.write_line(f"fault suite wall time: {wall:.0f} s")
    if os.environ.get("KRING_FAULTS_NO_DOC") != "1":
        _merge_into_doc(rows, wall)
        terminalreporter.write_line(f"written to {DOC}")
