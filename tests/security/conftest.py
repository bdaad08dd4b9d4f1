"""Fixtures for the security suites: the mentoring fixtures (an active pair) are reused as they are.

The suites record what they checked (``tests.security.counts``); the counts are printed in the
terminal summary, so CI output shows them without ``-s``.
"""

from __future__ import annotations

from typing import Any

from tests.mentoring.conftest import (  # noqa: F401  (pytest fixtures, registered by import)
    _fresh_tables,
    active_pair,
    mentee_mentor,
    programme_factory,
    sanne_henk,
    skills,
)
from tests.security.counts import COUNTS
from tests.security.test_access_matrix import kb_lessons, world  # noqa: F401  (the access-matrix world)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not COUNTS:
        return
    terminalreporter.section("security suites: what was checked")
    for label, texts in COUNTS.items():
        for text in texts:
            terminalreporter.write_line(f"{label}: {text}")
