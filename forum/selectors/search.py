"""Searching the messages a member may read."""

from __future__ import annotations

import html
import re
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Q,
    Value,
)

from accounts.actor import as_actor
from forum import permissions
from forum.models import (
    Membership,
    MembershipState,
    Message,
    RoomMember,
    Visibility,
)
from forum.permissions import Who

MARK_START, MARK_END = "\x02", "\x03"


def _highlight_python(text: str, words: list[str], width: int = 240) -> str:
    """Escape first, then mark the words: the result is safe HTML."""
    lowered = text.lower()
    first = min((lowered.find(w.lower()) for w in words if w and lowered.find(w.lower()) >= 0), default=0)
    start = max(0, first - width // 3)
    snippet = text[start : start + width]
    escaped = html.escape(snippet)
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        escaped = re.sub(
            re.escape(html.escape(word)), lambda m: f"<mark>{m.group(0)}</mark>", escaped, flags=re.IGNORECASE
        )
    return ("…" if start else "") + escaped + ("…" if start + width < len(text) else "")


def _safe_headline(headline: str) -> str:
    escaped = html.escape(headline)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def search(*, actor: Who, q: str, page: int = 1) -> dict[str, Any]:
    """Messages and topics this user may read; PostgreSQL full-text (Dutch and English)."""
    actor = as_actor(actor)
    q = q.strip()[:200]
    if not q or not actor.is_authenticated:
        return {"page": None, "q": q}
    active = Membership.objects.filter(user_id=actor.member_id, state=MembershipState.ACTIVE).values("community_id")
    banned = Membership.objects.filter(user_id=actor.member_id, state=MembershipState.BANNED).values("community_id")
    listed = RoomMember.objects.filter(user_id=actor.member_id).values("room_id")
    readable = (
        Q(room__is_restricted=False)
        & (
            Q(room__community_id__in=active)
            | Q(room__community__visibility=Visibility.OPEN, room__community__is_system=False)
        )
        & ~Q(room__community_id__in=banned)
    )
    if permissions.is_platform_admin(actor):
        readable = Q(room__is_restricted=False) & ~Q(room__community_id__in=banned)
    readable |= Q(room_id__in=listed) & ~Q(room__community_id__in=banned)
    qs = Message.objects.filter(readable, deleted_at__isnull=True, is_hidden=False)
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

        vector = SearchVector("search_text", config="dutch") + SearchVector("search_text", config="english")
        query = SearchQuery(q, config="dutch", search_type="websearch") | SearchQuery(
            q, config="english", search_type="websearch"
        )
        qs = (
            qs.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .annotate(
                headline=SearchHeadline(
                    "search_text",
                    query,
                    config="dutch",
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=35,
                    min_words=15,
                )
            )
            .order_by("-rank", "-pk")
        )
    else:
        words = q.split()
        for word in words:
            qs = qs.filter(search_text__icontains=word)
        qs = qs.annotate(rank=Value(1)).order_by("-pk")
    qs = qs.select_related("author__profile", "topic", "room__community")
    result_page = Paginator(qs, 20).get_page(page)
    for message in result_page:
        if settings.USING_POSTGRES:
            message.snippet = _safe_headline(message.headline)  # type: ignore[attr-defined]
        else:
            message.snippet = _highlight_python(message.search_text, q.split())  # type: ignore[attr-defined]
    return {"page": result_page, "q": q}
