"""What a server process does once it has started."""

from __future__ import annotations

import gc


def settle() -> None:
    """Move what start-up loaded (Django, Wagtail, the URL conf, the models: ~350,000 objects) out of
    the garbage collector's sight, so its full collections scan only what requests make.

    Measured in one process over 60 history replays of 500 frames: two full collections took 343 ms
    each without this (the event loop stands still meanwhile: every socket of the process waits),
    38 ms each with it. Collected first, so nothing collectable is kept.
    """
    gc.collect()
    gc.freeze()
