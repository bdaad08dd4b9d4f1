from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentoring import services


class Command(BaseCommand):
    help = "Send due check-in reminders and session nudges (run once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders()
        self.stdout.write(f"mentoring reminders sent: {sent}")
