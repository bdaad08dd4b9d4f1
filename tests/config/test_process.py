"""A server process settles after start-up: what it loaded is out of the full collections' sight."""

from __future__ import annotations

import gc
import importlib


def test_the_asgi_and_wsgi_entry_points_freeze_what_start_up_loaded() -> None:
    for module in ("config.asgi", "config.wsgi"):
        gc.unfreeze()
        importlib.reload(importlib.import_module(module))
        assert gc.get_freeze_count() > 50_000, module  # Django, Wagtail, the URL conf and the models
