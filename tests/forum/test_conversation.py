"""Issue 14's conversation back end: replies, mentions by identity, images and files, JSON answers,
the older-messages fragment, the members endpoint and the topic page's context."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from forum import services
from forum.errors import Invalid
from forum.models import Attachment, Message, Room, Topic, TopicReadState
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_community: Any, make_user: Any, owner: Any, add_member: Any) -> dict[str, Any]:
    community = make_community()
    room = community.rooms.get()
    member = make_user(name="Mia Member")
    add_member(community, member)
    topic = services.create_topic(actor=owner, room=room, title="Warmtepompen", body="Wie heeft ervaring?")
    other = services.create_topic(actor=owner, room=room, title="Elders", body="Iets anders")
    return {"community": community, "room": room, "member": member, "topic": topic, "other": other}


def _first(topic: Topic) -> Message:
    return Message.objects.filter(topic=topic).order_by("seq").first()  # type: ignore[return-value]


# --- replies ------------------------------------------------------------------------------------


def test_a_reply_links_back_and_tells_the_author_replied_to(client, world, owner) -> None:  # type: ignore[no-untyped-def]
    topic, member = world["topic"], world["member"]
    question = _first(topic)
    # The asker already has an unread reply notification in this topic: a direct reply still tells them.
    services.post_message(actor=member, topic=topic, body="Eerst dit", client_id=uuid.uuid4())
    assert Notification.objects.filter(user=owner, kind=NotificationKind.REPLY, read_at=None).count() == 1
    reply = services.post_message(
        actor=member, topic=topic, body="Ja, wij!", client_id=uuid.uuid4(), reply_to=question.pk
    )
    assert reply.reply_to_id == question.pk
    told = Notification.objects.filter(user=owner, kind=NotificationKind.REPLY, message_id=reply.pk).get()
    assert told.url.endswith(f"#m{reply.seq}")
    client.force_login(owner)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert f'<blockquote class="message-reply" data-reply-seq="{question.seq}"><a href="#m{question.seq}">' in html
    assert "Wie heeft ervaring?</blockquote>" in html


def test_a_reply_to_another_topic_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    elsewhere = _first(world["other"])
    with pytest.raises(Invalid) as refused:
        services.post_message(
            actor=world["member"], topic=world["topic"], body="x", client_id=uuid.uuid4(), reply_to=elsewhere.pk
        )
    assert refused.value.field == "reply_to"
    assert not Message.objects.filter(body="x").exists()


@pytest.mark.postgres
def test_the_database_keeps_a_reply_in_its_topic(world) -> None:  # type: ignore[no-untyped-def]
    mine, elsewhere = _first(world["topic"]), _first(world["other"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.filter(pk=mine.pk).update(reply_to=elsewhere)
        connection.check_constraints()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


# --- mentions by identity -----------------------------------------------------------------------


@pytest.fixture
def two_sannes(world, make_user, add_member) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    sannes = (make_user(name="Sanne de Vries"), make_user(name="Sanne de Vries"))
    for sanne in sannes:
        add_member(world["community"], sanne)
    return sannes


def test_a_mention_by_identity_notifies_exactly_that_member(world, two_sannes) -> None:  # type: ignore[no-untyped-def]
    first, second = two_sannes
    message = services.post_message(
        actor=world["member"],
        topic=world["topic"],
        body=f"Vraag aan @**Sanne de Vries|{second.pk}**",
        client_id=uuid.uuid4(),
    )
    assert f'href="{reverse("accounts:profile", args=[second.pk])}"' in message.body_html
    assert reverse("accounts:profile", args=[first.pk]) not in message.body_html
    mentioned = Notification.objects.filter(kind=NotificationKind.MENTION, message_id=message.pk)
    assert list(mentioned.values_list("user_id", flat=True)) == [second.pk]


def test_an_ambiguous_plain_mention_is_refused_and_a_unique_one_works(world, two_sannes, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid) as refused:
        services.post_message(
            actor=world["member"], topic=world["topic"], body="Hoi @**Sanne de Vries**", client_id=uuid.uuid4()
        )
    assert refused.value.field == "body" and refused.value.code == "ambiguous_mention"
    henk = make_user(name="Henk Bakker")
    add_member(world["community"], henk)
    message = services.post_message(
        actor=world["member"], topic=world["topic"], body="Hoi @**Henk Bakker**", client_id=uuid.uuid4()
    )
    assert Notification.objects.filter(kind=NotificationKind.MENTION, message_id=message.pk, user=henk).exists()


def test_a_mention_of_someone_who_cannot_read_the_room_is_not_linked(world, make_user, make_community) -> None:  # type: ignore[no-untyped-def]
    closed = make_community(visibility="on_request", name="Besloten")
    topic = services.create_topic(actor=closed.memberships.get().user, room=closed.rooms.get(), title="Binnen")
    outsider = make_user(name="Otto Buiten")
    message = services.post_message(
        actor=topic.created_by, topic=topic, body=f"@**Otto Buiten|{outsider.pk}**", client_id=uuid.uuid4()
    )
    assert "href" not in message.body_html
    assert not Notification.objects.filter(user=outsider).exists()


def test_the_members_endpoint(client, world, two_sannes, make_user, owner) -> None:  # type: ignore[no-untyped-def]
    url = reverse("forum:topic_members", args=[world["topic"].pk])
    client.force_login(world["member"])
    with CaptureQueriesContext(connection) as ctx:
        answer = client.get(url, {"q": "sanne"})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["id"] for r in results] == sorted(s.pk for s in two_sannes)
    assert results[0] == {
        "id": two_sannes[0].pk,
        "name": "Sanne de Vries",
        "organisation": "",
        "avatar_url": "",
        "initials": "SV",
        "mention": f"@**Sanne de Vries|{two_sannes[0].pk}**",
    }
    assert [r["name"] for r in client.get(url, {"q": "de vr"}).json()["results"]] == ["Sanne de Vries"] * 2
    assert len(client.get(url, {"q": ""}).json()["results"]) == 4  # owner, member, two Sannes
    # At most 8, in a bounded number of queries however many match.
    for i in range(12):
        from forum.models import Membership

        Membership.objects.create(community=world["community"], user=make_user(name=f"Sanne {i}"), state="active")
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(url, {"q": "sanne"}).json()["results"]) == 8
    assert len(more.captured_queries) == len(ctx.captured_queries)
    # Not a member of the room: 403 JSON, signed in or not.
    client.force_login(make_user(name="Niet Lid"))
    refused = client.get(url, {"q": "s"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    client.logout()
    assert client.get(url).status_code == 403


# --- images and files ---------------------------------------------------------------------------


def _jpeg(width: int, height: int, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = image.getexif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_an_image_gets_an_upright_thumbnail_and_needs_no_text(client, world, owner) -> None:  # type: ignore[no-untyped-def]
    topic, member = world["topic"], world["member"]
    upload = SimpleUploadedFile("schema.jpg", _jpeg(1600, 800, orientation=6), content_type="image/jpeg")
    message = services.post_message(
        actor=member, topic=topic, body="", client_id=uuid.uuid4(), attachments=[upload], captions=["Het schema"]
    )
    attachment = Attachment.objects.get(message=message)
    # EXIF orientation 6 (rotate 90°): stored upright, 800 × 1600, thumbnail 640 wide beside it.
    assert (attachment.width, attachment.height) == (800, 1600)
    assert (attachment.thumbnail_width, attachment.thumbnail_height) == (640, 1280)
    assert attachment.thumbnail.name.rsplit("/", 1)[0] == attachment.file.name.rsplit("/", 1)[0]
    with attachment.thumbnail.open("rb") as stored:
        assert Image.open(stored).size == (640, 1280)
    client.force_login(owner)
    html = client.get(topic.get_absolute_url()).content.decode()
    thumb = reverse("forum:attachment_thumbnail", args=[attachment.pk])
    assert f'<img src="{thumb}" alt="Het schema" width="640" height="1280" loading="lazy">' in html
    assert "<figcaption>Het schema</figcaption>" in html
    response = client.get(thumb)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_thumbnails_are_access_checked(client, world, make_user, make_community, add_member) -> None:  # type: ignore[no-untyped-def]
    closed = make_community(visibility="on_request", name="Besloten")
    insider = make_user(name="Ina Binnen")
    add_member(closed, insider)
    topic = services.create_topic(actor=insider, room=closed.rooms.get(), title="Binnen")
    upload = SimpleUploadedFile("foto.jpg", _jpeg(1000, 500), content_type="image/jpeg")
    message = services.post_message(actor=insider, topic=topic, body="", client_id=uuid.uuid4(), attachments=[upload])
    attachment = Attachment.objects.get(message=message)
    thumb = reverse("forum:attachment_thumbnail", args=[attachment.pk])
    client.force_login(make_user(name="Otto Buiten"))
    assert client.get(thumb).status_code == 404
    client.force_login(insider)
    assert client.get(thumb).status_code == 200
    services.delete_message(actor=insider, message=message)
    assert client.get(thumb).status_code == 404


def test_small_images_need_no_thumbnail_and_bombs_are_refused(world, settings) -> None:  # type: ignore[no-untyped-def]
    small = SimpleUploadedFile("klein.jpg", _jpeg(300, 200), content_type="image/jpeg")
    message = services.post_message(
        actor=world["member"], topic=world["topic"], body="", client_id=uuid.uuid4(), attachments=[small]
    )
    attachment = Attachment.objects.get(message=message)
    assert not attachment.thumbnail and (attachment.width, attachment.height) == (300, 200)
    # 10,000 × 10,000 pixels in a few kilobytes: refused from the header, before decoding.
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, format="PNG")
    with pytest.raises(Invalid) as refused:
        services.post_message(
            actor=world["member"],
            topic=world["topic"],
            body="",
            client_id=uuid.uuid4(),
            attachments=[SimpleUploadedFile("bom.png", bomb.getvalue(), content_type="image/png")],
        )
    assert refused.value.field == "attachments"
    with pytest.raises(Invalid):  # no text and no attachment: nothing to post
        services.post_message(actor=world["member"], topic=world["topic"], body=" ", client_id=uuid.uuid4())


# --- JSON answers -------------------------------------------------------------------------------


def test_the_topic_post_answers_json(client, world) -> None:  # type: ignore[no-untyped-def]
    topic = world["topic"]
    client.force_login(world["member"])
    url = topic.get_absolute_url()
    question = _first(topic)
    posted = client.post(
        url,
        {"body": "Via fetch", "client_id": str(uuid.uuid4()), "reply_to": question.pk},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 201
    stored = Message.objects.get(pk=posted.json()["id"])
    assert posted.json() == {"seq": stored.seq, "id": stored.pk} and stored.reply_to_id == question.pk
    refused = client.post(url, {"body": "", "client_id": str(uuid.uuid4())}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "body" and refused.json()["fields"]["body"]
    bad_form = client.post(url, {"body": "x", "client_id": "geen-uuid"}, HTTP_ACCEPT="application/json")
    assert bad_form.status_code == 400 and "client_id" in bad_form.json()["fields"]
    # Several files at once, each with its caption, no text.
    files = [
        SimpleUploadedFile("a.txt", b"een", content_type="text/plain"),
        SimpleUploadedFile("b.txt", b"twee", content_type="text/plain"),
    ]
    posted = client.post(
        url,
        {"body": "", "client_id": str(uuid.uuid4()), "attachments": files, "caption": ["Eerste", "Tweede"]},
        HTTP_ACCEPT="application/json",
    )
    assert posted.status_code == 201
    captions = (
        Attachment.objects.filter(message_id=posted.json()["id"]).order_by("pk").values_list("caption", flat=True)
    )
    assert list(captions) == ["Eerste", "Tweede"]


def test_message_actions_and_topic_management_answer_json(client, world, owner) -> None:  # type: ignore[no-untyped-def]
    topic, member = world["topic"], world["member"]
    question = _first(topic)
    client.force_login(member)
    react = reverse("forum:message_action", args=[question.pk, "react"])
    answer = client.post(react, {"emoji": "👍"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer.json() == {"ok": True}
    wrong = client.post(react, {"emoji": "x"}, HTTP_ACCEPT="application/json")
    assert wrong.status_code == 400 and wrong.json()["error"] == {
        "code": "invalid",
        "message": wrong.json()["error"]["message"],
        "field": "emoji",
    }
    pin = client.post(reverse("forum:message_action", args=[question.pk, "pin"]), HTTP_ACCEPT="application/json")
    assert pin.status_code == 403 and pin.json()["error"]["code"] == "forbidden"
    missing = client.post(reverse("forum:message_action", args=[999999, "pin"]), HTTP_ACCEPT="application/json")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    manage = reverse("forum:topic_manage", args=[topic.pk])
    assert client.post(manage, {"action": "resolve"}, HTTP_ACCEPT="application/json").status_code == 403
    client.force_login(owner)
    assert client.post(manage, {"action": "resolve"}, HTTP_ACCEPT="application/json").json() == {"ok": True}
    assert Topic.objects.get(pk=topic.pk).is_resolved
    bad = client.post(manage, {"action": "rename", "title": ""}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and bad.json()["fields"]["title"]
    # Without the header the pages answer as before: a redirect.
    assert client.post(manage, {"action": "unresolve"}).status_code == 302


# --- the older-messages fragment and the topic page ----------------------------------------------


def _fill(topic: Topic, author: Any, n: int) -> None:
    for i in range(n):
        services.post_message(actor=author, topic=topic, body=f"bericht {i}", client_id=uuid.uuid4())


def test_the_fragment_pages_back_by_seq_in_bounded_queries(client, world, owner) -> None:  # type: ignore[no-untyped-def]
    topic, member = world["topic"], world["member"]
    _fill(topic, member, 120)
    seqs = list(Message.objects.filter(topic=topic).order_by("seq").values_list("seq", flat=True))
    client.force_login(member)
    client.get("/")  # the visit's last-seen write happens once, on the first request
    url = reverse("forum:topic_older", args=[topic.pk])
    newest_page = seqs[-50:]
    with CaptureQueriesContext(connection) as first:
        response = client.get(url, {"before": newest_page[0]})
    html = response.content.decode()
    assert response["X-Has-Older"] == "1" and response["Content-Type"].startswith("text/html")
    import re

    shown = [int(s) for s in re.findall(r'<article class="message[^"]*" id="m(\d+)"', html)]
    assert shown == seqs[-100:-50]
    with CaptureQueriesContext(connection) as last:
        response = client.get(url, {"before": seqs[-100]})
    assert response["X-Has-Older"] == "0"
    assert [int(s) for s in re.findall(r'id="m(\d+)"', response.content.decode())] == seqs[:-100]
    assert len(last.captured_queries) == len(first.captured_queries) <= 6
    assert client.get(url)["X-Has-Older"] == "1"  # without ?before=: the newest page
    assert client.get(url, {"before": "x"}, HTTP_ACCEPT="application/json").json()["error"]["field"] == "before"


def test_the_page_knows_the_first_unread_and_shows_the_accepted_answer(
    client, world, owner, make_user, add_member
) -> None:  # type: ignore[no-untyped-def]
    room = world["room"]
    question = services.create_topic(actor=owner, room=room, title="Hoe?", body="Hoe doe je dat?", is_question=True)
    reader = make_user(name="Rik Reader")
    add_member(world["community"], reader)
    client.force_login(reader)
    client.get(question.get_absolute_url())
    # Opening the page marks nothing read; the browser's read frame for what came into sight does.
    assert not TopicReadState.objects.filter(user=reader, topic=question).exists()
    services.mark_read(actor=reader, room=Room.objects.get(pk=room.pk), seq=_first(question).seq, topic=question)
    answer = services.post_message(actor=world["member"], topic=question, body="Zo!", client_id=uuid.uuid4())
    services.post_message(actor=owner, topic=question, body="Dank", client_id=uuid.uuid4())
    services.accept_answer(actor=owner, topic=Topic.objects.get(pk=question.pk), message=answer)
    response = client.get(question.get_absolute_url())
    assert response.context["first_unread_seq"] == answer.seq
    assert f'data-first-unread-seq="{answer.seq}"' in str(response.context["messages_section_attrs"])
    html = response.content.decode()
    first = _first(question)
    assert (
        html.index(f'id="m{first.seq}"')
        < html.index('<section class="accepted-answer"')
        < html.index(f'id="m{answer.seq}"')
    )
    assert f'id="answer-m{answer.seq}"' in html and "data-accepted" in html
    # Opened, not yet seen: still unread. Seen to the end (the read frame): no first unread;
    # an older page (?before=) works and marks nothing.
    assert client.get(question.get_absolute_url()).context["first_unread_seq"] == answer.seq
    last = Message.objects.filter(topic=question).order_by("-seq").first()
    assert last is not None
    services.mark_read(actor=reader, room=Room.objects.get(pk=room.pk), seq=last.seq, topic=question)
    again = client.get(question.get_absolute_url())
    assert again.context["first_unread_seq"] is None
    older = client.get(f"{question.get_absolute_url()}?before={answer.seq}")
    assert older.status_code == 200 and f'id="m{first.seq}"' in older.content.decode()
    assert json.loads(json.dumps(older.context["has_older"])) is False


# --- the composer's preview and why a member cannot write ------------------------------------------


def test_the_preview_renders_as_a_post_would_and_stores_nothing(client, world, two_sannes, make_user) -> None:  # type: ignore[no-untyped-def]
    url = reverse("forum:topic_preview", args=[world["topic"].pk])
    second = two_sannes[1]
    before = Message.objects.count()
    assert client.post(url, {"body": "x"}).status_code == 403  # not logged in: JSON, not a redirect
    client.force_login(world["member"])
    answer = client.post(url, {"body": f"**Vet** voor @**Sanne de Vries|{second.pk}** <script>x</script>"})
    assert answer.status_code == 200
    html = answer.json()["html"]
    assert "<strong>Vet</strong>" in html and "<script>" not in html
    assert f'href="{reverse("accounts:profile", args=[second.pk])}"' in html
    ambiguous = client.post(url, {"body": "@**Sanne de Vries**"})
    assert ambiguous.status_code == 400 and ambiguous.json()["error"]["field"] == "body"
    too_long = client.post(url, {"body": "x" * 10_001})
    assert too_long.status_code == 400 and too_long.json()["error"]["field"] == "body"
    assert client.get(url).status_code == 405
    assert Message.objects.count() == before and not Notification.objects.filter(user=second).exists()
    client.force_login(make_user(name="Buiten Staander"))
    assert client.post(url, {"body": "x"}).status_code in (403, 404)


def test_a_muted_member_is_told_why_on_the_topic_page(client, world, owner) -> None:  # type: ignore[no-untyped-def]
    services.mute_member(actor=owner, community=world["community"], user=world["member"], minutes=60)
    client.force_login(world["member"])
    html = client.get(world["topic"].get_absolute_url()).content.decode()
    assert "Join the community to reply" not in html
    assert "muted" in html.lower() or "gedempt" in html
