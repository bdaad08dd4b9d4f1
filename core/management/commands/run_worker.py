"""``manage.py run_worker``: the job worker for mail (and any other durable task).

It first puts back the mails whose worker died while sending them (``core.mail.requeue_stale_mail``),
then runs django-tasks-db's ``db_worker`` on every queue of the ``durable`` backend. Options
after ``--`` go to ``db_worker`` (``--batch``, ``--interval``, ``--reload`` …).
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from core.mail import MAIL_BACKEND, requeue_stale_mail


class Command(BaseCommand):
    help = "Run the job worker (mail): requeue mails of a dead worker, then process the queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Process what is due, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls of an empty queue.")
        parser.add_argument("--reload", action="store_true", help="Restart on code changes (development).")

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = requeue_stale_mail()
        if requeued:
            self.stderr.write(f"Put {requeued} mail(s) of a stopped worker back in the queue.")
        arguments = ["--backend", MAIL_BACKEND, "--queue-name", "*", "--interval", str(options["interval"])]
        arguments.append("--reload" if options["reload"] else "--no-reload")
        if options["batch"]:
            arguments += ["--batch", "--no-startup-delay"]
        call_command("db_worker", *arguments, verbosity=options["verbosity"])
