"""Walk-through: a member proposes a topic as a lesson, a facilitator-editor accepts (a draft lesson), fills it in in the Wagtail admin
and submits it; a reviewer approves; a member finds the lesson with a search and a facet and opens
its discussion. Public pages are checked with axe; the /cms/ admin pages are marked as seen.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-sterk-wachtwoord-2026"


def _admin_seen(tab: Any) -> None:
    tab.page.wait_for_load_state("load")
    tab.checked.add(tab.page.url.split("#")[0])


def _wait_until_stored(page: Any, name: str, text: str) -> None:
    """Wait until Draftail has written the typed text to the form's hidden input. It does so on a timer, not
    on every key; a form sent before that carries an empty paragraph (which the submit now refuses)."""
    page.wait_for_function(
        "([name, text]) => (document.querySelector(`input[name='${name}']`)?.value || '').includes(text)",
        arg=[name, text],
    )


def _type_rich_text(page: Any, field: str, text: str) -> None:
    editor = page.locator(f"[data-field-input] input[name='{field}'] ~ div .public-DraftEditor-content").first
    if not editor.count():
        editor = page.locator(
            f"#panel-child-content-{field}-section .public-DraftEditor-content, "
            f"[id$='{field}-section'] .public-DraftEditor-content"
        ).first
    editor.click()
    page.keyboard.type(text)
    _wait_until_stored(page, field, text)


def test_promote_edit_review_find_and_discuss(open_page: Any, make_user: Any) -> None:
    from forum import services as forum_services
    from forum.models import Membership, MembershipState, Role
    from knowledge_base.models import LessonPage
    from knowledge_base.services import ensure_knowledge_tree

    ensure_knowledge_tree()
    editor = make_user("Marieke Dijkstra", email="marieke@example.nl", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Redacteuren"))
    reviewer = make_user("Femke Kuipers", email="femke@example.nl", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    member = make_user("Sanne de Vries", email="sanne@example.nl", password=PASSWORD)
    community = forum_services.create_community(
        actor=editor,
        name="Warmtekring Delft",
        kind="kenniskring",
        description="Installateurs en studenten over warmtepompen.",
        waaromvraag="Samen de warmtetransitie leren.",
    )
    Membership.objects.create(community=community, user=member, role=Role.MEMBER, state=MembershipState.ACTIVE)
    topic = forum_services.create_topic(
        actor=member, room=community.rooms.get(), title="Laat studenten meedraaien bij warmtepompinstallaties"
    )
    forum_services.post_message(
        actor=member, topic=topic, body="Studenten leren het meest op de bouwplaats.", client_id=uuid.uuid4()
    )

    # 1. The member proposes the conversation as a lesson (members used to get a 404).
    proposer = open_page()
    proposer.log_in("sanne@example.nl", PASSWORD)
    page = proposer.visit(f"/kennisbank/onderwerp/{topic.pk}/naar-les/")
    page.locator("textarea[name=note]").fill("Dit helpt andere kringen met stages.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(topic.get_absolute_url())))
    proposer.check()  # the topic page, with the thank-you message, through axe

    # 2. The facilitator (also an editor) accepts the proposal: the draft lesson is made.
    tab = open_page()
    tab.log_in("marieke@example.nl", PASSWORD)
    page = tab.visit("/kennisbank/voorstellen/")
    assert "Dit helpt andere kringen met stages." in page.content()
    page.locator("main form.kb-decision button[value=accept]").click()
    page.wait_for_url(re.compile(r"/cms/pages/\d+/edit/"))
    _admin_seen(tab)
    lesson = LessonPage.objects.get()
    assert not lesson.live and lesson.origin_topic_id == topic.pk

    # 2. Fills in Waarom, Hoe and Waartoe and a sector in the Wagtail admin, and submits it for review.
    _type_rich_text(page, "waarom", "Op de bouwplaats zien studenten hoe een warmtepomp echt werkt.")
    _type_rich_text(page, "waartoe", "Studenten die zelfstandig een warmtepomp installeren.")
    hoe = page.locator("[id$='hoe-section']").first
    hoe.locator("button[title], button.c-sf-add-button").first.click()
    page.locator("[role=option], .w-combobox__option").filter(has_text=re.compile("Alinea|Paragraph")).first.click()
    page.locator("[id$='hoe-section'] .public-DraftEditor-content").first.click()
    page.keyboard.type("Spreek met de installateur af welke taken studenten doen.")
    _wait_until_stored(page, "hoe-0-value", "Spreek met de installateur")
    page.locator("a[href='#tab-taxonomy-and-origin'], [role=tab]").filter(
        has_text=re.compile("Indeling|Taxonomy")
    ).first.click()
    page.get_by_label("Energie").first.check()
    page.locator("button[name='action-submit']").evaluate("button => button.click()")
    page.wait_for_url(re.compile(r"/cms/pages/\d+/$"))
    _admin_seen(tab)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    if lesson.current_workflow_state is None:
        page.screenshot(path="/tmp/kb_submit.png", full_page=True)
        errors = page.locator(
            ".error-message, .w-field__errors, .help-critical, [role=alert], .messages"
        ).all_inner_texts()
        raise AssertionError(f"not submitted: {page.url} {errors}")
    assert not lesson.live

    # 3. The reviewer approves, which publishes.
    review = open_page()
    review.log_in("femke@example.nl", PASSWORD)
    page = review.page
    page.goto(review.base_url + f"/cms/pages/{lesson.pk}/edit/")
    _admin_seen(review)
    page.locator("input[name='hoe-0-value']").wait_for(state="attached")  # the Hoe stream is set up
    approve = page.locator("button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])").first
    with page.expect_navigation():
        approve.evaluate("button => button.click()")
    _admin_seen(review)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.live, (page.url, page.locator(".messages, .error-message, .w-field__errors").all_inner_texts())

    # 4. A member finds it by searching with a facet and opens its discussion.
    reader = open_page()
    reader.log_in("sanne@example.nl", PASSWORD)
    page = reader.visit("/kennisbank/zoeken/?q=warmtepomp")
    page.get_by_label(re.compile(r"^Energie")).check()
    page.locator(".facets button[type=submit]").click()
    reader.check()
    assert "sector=energie" in page.url
    assert page.locator("mark").first.is_visible()
    page.get_by_role("link", name=re.compile("warmtepompinstallaties")).first.click()
    reader.check()
    assert page.locator("text=Studenten leren het meest op de bouwplaats.").first.is_visible()
    page.get_by_role("link", name="Bespreek deze les").click()
    reader.check()
    assert f"/gemeenschappen/onderwerp/{topic.pk}/" in page.url


# Last: it seeds the whole demo, which the walk-through above must not start from.
def test_public_pages_of_the_seeded_knowledge_base_pass_axe(open_page: Any) -> None:
    from demo import knowledge_base as demo
    from knowledge_base.models import LessonPage, PilotPage, ThemePage

    demo.seed(lambda line: None)
    tab = open_page()
    tab.visit("/kennisbank/")
    tab.visit("/kennisbank/lessen/")
    tab.visit("/kennisbank/pilots/")
    tab.visit(ThemePage.objects.get(slug="mentoring").url)
    tab.visit(PilotPage.objects.get(slug="fieldlab-duurzaamheidsfabriek").url)
    # Lessons with a table, a checklist, numbered actions and a quotation.
    for slug in ["combineer-nationale-en-regionale-investeringen", "start-met-de-waaromvraag", "coach-lerenden"]:
        page = tab.visit(LessonPage.objects.get(slug=slug).url)
        assert page.locator("#waarom").is_visible() and page.locator("#waartoe").is_visible()
    page = tab.visit("/kennisbank/zoeken/?q=netwerken&type=lesson")
    assert page.locator("mark").count() > 0
    page = tab.visit("/kennisbank/zoeken/?q=qqqxyz")
    assert page.locator(".empty-state").is_visible()
    assert tab.page.request.get(tab.base_url + "/api/v2/lessons/?factor=two_way_mentoring").ok
