"""The monitoring dashboard on the 1,000,000-message history room (``bench.pages.load_history``).

The roll-up runs first over the whole history (timed: what a first install or a ``--from`` re-run
costs), then once more as the hourly timer runs it (the last day again), and the dashboard page is
timed as a facilitator over a range that covers the whole history.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from bench.data import ensure_users, setup_django
from bench.pages import PAGE_SAMPLES, _timed, load_history


def run(size: int, budget_s: float) -> dict[str, Any]:
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from forum.models import Membership, MembershipState, Role, Room

    setup_django()
    info = load_history(size)
    room = Room.objects.select_related("community").get(pk=info["room"])
    community = room.community
    first = timezone.localdate(room.messages.order_by("seq").values_list("created_at", flat=True)[0])
    today = timezone.localdate()
    started = time.monotonic()
    call_command("monitoring_rollup", start=first.isoformat(), end=today.isoformat(), community=[community.pk],
                 verbosity=0)  # fmt: skip
    full_s = round(time.monotonic() - started, 1)
    started = time.monotonic()
    call_command("monitoring_rollup", community=[community.pk], verbosity=0)
    incremental_s = round(time.monotonic() - started, 2)
    # A facilitator of the community (a platform admin would be sent to set up two factors first).
    [facilitator_id] = ensure_users(1, prefix="monitor")
    Membership.objects.update_or_create(
        community=community, user_id=facilitator_id,
        defaults={"state": MembershipState.ACTIVE, "role": Role.FACILITATOR},
    )  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=facilitator_id))
    start = min(first, today - dt.timedelta(weeks=12))
    url = f"/monitor/{community.slug}/?start={start.isoformat()}&end={today.isoformat()}"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return {
        "messages": size,
        "loaded_now": info["loaded"],
        "rollup_full_s": full_s,
        "rollup_incremental_s": incremental_s,
        "dashboard": _timed(page, PAGE_SAMPLES, budget_s),
        "export_csv": _timed(lambda: client.get(url.replace("/?", "/export.csv?")), 20, budget_s),
    }
