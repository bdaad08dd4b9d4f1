"""The digest settings and the unsubscribe page in Chromium: axe 0, no sideways scrolling at 360 px,
by keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from digests.models import DigestSettings
from digests.services import unsubscribe_token

pytestmark = pytest.mark.browser


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_digest_settings_and_unsubscribe(open_page: Any, make_user: Any) -> None:
    member = make_user(name="Rita")
    visitor = open_page()
    visitor.use_session_of(member)
    page = visitor.page
    page.set_viewport_size({"width": 360, "height": 800})
    visitor.visit("/samenvatting/")
    assert _overflow(page) <= 0
    page.get_by_label("Elke dag").check()
    page.get_by_role("button", name="Opslaan").press("Enter")
    visitor.check()
    assert DigestSettings.objects.get(user=member).frequency == "daily"

    anonymous = open_page()
    page = anonymous.page
    page.set_viewport_size({"width": 360, "height": 800})
    anonymous.visit(f"/samenvatting/uitschrijven/{unsubscribe_token(member)}/")
    assert _overflow(page) <= 0
    page.get_by_role("button", name="Uitschrijven").click()
    anonymous.check()
    assert "Je krijgt de samenvatting niet meer." in page.content()
    assert DigestSettings.objects.get(user=member).frequency == "off"
