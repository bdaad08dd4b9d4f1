"""Monitoring in Chromium: the dashboard, the quick scan and the stories; axe 0, no sideways
scrolling at 360 px, forms used with the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from monitoring.models import ScanAnswer, ScanRound, ValueStory
from monitoring.scan import STATEMENTS
from tests.monitoring.conftest import END, START, hand, rolled  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_dashboard_at_both_widths_with_range_by_keyboard(open_page: Any, rolled: Any) -> None:  # noqa: F811
    visitor = open_page()
    visitor.use_session_of(rolled.people["olga"])
    page = visitor.page
    slug = rolled.community.slug
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        visitor.visit(f"/monitor/{slug}/?start={START.isoformat()}&end={END.isoformat()}")
        assert _overflow(page) <= 0, width
        assert page.locator("svg.chart-svg").count() >= 2
        assert page.get_by_role("table").count() >= 5
    page.get_by_label("Van").fill("2026-03-09")
    page.get_by_label("Tot en met").fill("2026-03-15")
    page.get_by_role("button", name="Tonen").press("Enter")
    visitor.check()
    assert "start=2026-03-09" in page.url
    assert page.get_by_role("row").filter(has_text="9 mrt 2026").count() == 1


def test_scan_opened_answered_and_results_shown(open_page: Any, hand: Any) -> None:  # noqa: F811
    facilitator = open_page()
    facilitator.use_session_of(hand.people["olga"])
    page = facilitator.page
    page.set_viewport_size({"width": 360, "height": 800})
    facilitator.visit(f"/monitor/{hand.community.slug}/quickscan/")
    page.get_by_role("button", name="Nieuwe ronde openen voor de leden").press("Enter")
    facilitator.check()
    assert ScanRound.objects.filter(community=hand.community, closed_at__isnull=True).exists()

    member = open_page()
    member.use_session_of(hand.people["anna"])
    mpage = member.page
    mpage.set_viewport_size({"width": 360, "height": 800})
    member.visit(f"/monitor/{hand.community.slug}/quickscan/")
    assert _overflow(mpage) <= 0
    first = mpage.locator(f"input[name={STATEMENTS[0].code}]").first
    first.focus()
    mpage.keyboard.press("ArrowRight")  # radio group: 1 -> 2
    mpage.locator(f"input[name={STATEMENTS[1].code}][value='5']").check()
    mpage.get_by_role("button", name="Mijn antwoorden opslaan").press("Enter")
    member.check()
    assert dict(ScanAnswer.objects.filter(user=hand.people["anna"]).values_list("statement", "score")) == {
        STATEMENTS[0].code: 2,
        STATEMENTS[1].code: 5,
    }
    facilitator.visit(f"/monitor/{hand.community.slug}/quickscan/")
    assert _overflow(page) <= 0
    assert "minder dan 5" in page.content()


def test_story_told_and_seen_by_cycle(open_page: Any, hand: Any) -> None:  # noqa: F811
    member = open_page()
    member.use_session_of(hand.people["anna"])
    page = member.page
    page.set_viewport_size({"width": 360, "height": 800})
    member.visit(f"/monitor/{hand.community.slug}/verhalen/")
    page.get_by_text("Vertel je verhaal").click()
    page.get_by_label("Toegepaste waarde: wat ik anders deed").check()
    page.get_by_label("Titel").fill("Checklist bij oplevering")
    page.get_by_label("Je verhaal").fill("We gebruiken nu de checklist uit het gesprek.")
    page.get_by_label("Gesprek").select_option(str(hand.topics["t1"].pk))
    assert _overflow(page) <= 0
    page.get_by_role("button", name="Mijn verhaal delen").press("Enter")
    member.check()
    assert ValueStory.objects.filter(title="Checklist bij oplevering", cycle="applied").exists()

    facilitator = open_page()
    facilitator.use_session_of(hand.people["olga"])
    fpage = facilitator.page
    for width in (1280, 360):
        fpage.set_viewport_size({"width": width, "height": 800})
        facilitator.visit(f"/monitor/{hand.community.slug}/verhalen/?cycle=applied")
        assert _overflow(fpage) <= 0
        assert "Checklist bij oplevering" in fpage.content()
    fpage.get_by_role("button", name="Voorstellen als les").press("Enter")
    facilitator.check()
    assert ValueStory.objects.get(title="Checklist bij oplevering").proposed_lesson_id is not None
