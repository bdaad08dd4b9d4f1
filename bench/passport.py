"""Issuing credentials: ``passport.services.award`` end to end (the award row, the OB 3.0 credential,
RDFC-1.0 canonicalisation of proof options and document, Ed25519, the row's update), ``n`` times,
plus verifying a sample and signing the revocation status list once.

Each run uses a fresh achievement (a member holds an achievement once) and ``n`` bench members.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

from bench.data import ensure_users, setup_django


def run(n: int = 1000, verify_sample: int = 50) -> dict[str, Any]:
    setup_django()
    from accounts.models import User
    from forum.models import Community, Membership, MembershipState, Role
    from passport import credentials, selectors, services

    members = list(User.objects.filter(pk__in=ensure_users(n + 1, prefix="bench-passport")).order_by("pk"))
    issuer, recipients = members[0], members[1:]
    community = Community.objects.create(
        name=f"Bench paspoort {uuid.uuid4().hex[:6]}", slug=f"bench-pp-{uuid.uuid4().hex[:10]}", kind="hub"
    )
    Membership.objects.create(community=community, user=issuer, role=Role.FACILITATOR, state=MembershipState.ACTIVE)
    achievement = services.define_achievement(
        actor=issuer, community=community, name="Bench", description="Bench achievement.", criteria="Being benchmarked."
    )
    times = []
    started = time.perf_counter()
    awards = []
    for member in recipients:
        t0 = time.perf_counter()
        awards.append(services.award(actor=issuer, achievement=achievement, recipient=member))
        times.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - started
    verify_times = []
    for award in awards[:verify_sample]:
        t0 = time.perf_counter()
        credentials.verify(award.credential)
        verify_times.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    credentials.status_list_credential(selectors.revoked_indices(), size=selectors.highest_status_index() + 1)
    status_ms = (time.perf_counter() - t0) * 1000
    times.sort()
    return {
        "credentials": n,
        "total_s": round(total, 2),
        "per_second": round(n / total, 1),
        "issue_ms_p50": round(statistics.median(times), 1),
        "issue_ms_p95": round(times[int(len(times) * 0.95) - 1], 1),
        "verify_ms_p50": round(statistics.median(verify_times), 1),
        "status_list_sign_ms": round(status_ms, 1),
    }
