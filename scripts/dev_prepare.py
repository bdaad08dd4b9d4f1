"""``make run``'s preparation in one Python process: migrate when a migration is pending, load the
demo when it is missing (seed_demo is a quick no-op otherwise). Quiet: one line while it works;
the demo logins go to the file named on the command line, for scripts/run-dev to print last."""

from __future__ import annotations

import io
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()
# Wagtail and Django log every page and revision the demo creates at INFO: hundreds of lines.
logging.disable(logging.INFO)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402


def main() -> None:
    logins = Path(sys.argv[1])
    started = time.monotonic()
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Creating or updating the database…", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    seeding = time.monotonic()
    out = io.StringIO()
    call_command("seed_demo", stdout=out, verbosity=0)
    logins.write_text(out.getvalue())
    # The monitoring dashboard reads daily roll-ups; in production a timer fills them.
    call_command("monitoring_rollup", verbosity=0)
    if "is ready" in out.getvalue():  # loaded now, not found loaded
        print(f"Loaded the demo content in {time.monotonic() - seeding:.0f} s.", flush=True)


if __name__ == "__main__":
    main()
