from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from frontend.initials import initials


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The app shell's data: site name, main links, and for a member the header counts and the
    sidebar of their communities, rooms and direct conversations. Five queries for a member (header + sidebar), none
    for a visitor; computed once per request."""
    from frontend import selectors

    path = request.path
    items: list[dict[str, Any]] = []

    def add(label: str, url: str, icon: str) -> None:
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active, "icon": icon})

    # Each pillar appears in the navigation once its app serves a start page.
    for label, name, icon in [
        (_("Communities"), "forum:directory", "users"),
        (_("Mentoring"), "mentoring:home", "handshake"),
        (_("Knowledge base"), "knowledge_base:home", "book-open"),
    ]:
        try:
            add(label, reverse(name), icon)
        except NoReverseMatch:
            continue
    context: dict[str, Any] = {"nav_items": items, "site_name": settings.SITE_NAME}
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        header = selectors.header(user=user)
        context["header"] = header
        context["account_name"] = header.name
        context["account_initials"] = initials(header.name)
        communities = selectors.sidebar(user=user)
        for community in communities:
            for room in community.rooms:
                if path.startswith(room.url):
                    context["current_room_id"] = room.id
        context["sidebar_communities"] = communities
        conversations = selectors.sidebar_conversations(user=user)
        for room in conversations:
            if path == room.url:
                context["current_room_id"] = room.id
        context["sidebar_conversations"] = conversations
    return context
