"""Monitoring's privacy hook: the member's stories, scan answers and network choice are exported;
the daily roll-ups about them are derived counts and go with the account (CASCADE)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.privacy import ACTOR, EXPORTED, record, records
from monitoring.models import MemberDay, NetworkOptOut, ScanAnswer, ValueStory

DERIVED = (
    "not exported: a daily count derived from the member's messages (exported by the forum); deleted with the account"
)

RELATIONS: dict[str, str] = {
    "monitoring.MemberDay.user": DERIVED,
    "monitoring.InteractionDay.source": DERIVED,
    "monitoring.InteractionDay.target": DERIVED,
    "monitoring.NetworkOptOut.user": EXPORTED,
    "monitoring.ScanRound.opened_by": ACTOR,
    "monitoring.ScanAnswer.user": EXPORTED,
    "monitoring.ValueStory.author": EXPORTED,
}


def export(user: User) -> dict[str, Any]:
    return {
        "monitoring": {
            "value_stories": records(ValueStory.objects.filter(author=user).order_by("pk"), skip={"author"}),
            "quick_scan_answers": records(
                ScanAnswer.objects.filter(user=user).order_by("round_id", "statement"), skip={"user"}
            ),
            "network_analysis_opt_out": record(row, skip={"user"})
            if (row := NetworkOptOut.objects.filter(user=user).first())
            else None,
            "active_days": MemberDay.objects.filter(user=user).count(),
        }
    }


def forget(user: User) -> None:
    """A story is the member's own account: it goes with them (``author`` would otherwise be
    SET_NULL and the story stay without its teller). Answers and roll-ups go by CASCADE."""
    ValueStory.objects.filter(author=user).delete()
