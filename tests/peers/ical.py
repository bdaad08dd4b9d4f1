"""An independent iCalendar parser for tests: ical.js on Node (``tests/peers/ical/``, ``make peers``).

``parse_ics(data)`` pipes an .ics file into ``parse.mjs`` and returns its JSON: ``method``,
``prodid``, ``version``, ``timezones`` and ``events`` (uid, sequence, summary, description,
location, url, status, start, end as UTC ISO strings, timezone, organizer, attendees, rrule, alarms
(action, trigger) and, for a repeating event, its occurrences as the parser expands them). Ask for the
``ical_peer`` fixture (``from tests.peers.ical import ical_peer  # noqa: F401``) to get the function,
skipped with a clear message when the peer is not installed. Any feature that sends .ics files
(mentoring sessions, meetings) can use it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PEER = Path(__file__).resolve().parent / "ical"


def parse_ics(data: bytes) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is needed for the iCalendar peer"
    done = subprocess.run([node, str(PEER / "parse.mjs")], input=data, capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr.decode()
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.fixture
def ical_peer() -> Callable[[bytes], dict[str, Any]]:
    if not (PEER / "node_modules" / "ical.js").exists():
        pytest.fail("the iCalendar peer is not installed: run `make peers`")
    return parse_ics
