"""The profile's API pages in Chromium: taking an app's access back by keyboard only, through the
confirm dialog, at 360 px without sideways scrolling; axe on every page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# One long word, as app names and webhook addresses can be: the dialog must wrap it, not scroll.
NAME = "leeromgeving.roc-midden-nederland.example/utrecht_amersfoort_leerplein"


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.textContent.trim()"))


def _tab_to(page: Any, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focused(page) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_take_an_apps_access_back_by_keyboard_at_360_px(open_page: Any, make_user: Any) -> None:
    from oauth2_provider.models import AccessToken, get_application_model

    member = make_user(name="Mo Lid", email="mo@example.test")
    application = get_application_model().objects.create(
        name=NAME,
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris="https://portaal.example.test/terug",
        algorithm="",
    )
    AccessToken.objects.create(
        user=member,
        application=application,
        token=uuid.uuid4().hex,
        expires=timezone.now() + dt.timedelta(hours=1),
        scope="read write",
    )
    mo = open_page()
    mo.page.set_viewport_size({"width": 360, "height": 740})
    mo.use_session_of(member)
    page = mo.visit("/profiel/gekoppelde-apps/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Dates in words, not ISO; the table scrolls in its own frame, which the keyboard can reach.
    assert page.locator("tbody time[datetime]").count() == 2
    frame = page.locator(".table-wrap")
    assert frame.get_attribute("tabindex") == "0" and frame.get_attribute("role") == "region"
    # Enter on the button asks first; Esc keeps everything and the focus goes back to the button.
    _tab_to(page, f"Toegang intrekken van {NAME}")
    page.keyboard.press("Enter")
    dialog = page.locator("#confirm-dialog")
    assert dialog.is_visible() and NAME in dialog.inner_text()
    assert _focused(page) == "Annuleren"
    assert page.evaluate("(d => d.scrollWidth <= d.clientWidth)(document.getElementById('confirm-dialog'))")
    mo.check()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert _focused(page) == f"Toegang intrekken van {NAME}"
    assert AccessToken.objects.filter(user=member).exists()
    # Again, and this time confirm: the app's token is gone and the page says what to do now.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused(page) == "Toegang intrekken"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    mo.check()
    assert not AccessToken.objects.filter(user=member).exists()
    text = page.locator("main").inner_text()
    assert f"{NAME} heeft geen toegang meer tot je account" in text
    assert "Vraagt een schoolportaal of leeromgeving" in text
