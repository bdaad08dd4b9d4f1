"""The notifications page: grouped by topic and kind, each group leading to the exact message."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from forum import services
from forum.models import Message
from notifications import selectors
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db
URL = reverse("notifications:list")


def _post(user, topic, body: str) -> Message:  # type: ignore[no-untyped-def]
    return services.post_message(actor=user, topic=topic, body=body, client_id=uuid.uuid4())


@pytest.fixture
def people(make_community, make_user, add_member, owner):  # type: ignore[no-untyped-def]
    community = make_community()
    found = {"community": community, "room": community.rooms.get(), "owner": owner}
    for name in ("Sanne Smit", "Henk Hoek", "Piet Pols"):
        user = make_user(name=name)
        add_member(community, user)
        found[name.split()[0].lower()] = user
    return found


def _groups(user, page: int = 1):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return list(selectors.notification_groups(user=user, page=page))


def test_replies_make_one_group_that_counts_them_and_leads_to_the_first_unread(people) -> None:  # type: ignore[no-untyped-def]
    owner, sanne, henk = people["owner"], people["sanne"], people["henk"]
    topic = services.create_topic(actor=owner, room=people["room"], title="Warmtepomp", body="Wie weet dit?")
    first = _post(sanne, topic, "Ik!")
    _post(henk, topic, "Ik ook")
    _post(sanne, topic, "En nog iets")
    _post(owner, topic, "Dank je")  # the member's own message is not counted
    [group] = _groups(owner)
    assert group.kind == NotificationKind.REPLY and group.is_unread
    assert group.text == "3 new replies in “Warmtepomp”"
    assert group.url == f"{reverse('forum:topic', args=[topic.pk])}#m{first.seq}"
    assert set(group.names) == {"Sanne Smit", "Henk Hoek"}
    assert group.who == "Sanne Smit and Henk Hoek"  # the newest writer first
    _post(people["piet"], topic, "Ik weet het ook")
    [group] = _groups(owner)
    assert group.who == "Piet Pols, Sanne Smit and 1 other"


def test_mentions_are_grouped_by_topic_with_the_names_of_who_mentioned(people) -> None:  # type: ignore[no-untyped-def]
    owner = people["owner"]
    topic = services.create_topic(actor=owner, room=people["room"], title="Zonnepanelen", body="Start")
    first = _post(people["sanne"], topic, "@**Olga Owner** kijk even")
    _post(people["henk"], topic, "@**Olga Owner** ook van mij")
    _post(people["piet"], topic, "@**Olga Owner** en van mij")
    groups = _groups(owner)
    mention = next(g for g in groups if g.kind == NotificationKind.MENTION)
    assert mention.text == "Piet Pols and 2 others mentioned you in “Zonnepanelen”"
    assert mention.url.endswith(f"#m{first.seq}")
    # The replies are another group of the same topic (mentioned people get a mention instead).
    assert [g.kind for g in groups].count(NotificationKind.MENTION) == 1
    with translation.override("nl"):
        [dutch] = [g for g in selectors.notification_groups(user=owner) if g.kind == NotificationKind.MENTION]
    assert dutch.text == "Piet Pols en 2 anderen noemden je in “Zonnepanelen”"


def test_two_names_and_one_name(people) -> None:  # type: ignore[no-untyped-def]
    owner = people["owner"]
    topic = services.create_topic(actor=owner, room=people["room"], title="T", body="Start")
    _post(people["sanne"], topic, "@**Olga Owner** een")
    [mention] = [g for g in _groups(owner) if g.kind == NotificationKind.MENTION]
    assert mention.text == "Sanne Smit mentioned you in “T”"
    _post(people["henk"], topic, "@**Olga Owner** twee")
    [mention] = [g for g in _groups(owner) if g.kind == NotificationKind.MENTION]
    assert mention.text == "Henk Hoek and Sanne Smit mentioned you in “T”"


def test_groups_newest_first_one_per_topic_and_kind(people) -> None:  # type: ignore[no-untyped-def]
    owner, sanne = people["owner"], people["sanne"]
    older = services.create_topic(actor=owner, room=people["room"], title="Ouder", body="a")
    newer = services.create_topic(actor=owner, room=people["room"], title="Nieuwer", body="b")
    _post(sanne, older, "x")
    _post(sanne, newer, "y")
    Notification.objects.filter(topic_id=older.pk).update(created_at=timezone.now() - timezone.timedelta(hours=1))
    assert [g.topic_id for g in _groups(owner)] == [newer.pk, older.pk]


def test_a_read_group_leads_to_its_newest_message_and_says_no_new(people) -> None:  # type: ignore[no-untyped-def]
    owner, sanne = people["owner"], people["sanne"]
    topic = services.create_topic(actor=owner, room=people["room"], title="Vraag", body="a")
    _post(sanne, topic, "een")
    services.mark_notifications_read(actor=owner)
    latest = _post(sanne, topic, "twee")  # a new unread reply notification
    services.mark_notifications_read(actor=owner)
    [group] = _groups(owner)
    assert not group.is_unread
    assert group.text == "2 replies in “Vraag”"
    assert group.url.endswith(f"#m{latest.seq}")


def test_marking_one_group_read_leaves_the_others(client, people) -> None:  # type: ignore[no-untyped-def]
    owner, sanne = people["owner"], people["sanne"]
    one = services.create_topic(actor=owner, room=people["room"], title="Een", body="a")
    two = services.create_topic(actor=owner, room=people["room"], title="Twee", body="b")
    _post(sanne, one, "x")
    _post(sanne, two, "@**Olga Owner** y")
    _post(people["henk"], two, "z")
    client.force_login(owner)
    response = client.post(URL, {"group": f"reply:{one.pk}"})
    assert response.status_code == 302
    unread = Notification.objects.filter(user=owner, read_at__isnull=True)
    assert {(n.kind, n.topic_id) for n in unread} == {("mention", two.pk), ("reply", two.pk)}
    client.post(URL, {"group": f"mention:{two.pk}"})
    assert {n.kind for n in Notification.objects.filter(user=owner, read_at__isnull=True)} == {"reply"}
    client.post(URL)  # mark all
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()


def test_a_group_of_someone_else_or_a_bad_key_marks_nothing(client, people) -> None:  # type: ignore[no-untyped-def]
    owner, sanne = people["owner"], people["sanne"]
    topic = services.create_topic(actor=owner, room=people["room"], title="Een", body="a")
    _post(sanne, topic, "x")
    client.force_login(sanne)
    assert client.post(URL, {"group": f"reply:{topic.pk}"}).status_code == 302
    assert Notification.objects.filter(user=owner, read_at__isnull=True).count() == 1
    assert client.post(URL, {"group": "reply:abc"}).status_code == 404
    assert client.post(URL, {"group": "nonsense:1"}).status_code == 404


def test_a_notification_without_a_topic_is_its_own_group(people) -> None:  # type: ignore[no-untyped-def]
    owner = people["owner"]
    for text in ("Je bent nu lid van A", "Je bent nu lid van B"):
        Notification.objects.create(user=owner, kind=NotificationKind.MEMBERSHIP, text=text, url="/x/")
    groups = _groups(owner)
    assert [g.text for g in groups] == ["Je bent nu lid van B", "Je bent nu lid van A"]
    assert all(g.url == "/x/" and g.key.startswith("id:") for g in groups)


def test_page_shows_groups_links_and_forms(client, people) -> None:  # type: ignore[no-untyped-def]
    owner, sanne = people["owner"], people["sanne"]
    topic = services.create_topic(actor=owner, room=people["room"], title="Warmte", body="a")
    first = _post(sanne, topic, "x")
    _post(sanne, topic, "y")
    client.force_login(owner)
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "2 nieuwe antwoorden in “Warmte”" in html
    assert f'href="/gemeenschappen/onderwerp/{topic.pk}/#m{first.seq}"' in html
    assert f'name="group" value="reply:{topic.pk}"' in html
    assert 'data-format="relative"' in html
    assert "Energie Kring › Algemeen" in html  # topics of one title in many rooms told apart
    # One row per group, not one per notification.
    assert html.count('class="notification-group') == 1


def test_empty_state(client, owner) -> None:  # type: ignore[no-untyped-def]
    client.force_login(owner)
    html = client.get(URL).content.decode()
    assert "empty-state" in html and "notification-group" not in html


def test_paginated_by_group(people) -> None:  # type: ignore[no-untyped-def]
    owner = people["owner"]
    Notification.objects.bulk_create(
        [Notification(user=owner, kind=NotificationKind.MEMBERSHIP, text=f"n{i}", url="/") for i in range(25)]
    )
    page = selectors.notification_groups(user=owner, page=2)
    assert page.paginator.count == 25 and len(page.object_list) == 5


def _count(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_constant_queries_however_many_groups_mentions_and_replies(client, people) -> None:  # type: ignore[no-untyped-def]
    owner = people["owner"]
    client.force_login(owner)
    topic = services.create_topic(actor=owner, room=people["room"], title="T0", body="a")
    _post(people["sanne"], topic, "@**Olga Owner** x")
    _post(people["henk"], topic, "y")
    client.get("/")  # the visit's last-seen write happens once, on the first request
    few = _count(client)
    for i in range(1, 12):
        topic = services.create_topic(actor=owner, room=people["room"], title=f"T{i}", body="a")
        for who in ("sanne", "henk", "piet"):
            _post(people[who], topic, f"@**Olga Owner** {who}")
            _post(people[who], topic, f"meer van {who}")
    Notification.objects.create(user=owner, kind=NotificationKind.MEMBERSHIP, text="lid", url="/")
    assert len(selectors.notification_groups(user=owner).object_list) == 20
    assert _count(client) == few
