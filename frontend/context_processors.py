from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    items: list[dict[str, Any]] = []

    def add(label: str, url: str, badge: int = 0) -> None:
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active, "badge": badge})

    add(_("Home"), reverse("frontend:home"))
    from forum import selectors as forum_selectors

    user = request.user
    # Each pillar appears in the navigation once its app serves a start page.
    for label, name in [
        (_("Communities"), "forum:directory"),
        (_("Mentoring"), "mentoring:home"),
        (_("Knowledge base"), "knowledge_base:home"),
    ]:
        try:
            add(label, reverse(name), forum_selectors.unread_total(user=user) if name == "forum:directory" else 0)
        except NoReverseMatch:
            continue
    if user.is_authenticated:
        add(_("Search"), reverse("forum:search"))
        add(_("Notifications"), reverse("forum:notifications"), forum_selectors.unread_notifications(user=user))
    return {"nav_items": items}
