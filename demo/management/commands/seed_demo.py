"""Load Kring's demo content. Idempotent: running it twice leaves the same data.

Loading takes about a minute; ``make run`` calls this on every start, so a database that already
holds this version of the demo is recognised in a few milliseconds and left alone: a marker in
``MEDIA_ROOT`` (where the demo's images live too) names the database (its identity, so a dropped
and re-created database does not count), a fingerprint of the demo modules' source and the demo
logins, which must still exist. Anything else runs the steps again (``--force`` always does).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from demo import steps as demo

MARKER = ".demo-seeded.json"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name, step in demo.STEPS:
        digest.update(name.encode())
        source = getattr(sys.modules.get(step.__module__), "__file__", None)
        digest.update(Path(source).read_bytes() if source else step.__module__.encode())
    return digest.hexdigest()


def _database_identity() -> str:
    """Names this database; changes when it is dropped and created again under the same name."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
            oid = cursor.fetchone()[0]
        return f"postgresql://{settings_dict.get('HOST')}:{settings_dict.get('PORT')}/{settings_dict['NAME']}#{oid}"
    path = Path(str(settings_dict["NAME"]))
    inode = path.stat().st_ino if path.exists() else 0
    return f"{connection.vendor}:{path.resolve()}#{inode}"


def _marker_path() -> Path:
    return Path(settings.MEDIA_ROOT) / MARKER


def _read_marker() -> dict[str, Any]:
    try:
        found = json.loads(_marker_path().read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _present(entry: Any, fingerprint: str) -> list[tuple[str, str]] | None:
    """The demo logins when this database holds this version of the demo, else None."""
    from django.contrib.auth import get_user_model

    if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint:
        return None
    logins = [(str(role), str(email)) for role, email in entry.get("logins", [])]
    emails = {email for _role, email in logins}
    if not emails or get_user_model().objects.filter(email__in=emails).count() != len(emails):
        return None
    return logins


class Command(BaseCommand):
    help = "Load demo content (idempotent; a no-op when this version is loaded) and print demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run every step even if the demo is loaded.")

    def handle(self, *args: Any, force: bool = False, verbosity: int = 1, **options: Any) -> None:
        fingerprint = _fingerprint()
        identity = _database_identity()
        marker = _read_marker()
        logins = None if force else _present(marker.get(identity), fingerprint)
        if logins is None:
            logins = self._load(verbosity)
            marker[identity] = {"fingerprint": fingerprint, "logins": logins}
            path = _marker_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(marker, indent=1))
            heading = "Demo content is ready. Log in with one of these accounts:"
        else:
            heading = "Demo content is already loaded. Log in with one of these accounts:"
        self.stdout.write(self.style.SUCCESS(heading))
        for role, email in logins:
            self.stdout.write(f"  {role:<12} {email:<28} {settings.KRING_DEMO_PASSWORD}")

    def _load(self, verbosity: int) -> list[tuple[str, str]]:
        def progress(line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {line}")

        accounts: list[Any] = []
        for name, step in demo.STEPS:
            if verbosity >= 1:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{name}…"))
            with transaction.atomic():
                accounts.extend(step(progress) or [])
        return [(account.role, account.email) for account in accounts]
