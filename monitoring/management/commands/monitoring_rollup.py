"""``manage.py monitoring_rollup [--from YYYY-MM-DD] [--to YYYY-MM-DD]``: fill the daily roll-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.rollup import rollup


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = "Roll up community activity per day for the monitoring dashboard (idempotent; re-run any range)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first day (default: the last day rolled up)")
        parser.add_argument("--to", dest="end", help="last day (default: today)")
        parser.add_argument("--community", type=int, action="append", help="only this community id (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["start"]) if options["start"] else None
        end = _date(options["end"]) if options["end"] else None
        result = rollup(start=start, end=end, community_ids=options["community"])
        if options["verbosity"]:
            self.stdout.write(
                f"Rolled up {result.start} … {result.end}: {result.communities} communities, "
                f"{result.community_days} community days, {result.member_days} member days, "
                f"{result.interactions} interaction rows, {result.topics} topics."
            )
