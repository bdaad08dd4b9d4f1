"""Two-way mentoring end to end: suggestions with reasons → proposal → acceptance → an
agreement with goals each way signed by both → a message in their private room, delivered
live → a session with a reflection → the coordinator sees the pair. Axe on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.mentoring import conftest as mentoring_fixtures
from tests.peers.ical import parse_ics

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"

# The mentoring test fixtures, shared with this browser test.
skills = mentoring_fixtures.skills
mentee_mentor = mentoring_fixtures.mentee_mentor
programme_factory = mentoring_fixtures.programme_factory
_fresh_tables = mentoring_fixtures._fresh_tables


@pytest.fixture
def cohort(mentee_mentor: Any, programme_factory: Any, make_user: Any) -> dict[str, Any]:
    sanne = mentee_mentor(
        "Sanne de Vries",
        email="sanne@example.test",
        years=2,
        offers=("Data-analyse",),
        wants=("Klantgesprekken voeren",),
    )
    henk = mentee_mentor(
        "Henk Bakker",
        email="henk@example.test",
        years=28,
        offers=("Klantgesprekken voeren",),
        wants=("Data-analyse",),
    )
    gerrit = mentee_mentor("Gerrit Bos", years=30, offers=("Robotica",), wants=("Pitchen",))
    coordinator = make_user(name="Ingrid Postma", email="ingrid@example.test")
    programme = programme_factory(coordinator=coordinator, members=(sanne, henk, gerrit), name="Samen duiken")
    return {"sanne": sanne, "henk": henk, "coordinator": coordinator, "programme": programme}


def test_two_members_pair_up_agree_meet_and_the_coordinator_sees_them(open_page: Any, cohort: dict[str, Any]) -> None:
    from mentoring.models import Relationship

    # Sanne sees Henk among her suggestions, with the reasons both ways, and proposes.
    sanne_tab = open_page()
    page = sanne_tab.log_in("sanne@example.test", PASSWORD)
    page = sanne_tab.visit(f"/mentoring/suggesties/?programme={cohort['programme'].pk}")
    card = page.locator("li.suggestion", has_text="Henk Bakker")
    assert card.is_visible()
    card.locator("summary").click()  # the reasons open on request
    assert "Henk Bakker kan jou leren: Klantgesprekken voeren" in card.inner_text()
    assert "jij kunt Henk Bakker leren: Data-analyse" in card.inner_text()
    card.get_by_label("Bericht aan Henk Bakker (niet verplicht)").fill("Zullen we van elkaar leren?")
    card.get_by_role("button", name="Stel voor aan Henk Bakker").click()
    sanne_tab.check()
    rel = Relationship.objects.get()
    assert page.url.endswith(rel.get_absolute_url())

    # Henk finds the proposal under his mentoring, accepts, writes the agreement and signs.
    henk_tab = open_page()
    page = henk_tab.log_in("henk@example.test", PASSWORD)
    page = henk_tab.visit("/mentoring/")
    page.get_by_role("link", name="Met Sanne de Vries").first.click()
    henk_tab.check()
    page.get_by_role("button", name="Accepteren").click()
    henk_tab.check()
    page.get_by_role("link", name="Afspraken opschrijven").click()
    henk_tab.check()
    page.get_by_label("Mijn leerdoelen").fill("Een dashboard lezen en zelf bijstellen")
    page.get_by_label("Leerdoelen van Sanne de Vries").fill("Zelf een adviesgesprek met een klant leiden")
    page.get_by_label("Ritme van afspreken").fill("Elke drie weken een uur")
    page.get_by_role("button", name="Afspraken opslaan").click()
    henk_tab.check()
    page.get_by_role("button", name="Afspraken tekenen").click()
    henk_tab.check()
    page.get_by_role("button", name="Mijn coördinator mag meekijken").click()
    henk_tab.check()

    # Sanne reads the agreement with goals for both of them and signs: the pair is active.
    page = sanne_tab.visit(rel.get_absolute_url())
    assert "Zelf een adviesgesprek met een klant leiden" in page.locator("main").inner_text()
    assert "Een dashboard lezen en zelf bijstellen" in page.locator("main").inner_text()
    page.get_by_role("button", name="Afspraken tekenen").click()
    sanne_tab.check()
    assert page.locator("[data-status]").inner_text() == "Actief"
    page.get_by_role("button", name="Mijn coördinator mag meekijken").click()
    sanne_tab.check()

    # Their private room: both open the conversation; Sanne writes, Henk sees it arrive live.
    page.get_by_role("link", name="Open onze ruimte").click()
    sanne_tab.check()
    page.locator("main a", has_text="gesprek").first.click()
    sanne_tab.check()
    topic_path = page.url.replace(sanne_tab.base_url, "")
    henk_page = henk_tab.visit(topic_path)
    page.locator("[data-live-topic][data-connected]").wait_for()
    henk_page.locator("[data-live-topic][data-connected]").wait_for()
    page.get_by_label("Je bericht").fill("Fijn dat we gaan beginnen! Dinsdag om tien uur?")
    page.get_by_role("button", name="Versturen").click()
    henk_page.locator(".message-body", has_text="Dinsdag om tien uur?").wait_for()
    assert henk_page.url.endswith(page.url.replace(sanne_tab.base_url, ""))  # no reload: it came over the socket
    sanne_tab.check()
    henk_tab.check()

    # Sanne plans their first session with a video link; the invitation is an .ics that an
    # independent parser (ical.js) reads, downloadable from the pair's page.
    page = sanne_tab.visit(rel.get_absolute_url())
    page.get_by_role("link", name="Sessie plannen").click()
    sanne_tab.check()
    day = dt.date.today() + dt.timedelta(days=7)
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tijd:", exact=True).fill("10:00")
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Videolink").fill("https://meet.example.test/sanne-henk")
    page.get_by_role("button", name="Sessie plannen").click()
    sanne_tab.check()
    planned = page.locator(".planned-session").first
    href = planned.get_by_role("link", name="In mijn agenda zetten (.ics)").get_attribute("href")
    ics = page.request.get(sanne_tab.base_url + href)
    assert ics.headers["content-type"].startswith("text/calendar")
    event = parse_ics(ics.body())["events"][0]
    assert event["url"] == "https://meet.example.test/sanne-henk"
    assert event["timezone"] == "Europe/Amsterdam"
    assert event["start"].startswith(day.isoformat())

    # Sanne logs their first session with her own reflection.
    page = sanne_tab.visit(rel.get_absolute_url())
    page.get_by_role("link", name="Sessie vastleggen").click()
    sanne_tab.check()
    page.get_by_label("Datum").fill(dt.date.today().isoformat())
    page.get_by_label("Online", exact=True).check()
    page.get_by_label("Gedeelde aantekeningen").fill("Kennisgemaakt en onze leervragen naast elkaar gelegd.")
    page.get_by_label("Wat ging goed, en waarom?").fill("We stelden elkaar echte vragen uit ons werk.")
    page.get_by_label("Wat zijn je leerpunten?").fill("Eerst de vraag scherp maken.")
    page.get_by_role("button", name="Sessie opslaan").click()
    sanne_tab.check()
    assert "We stelden elkaar echte vragen uit ons werk." in page.locator("main").inner_text()

    # Henk sees the shared notes but not Sanne's unshared reflection.
    page = henk_tab.visit(rel.get_absolute_url())
    main = page.locator("main").inner_text()
    assert "Kennisgemaakt en onze leervragen naast elkaar gelegd." in main
    assert "We stelden elkaar echte vragen uit ons werk." not in main

    # The coordinator sees the active pair on the dashboard and, as both allowed it, can open it.
    coordinator_tab = open_page()
    coordinator_tab.log_in("ingrid@example.test", PASSWORD)
    page = coordinator_tab.visit(f"/mentoring/programmas/{cohort['programme'].slug}/dashboard/")
    row = page.locator("tr.pair-row", has_text="Sanne de Vries")
    assert "Henk Bakker" in row.inner_text() and "Actief" in row.inner_text()

    row.get_by_role("link", name="Koppel openen").click()
    coordinator_tab.check()
    assert "Kennisgemaakt en onze leervragen naast elkaar gelegd." in page.locator("main").inner_text()
    assert "We stelden elkaar echte vragen uit ons werk." not in page.locator("main").inner_text()

    # Both close the pair with what they taught and learned and the closing survey; when both have
    # closed, the pair has ended and its room can be read but no longer written in.
    for tab, taught, learned in (
        (sanne_tab, "Hoe ik data-analyse aanpak.", "Een klantgesprek voorbereiden."),
        (henk_tab, "Een klantgesprek voorbereiden.", "Hoe je met data een vraag scherp krijgt."),
    ):
        page = tab.visit(rel.get_absolute_url())
        page.get_by_role("link", name="Ons koppel afsluiten").click()
        tab.check()
        page.get_by_role("button", name="Opslaan").click()  # nothing filled in: field errors, nothing lost
        assert page.locator(".field-error, .errorlist").first.is_visible()
        tab.check()
        page.get_by_label("Wat heb je de ander geleerd?").fill(taught)
        page.get_by_label("Wat heb je geleerd?", exact=True).fill(learned)
        page.get_by_label("5 – Heel tevreden").check()
        page.get_by_label("Allemaal").check()
        page.get_by_label("Ja", exact=True).check()
        page.get_by_role("button", name="Opslaan").click()
        tab.check()
    rel.refresh_from_db()
    assert rel.status == "completed", rel.status
    page = sanne_tab.visit(topic_path)
    sanne_tab.check()
    assert "Fijn dat we gaan beginnen!" in page.locator("main").inner_text()
    assert page.get_by_label("Je bericht").count() == 0  # archived: read, not written in


def test_a_coordinator_reviews_a_round_with_a_locked_and_a_forbidden_pair(
    open_page: Any, mentee_mentor: Any, programme_factory: Any, make_user: Any
) -> None:
    from mentoring.models import Relationship, RoundPair

    young = [
        mentee_mentor(f"Jong {n}", years=i, offers=("Data-analyse",), wants=("Klantgesprekken voeren",))
        for i, n in enumerate(("Anna", "Bram", "Chris"))
    ]
    old = [
        mentee_mentor(f"Oud {n}", years=20 + i, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
        for i, n in enumerate(("Dirk", "Eva", "Fleur"))
    ]
    coordinator = make_user(name="Ingrid Postma", email="ingrid@example.test")
    programme = programme_factory(coordinator=coordinator, members=(*young, *old), matching_mode="round")
    tab = open_page()
    tab.log_in("ingrid@example.test", PASSWORD)
    page = tab.visit(f"/mentoring/programmas/{programme.slug}/dashboard/")
    page.get_by_label("Minimale score").fill("10")
    page.get_by_role("button", name="Koppelronde starten").click()
    tab.check()
    cards = page.locator("li.round-pair")
    assert cards.count() == 3
    # Each pair with its reasons, on request.
    cards.first.locator("summary").click()
    assert "punt" in cards.first.inner_text()
    first, second = list(RoundPair.objects.order_by("-score", "pk"))[:2]
    locked_name = f"{first.person_a.display_name} & {first.person_b.display_name}"
    forbidden_name = f"{second.person_a.display_name} & {second.person_b.display_name}"
    page.get_by_role("button", name=f"{locked_name} vastzetten").click()
    tab.check()
    page.get_by_role("button", name=f"{forbidden_name} verbieden").click()
    tab.check()
    page.get_by_role("button", name="Ronde opnieuw draaien").click()
    tab.check()
    assert page.locator("li.round-pair[data-state=locked]", has_text=locked_name).is_visible()
    assert page.locator("li.round-pair[data-state=forbidden]", has_text=forbidden_name).is_visible()
    page.get_by_role("button", name="Ronde publiceren").click()
    tab.check()
    made = {(r.person_a_id, r.person_b_id) for r in Relationship.objects.all()}
    assert (first.person_a_id, first.person_b_id) in made
    assert (second.person_a_id, second.person_b_id) not in made


def test_a_new_member_sets_up_a_profile_in_four_steps_with_the_keyboard(
    open_page: Any, mentee_mentor: Any, make_user: Any
) -> None:
    """The guided profile: time, what I offer, what I want to learn (skills from a combobox, chosen
    by typing and Enter), preferences; then suggestions, with the counterpart among them."""
    from accounts.models import Language

    mentee_mentor("Henk Bakker", years=28, offers=("Klantgesprekken voeren",), wants=("Data-analyse",))
    newcomer = make_user(name="Noor Nieuw", email="noor@example.test")
    newcomer.profile.languages.set(Language.objects.filter(code="nl"))
    tab = open_page()
    tab.log_in("noor@example.test", PASSWORD)
    page = tab.visit("/mentoring/profiel/")
    assert page.get_by_role("heading", name="Stap 1 van 4: Tijd en afspreken").is_visible()
    page.get_by_label("Jaren werkervaring").fill("2")
    page.get_by_label("Beschikbare uren per maand").fill("4")
    page.get_by_role("button", name="Opslaan en verder").click()
    tab.check()

    for step, typed, skill in (
        ("Stap 2 van 4", "data-an", "Data-analyse"),
        ("Stap 3 van 4", "klantgespr", "Klantgesprekken voeren"),
    ):
        assert page.get_by_role("heading", name=step).first.is_visible()
        combobox = page.get_by_role("combobox", name="Vaardigheid toevoegen")
        combobox.fill(typed)
        combobox.press("ArrowDown")
        combobox.press("Enter")
        page.locator("[data-skill-rows]").get_by_text(skill, exact=True).wait_for()
        tab.check()
        page.get_by_role("button", name="Opslaan en verder").click()
        tab.check()

    assert page.get_by_role("heading", name="Stap 4 van 4: Voorkeuren").is_visible()
    page.get_by_role("button", name="Opslaan en mijn matches bekijken").click()
    tab.check()
    assert "Henk Bakker" in page.locator("main").inner_text()
    profile = newcomer.mentoring_profile
    assert sorted(profile.offers.values_list("skill__name", flat=True)) == ["Data-analyse"]
    assert sorted(profile.wants.values_list("skill__name", flat=True)) == ["Klantgesprekken voeren"]


def test_a_pair_that_stops_early_can_still_look_back(open_page: Any, cohort: dict[str, Any]) -> None:
    from mentoring import services
    from mentoring.models import Closing, Status

    sanne, henk = cohort["sanne"], cohort["henk"]
    rel = services.propose(actor=sanne, other=henk, programme=cohort["programme"])
    services.respond(actor=henk, relationship=rel, accept=True)
    # Henk stops the pair from its page; Sanne is then offered the closing survey all the same.
    henk_tab = open_page()
    henk_tab.use_session_of(henk)
    page = henk_tab.visit(rel.get_absolute_url())
    page.get_by_text("Voortijdig stoppen").click()
    page.get_by_label("Waarom stoppen jullie voortijdig?").fill("Ik krijg een andere baan.")
    page.get_by_role("button", name="Ons koppel beëindigen").click()
    henk_tab.check()
    rel.refresh_from_db()
    assert rel.status == Status.ENDED_EARLY
    sanne_tab = open_page()
    sanne_tab.use_session_of(sanne)
    page = sanne_tab.visit(rel.get_absolute_url())
    page.get_by_role("link", name="Terugkijken op ons koppel").click()
    sanne_tab.check()
    assert "voortijdig gestopt" in page.locator("main").inner_text()
    page.get_by_label("Wat heb je de ander geleerd?").fill("Hoe ik data-analyse aanpak.")
    page.get_by_label("Wat heb je geleerd?", exact=True).fill("Dat een goed begin veel scheelt.")
    page.get_by_label("3 – Neutraal").check()
    page.get_by_label("Een deel").check()
    page.get_by_label("Ja", exact=True).check()
    page.get_by_role("button", name="Opslaan").click()
    sanne_tab.check()
    assert "Je hebt je afsluiting geschreven." in page.locator("main").inner_text()
    closing = Closing.objects.get(relationship=rel, author=sanne)
    assert (closing.satisfaction, closing.goals_reached, closing.would_recommend) == (3, "some", True)
    rel.refresh_from_db()
    assert rel.status == Status.ENDED_EARLY
