"""Load Kring's demo content. Idempotent: running it twice leaves the same data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import steps as demo


class Command(BaseCommand):
    help = "Load demo content (idempotent) and print demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(line: str) -> None:
            self.stdout.write(f"  {line}")

        accounts: list[Any] = []
        for name, step in demo.STEPS:
            self.stdout.write(self.style.MIGRATE_HEADING(f"{name}…"))
            with transaction.atomic():
                accounts.extend(step(progress) or [])
        self.stdout.write(self.style.SUCCESS("Demo content is ready. Log in with one of these accounts:"))
        for account in accounts:
            self.stdout.write(f"  {account.role:<12} {account.email:<28} {settings.KRING_DEMO_PASSWORD}")
