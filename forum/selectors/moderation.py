"""The moderation queue and the audit log."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Prefetch,
    Q,
)

from forum.models import (
    AuditEntry,
    Community,
    Flag,
    FlagState,
    Message,
)


def moderation_queue(*, community: Community, page: int = 1) -> Page[Any]:
    flagged = (
        Message.objects.filter(room__community=community, flags__state=FlagState.OPEN)
        .annotate(open_flags=Count("flags", filter=Q(flags__state=FlagState.OPEN)))
        .select_related("author__profile", "topic", "room")
        .prefetch_related(
            Prefetch("flags", queryset=Flag.objects.filter(state=FlagState.OPEN).select_related("reporter__profile"))
        )
        .order_by("-open_flags", "-pk")
    )
    return Paginator(flagged, 25).get_page(page)


def audit_log(*, community: Community, page: int = 1) -> Page[AuditEntry]:
    return Paginator(AuditEntry.objects.filter(community=community).select_related("actor__profile"), 50).get_page(page)
