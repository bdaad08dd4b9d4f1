"""The learning passport in Chromium: a facilitator awards, the member looks and shares, anyone
verifies, the facilitator revokes — axe 0 on every page, no sideways scrolling at 360 px."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from forum.models import Community, Membership, MembershipState, Role
from passport import services
from passport.models import Award

pytestmark = pytest.mark.browser


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_award_view_share_verify_and_revoke(open_page: Any, make_user: Any) -> None:
    facilitator = make_user(name="Fenna Begeleider")
    member = make_user(name="Lotte Lid", email="lotte@example.test")
    community = Community.objects.create(name="Kenniskring Water", slug="water", kind="kenniskring")
    Membership.objects.create(
        community=community, user=facilitator, role=Role.FACILITATOR, state=MembershipState.ACTIVE
    )
    achievement = services.define_achievement(
        actor=facilitator,
        community=community,
        name="Waterwijzer",
        description="Beantwoordt praktijkvragen over waterbeheer.",
        criteria="Drie geaccepteerde antwoorden op praktijkvragen.",
    )

    # The facilitator awards through the form, by keyboard.
    manager = open_page()
    manager.use_session_of(facilitator)
    page = manager.page
    manager.visit(f"/paspoort/prestaties/{achievement.uuid}/beheer/")
    page.get_by_label("E-mailadres van het lid").fill("lotte@example.test")
    page.get_by_role("button", name="Toekennen en ondertekenen").press("Enter")
    manager.check()
    award = Award.objects.get(achievement=achievement, recipient=member)
    assert award.credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"

    # The member sees it on the private passport, makes it public and makes a share link.
    owner = open_page()
    owner.use_session_of(member)
    page = owner.page
    page.set_viewport_size({"width": 360, "height": 800})
    owner.visit("/paspoort/")
    assert _overflow(page) <= 0
    assert "Waterwijzer" in page.content()
    page.get_by_label("Waterwijzer").check()
    page.get_by_role("button", name="Opslaan").click()
    owner.check()
    page.get_by_role("button", name="Deellink maken").click()
    owner.check()
    share_url = page.get_by_role("textbox", name="Deellink").input_value()
    assert "/paspoort/gedeeld/" in share_url

    # Anyone with the link sees the public credential and verifies it.
    visitor = open_page()
    page = visitor.page
    page.set_viewport_size({"width": 360, "height": 800})
    visitor.visit(urlparse(share_url).path)
    assert _overflow(page) <= 0
    page.get_by_role("link", name="Waterwijzer").click()
    visitor.check()
    assert "Geldig" in page.content()

    # The facilitator revokes; the verification page says so.
    page = manager.page
    manager.visit(f"/paspoort/prestaties/{achievement.uuid}/beheer/")
    page.get_by_text("Intrekken", exact=True).click()
    page.get_by_label("Reden").fill("Toegekend aan de verkeerde persoon")
    page.get_by_role("button", name="Bewijs intrekken").click()
    manager.check()
    visitor.visit(f"/paspoort/credential/{award.uuid}/")
    assert "Ingetrokken" in visitor.page.content()
