"""``make run``'s preparation in one Python process: migrate when a migration is pending, load the
demo when it is missing (seed_demo is a quick no-op otherwise). Quiet: one line while it works;
the demo logins go to the file named on the command line, for scripts/run-dev to print last."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402


def main() -> None:
    logins = Path(sys.argv[1])
    started = time.monotonic()
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print("Preparing the database (first start: about a minute)…", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("seed_demo", stdout=out, verbosity=0)
    logins.write_text(out.getvalue())
    if time.monotonic() - started > 5:
        print(f"Database and demo content ready in {time.monotonic() - started:.0f} s.", flush=True)


if __name__ == "__main__":
    main()
