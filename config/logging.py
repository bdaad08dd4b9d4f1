"""Logging helpers used by ``settings.LOGGING``."""

from __future__ import annotations

import logging
import time


class RepeatFilter(logging.Filter):
    """Let a repeated log line through once per ``seconds``, then with the count it stood for.

    While Redis is down, channels_redis logs the same traceback every second for as long as
    the outage lasts; the operator needs the first one and a count, not thousands.
    """

    def __init__(self, seconds: float = 60.0) -> None:
        super().__init__()
        self.seconds = seconds
        self.last: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, str(record.msg))
        now = time.monotonic()
        seen = self.last.get(key)
        if seen is not None and now - seen[0] < self.seconds:
            self.last[key] = (seen[0], seen[1] + 1)
            return False
        if seen is not None and seen[1]:
            record.msg = f"{record.msg} (and {seen[1]} more like it in the last {self.seconds:.0f} s)"
        self.last[key] = (now, 0)
        return True
