from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict[str, Any]:
    path = request.path
    items: list[dict[str, Any]] = []

    def add(label: str, url: str, badge: int = 0) -> None:
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": label, "url": url, "active": active, "badge": badge})

    add(_("Home"), reverse("frontend:home"))
    return {"nav_items": items}
