"""From conversation to knowledge and back: promote a topic to a draft lesson; discuss a published lesson."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.template import Context, Template
from django.test import RequestFactory

from forum import services as forum_services
from forum.models import Membership, MembershipState, Role, Topic
from knowledge_base import services
from knowledge_base.models import LessonPage, LessonSource, Source
from knowledge_base.selectors import lesson_status_for_topic

pytestmark = pytest.mark.django_db

HOE = [{"type": "paragraph", "value": "<p>Begin klein.</p>"}]


@pytest.fixture
def conversation(make_user: Any, kb_tree: Any) -> dict[str, Any]:
    facilitator = make_user("Marieke Facilitator", email="marieke@example.test")
    member = make_user("Sanne Lid", email="sanne@example.test")
    community = forum_services.create_community(
        actor=facilitator,
        name="Warmtekring Delft",
        kind="kenniskring",
        description="Installateurs en studenten over warmtepompen.",
        waaromvraag="Samen de warmtetransitie leren.",
    )
    Membership.objects.update_or_create(
        community=community, user=member, defaults={"role": Role.MEMBER, "state": MembershipState.ACTIVE}
    )
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=member, room=room, title="Laat studenten meedraaien bij installaties")
    first = forum_services.post_message(
        actor=member, topic=topic, body="Bij ons leren studenten het meest op de bouwplaats.", client_id=uuid.uuid4()
    )
    second = forum_services.post_message(
        actor=facilitator, topic=topic, body="Wat hebben jullie met de werkgevers afgesproken?", client_id=uuid.uuid4()
    )
    third = forum_services.post_message(
        actor=member, topic=topic, body="Off-topic: wie heeft er een ladder?", client_id=uuid.uuid4()
    )
    return {
        "facilitator": facilitator,
        "member": member,
        "community": community,
        "topic": topic,
        "messages": [first, second, third],
    }


def test_facilitator_promotes_topic_to_draft_lesson_with_digest_and_link_back(conversation: dict[str, Any]) -> None:
    topic = conversation["topic"]
    first, second, _third = conversation["messages"]
    lesson = services.promote_topic_to_lesson(
        actor=conversation["facilitator"], topic=topic, message_ids=[first.pk, second.pk]
    )
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert not lesson.live
    assert lesson.title == topic.title
    assert lesson.origin_topic == topic
    assert lesson.origin_community == conversation["community"]
    assert lesson.discussion_topic == topic
    assert "Sanne Lid" in lesson.conversation_digest and "Marieke Facilitator" in lesson.conversation_digest
    assert "bouwplaats" in lesson.conversation_digest
    assert "ladder" not in lesson.conversation_digest
    assert lesson.revisions.count() == 1
    # The topic shows that a lesson is being written; promoting again returns the same draft.
    status = lesson_status_for_topic(topic=topic)
    assert status is not None and status.state == "drafting"
    again = services.promote_topic_to_lesson(actor=conversation["facilitator"], topic=topic)
    assert again.pk == lesson.pk


def test_members_cannot_promote(conversation: dict[str, Any], client: Any) -> None:
    with pytest.raises(services.PromotionError):
        services.promote_topic_to_lesson(actor=conversation["member"], topic=conversation["topic"])
    client.force_login(conversation["member"])
    # A member gets the proposal form (it answered 404), never a draft of their own.
    page = client.get(f"/kennisbank/onderwerp/{conversation['topic'].pk}/naar-les/")
    assert page.status_code == 200
    assert 'name="note"' in page.content.decode()
    assert LessonPage.objects.count() == 0


def test_a_member_proposes_and_a_facilitator_accepts(conversation: dict[str, Any], make_user: Any, client: Any) -> None:
    from knowledge_base.models import LessonProposal, ProposalStatus

    topic, member, facilitator = conversation["topic"], conversation["member"], conversation["facilitator"]
    url = f"/kennisbank/onderwerp/{topic.pk}/naar-les/"
    client.force_login(member)
    assert "Voorstellen als les" in client.get(topic.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    response = client.post(url, {"note": "Dit helpt andere kringen."})
    assert response.status_code == 302
    proposal = LessonProposal.objects.get(topic=topic)
    assert (proposal.proposer, proposal.status, proposal.note) == (
        member,
        ProposalStatus.PENDING,
        "Dit helpt andere kringen.",
    )
    client.post(url, {"note": "nog eens"})  # the same open proposal, not a second one
    assert LessonProposal.objects.filter(topic=topic).count() == 1
    assert client.get("/kennisbank/voorstellen/").content.decode().count("kb-decision") == 0  # members do not decide
    assert client.post(f"/kennisbank/voorstellen/{proposal.pk}/besluit/", {"decision": "accept"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page

    client.force_login(facilitator)
    listing = client.get("/kennisbank/voorstellen/").content.decode()
    assert topic.title in listing and "Dit helpt andere kringen." in listing
    response = client.post(f"/kennisbank/voorstellen/{proposal.pk}/besluit/", {"decision": "accept"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decided_by == facilitator
    lesson = LessonPage.objects.get(origin_topic=topic)
    assert proposal.lesson == lesson and not lesson.live
    again = client.post(f"/kennisbank/voorstellen/{proposal.pk}/besluit/", {"decision": "decline"})
    assert again.status_code == 302  # already decided: a message, no change
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_an_editor_who_reads_the_conversation_decides_too(conversation: dict[str, Any], make_user: Any) -> None:
    from knowledge_base.models import ProposalStatus

    proposal = services.propose_topic_as_lesson(actor=conversation["member"], topic=conversation["topic"])
    editor = make_user("Eva Redacteur", email="eva-proposal@example.test")
    editor.groups.add(Group.objects.get(name="Redacteuren"))
    Membership.objects.create(
        community=conversation["community"], user=editor, role=Role.MEMBER, state=MembershipState.ACTIVE
    )
    decided = services.decide_proposal(actor=editor, proposal=proposal, accept=False)
    assert decided.status == ProposalStatus.DECLINED and decided.decided_at is not None


def test_promote_view_creates_draft_and_sends_editors_to_the_admin(conversation: dict[str, Any], client: Any) -> None:
    facilitator = conversation["facilitator"]
    facilitator.groups.add(Group.objects.get(name="Redacteuren"))
    client.force_login(facilitator)
    url = f"/kennisbank/onderwerp/{conversation['topic'].pk}/naar-les/"
    page = client.get(url)
    assert page.status_code == 200
    assert "bouwplaats" in page.content.decode()
    first = conversation["messages"][0]
    response = client.post(url, {"message": [str(first.pk)]})
    lesson = LessonPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cms/pages/{lesson.pk}/edit/"
    assert "bouwplaats" in lesson.conversation_digest


def test_promoted_lesson_publishes_with_topic_as_origin_and_topic_links_to_it(
    conversation: dict[str, Any], client: Any
) -> None:
    topic = conversation["topic"]
    lesson = services.promote_topic_to_lesson(actor=conversation["facilitator"], topic=topic)
    lesson = lesson.get_latest_revision_as_object()
    lesson.waarom = "<p>Studenten leren het meest in het echte werk.</p>"
    lesson.hoe = HOE
    lesson.waartoe = "<p>Studenten die zelfstandig installeren.</p>"
    assert lesson.publish_problems() == []  # the origin topic counts as origin; no source needed
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert lesson.live
    status = lesson_status_for_topic(topic=topic)
    assert status is not None and status.state == "published" and status.url == lesson.url
    # The template tag the topic page uses.
    request = RequestFactory().get("/")
    request.user = conversation["member"]
    html = Template("{% load knowledge_base_tags %}{% topic_lesson_status topic %}").render(
        Context({"topic": topic, "request": request})
    )
    assert lesson.url in html

    # The lesson shows its discussion: the latest messages, for members who may read the room.
    client.force_login(conversation["member"])
    body = client.get(lesson.url).content.decode()
    assert topic.get_absolute_url() in body
    assert "ladder" in body
    client.logout()
    body = client.get(lesson.url).content.decode()
    assert "ladder" not in body  # anonymous visitors see the link, not the messages


def test_discuss_starts_a_topic_in_the_general_knowledge_room(
    kb_tree: Any, make_lesson: Any, make_user: Any, client: Any
) -> None:
    lesson = make_lesson("Combineer investeringen")
    reader = make_user("Henk Lezer", email="henk@example.test")
    client.force_login(reader)
    url = f"/kennisbank/les/{lesson.pk}/bespreken/"
    room = forum_services.ensure_knowledge_room()
    # Not a member of the knowledge community yet: asked to join, nothing created.
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == room.community.get_absolute_url()
    assert Topic.objects.filter(room=room).count() == 0
    Membership.objects.create(community=room.community, user=reader, role=Role.MEMBER, state=MembershipState.ACTIVE)
    response = client.post(url)
    topic = Topic.objects.get(room=room)
    assert response["Location"] == topic.get_absolute_url()
    assert LessonPage.objects.get(pk=lesson.pk).discussion_topic == topic
    assert client.post(url)["Location"] == topic.get_absolute_url()  # no second topic
    assert Topic.objects.filter(room=room).count() == 1
    assert LessonPage.objects.get(pk=lesson.pk).revisions.count() == 1


def test_deleting_the_origin_topic_keeps_the_lesson(conversation: dict[str, Any]) -> None:
    topic = conversation["topic"]
    lesson = services.promote_topic_to_lesson(actor=conversation["facilitator"], topic=topic)
    source, _ = Source.objects.get_or_create(title="Kennis uit de kringen", year=2007)
    draft = lesson.get_latest_revision_as_object()
    draft.sources.add(LessonSource(source=source))
    draft.save_revision()
    topic.delete()
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.origin_topic is None and lesson.discussion_topic is None
    restored = lesson.get_latest_revision_as_object()
    assert restored.origin_topic_id is None


def test_a_promoted_draft_is_on_the_editors_dashboard(conversation: Any, make_user: Any, client: Any) -> None:
    from django.contrib.auth.models import Group

    from knowledge_base.services import promote_topic_to_lesson

    lesson = promote_topic_to_lesson(actor=conversation["facilitator"], topic=conversation["topic"])
    editor = make_user("Eva", email="eva-dashboard@example.test")
    editor.groups.add(Group.objects.get(name="Redacteuren"))
    client.force_login(editor)
    body = client.get("/cms/").content.decode()
    assert "kring-promoted-drafts" in body
    assert f"/cms/pages/{lesson.pk}/edit/" in body
    assert conversation["topic"].title in body


def test_is_editor_agrees_with_wagtails_page_permissions_in_one_query(
    make_user: Any, kb_tree: Any, django_assert_max_num_queries: Any
) -> None:
    """The topic page asks every reader who does not facilitate whether they are an editor; the
    one-query answer must be Wagtail's own (add a page under the lessons index)."""
    from knowledge_base.models import LessonIndexPage
    from knowledge_base.permissions import is_editor

    index = LessonIndexPage.objects.get()
    people = {
        "member": make_user("Mo Lid", email="mo@example.test"),
        "editor": make_user("Eva Redacteur", email="eva-rule@example.test"),
        "reviewer": make_user("Rob Reviewer", email="rob-rule@example.test"),
        "wagtail editor": make_user("Wim Wagtail", email="wim-rule@example.test"),
        "inactive editor": make_user("Ida Inactief", email="ida-rule@example.test"),
        "superuser": make_user("Stef Super", email="stef-rule@example.test"),
    }
    people["editor"].groups.add(Group.objects.get(name="Redacteuren"))
    people["reviewer"].groups.add(Group.objects.get(name="Reviewers"))
    people["wagtail editor"].groups.add(Group.objects.get(name="Editors"))
    people["inactive editor"].groups.add(Group.objects.get(name="Redacteuren"))
    people["inactive editor"].is_active = False
    people["inactive editor"].save()
    people["superuser"].is_superuser = True
    people["superuser"].save()
    answers = {}
    for label, user in people.items():
        with django_assert_max_num_queries(1):
            answers[label] = is_editor(actor=user)
        assert answers[label] == index.permissions_for_user(user).can_add_subpage(), label
    assert answers == {
        "member": False,
        "editor": True,
        "reviewer": True,
        "wagtail editor": True,
        "inactive editor": False,
        "superuser": True,
    }
