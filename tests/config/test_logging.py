"""config.logging: a repeated line is logged once per window, then with its count."""

from __future__ import annotations

import logging

import pytest

from config.logging import RepeatFilter


def _record(msg: str, name: str = "channels_redis.pubsub") -> logging.LogRecord:
    return logging.LogRecord(name, logging.ERROR, __file__, 1, msg, None, None)


def test_repeats_are_counted_not_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr("config.logging.time.monotonic", lambda: clock[0])
    repeat = RepeatFilter(seconds=60)
    assert repeat.filter(_record("Unexpected exception in receive task"))
    for _ in range(59):
        clock[0] += 1
        assert not repeat.filter(_record("Unexpected exception in receive task"))
    assert repeat.filter(_record("another line"))  # other lines are not held back
    clock[0] += 2
    later = _record("Unexpected exception in receive task")
    assert repeat.filter(later)
    assert later.getMessage() == "Unexpected exception in receive task (and 59 more like it in the last 60 s)"


def test_the_settings_hold_back_the_channel_layers_repeats() -> None:
    from logging.config import dictConfig

    from django.conf import settings

    class Capture(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.lines: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.lines.append(record.getMessage())

    dictConfig(settings.LOGGING)
    capture = Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        for _ in range(5):
            logging.getLogger("channels_redis.pubsub").error("Unexpected exception in receive task")
    finally:
        root.removeHandler(capture)
    assert capture.lines == ["Unexpected exception in receive task"]
