"""``manage.py send_digests``: the due daily and weekly digests (deploy/systemd/kring-digests.timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from digests import services


class Command(BaseCommand):
    help = "Send the due digests to members who have been away."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_digests()
        if options["verbosity"] > 1:
            self.stdout.write(f"{sent} digest(s) queued")
