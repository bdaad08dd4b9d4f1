"""How much the security suites checked, for the terminal summary (``conftest.pytest_terminal_summary``).

A suite calls ``record_count(label, text)``; CI output then says, for example, how many
WebSocket frames the fuzzer sent, how many payload × field renderings the XSS suite checked
and how many access-matrix cells were asserted.
"""

from __future__ import annotations

COUNTS: dict[str, list[str]] = {}


def record_count(label: str, text: str) -> None:
    COUNTS.setdefault(label, []).append(text)
