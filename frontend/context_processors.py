from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import User


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The main navigation and the signed-in member's header: one query for a member, none for a visitor."""
    from frontend import selectors

    path = request.path
    items: list[dict[str, Any]] = []

    def add(label: str, url: str, badge: int = 0) -> None:
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active, "badge": badge})

    user = request.user
    header = selectors.header(user=user) if isinstance(user, User) and user.is_authenticated else None
    add(_("Home"), reverse("frontend:home"))
    # Each pillar appears in the navigation once its app serves a start page.
    for label, name in [
        (_("Communities"), "forum:directory"),
        (_("Mentoring"), "mentoring:home"),
        (_("Knowledge base"), "knowledge_base:home"),
    ]:
        try:
            add(label, reverse(name), header.unread_messages if header and name == "forum:directory" else 0)
        except NoReverseMatch:
            continue
    context: dict[str, Any] = {"nav_items": items}
    if header is not None:
        add(_("Search"), reverse("forum:search"))
        add(_("Notifications"), reverse("forum:notifications"), header.unread_notifications)
        context["account_name"] = header.name
    return context
