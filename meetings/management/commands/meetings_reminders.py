from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from meetings import services


class Command(BaseCommand):
    help = "Remind who is coming (or maybe) of meetings that start within a day (run hourly)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders()
        self.stdout.write(f"meeting reminders sent: {sent}")
