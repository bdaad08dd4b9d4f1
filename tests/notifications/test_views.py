"""The preferences page, and mentoring's notices in the one list and badge."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frontend import selectors as frontend_selectors
from mentoring import services as mentoring_services
from notifications import selectors
from notifications.models import CommunitySetting, KindSetting, Notification, NotificationKind, Preferences

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")


def test_the_preferences_page_saves_kinds_levels_and_quiet_hours(
    client: Any, make_community: Any, owner: Any, django_assert_max_num_queries: Any
) -> None:
    community = make_community()
    client.force_login(owner)
    with django_assert_max_num_queries(12):
        html = client.get(URL, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Instellingen voor meldingen" in html and community.name in html and "Stille uren" in html
    data = {f"{kind}_app": "on" for kind in NotificationKind.values}
    data |= {"mention_email": "on", "reply_email": "on"}  # replies by mail too; the rest not
    data |= {f"community_{community.pk}": "mentions", "quiet_from": "22:00", "quiet_until": "07:30"}
    response = client.post(URL, data)
    assert response.status_code == 302
    reply = KindSetting.objects.get(user=owner, kind=NotificationKind.REPLY)
    assert (reply.app, reply.email) == (True, True)
    assert not KindSetting.objects.get(user=owner, kind=NotificationKind.PROPOSAL).email
    assert not KindSetting.objects.filter(user=owner, kind=NotificationKind.MENTION).exists()  # the default
    assert CommunitySetting.objects.get(user=owner).level == "mentions"
    prefs = Preferences.objects.get(user=owner)
    assert (str(prefs.quiet_from), str(prefs.quiet_until)) == ("22:00:00", "07:30:00")
    html = client.get(URL).content.decode()
    assert 'value="22:00"' in html and 'value="mentions" selected' in html


def test_half_quiet_hours_and_unknown_levels_are_refused(client: Any, make_community: Any, owner: Any) -> None:
    community = make_community()
    client.force_login(owner)
    assert client.post(URL, {"quiet_from": "22:00"}).status_code == 400
    assert client.post(URL, {f"community_{community.pk}": "loud"}).status_code == 400
    assert client.post(URL, {"quiet_from": "nonsense"}).status_code == 400
    assert not Preferences.objects.filter(user=owner).exists()


def test_preferences_need_a_login(client: Any) -> None:
    assert client.get(URL).status_code == 302


def test_mentoring_notices_reach_the_one_list_and_the_badge(client: Any, sanne_henk: Any) -> None:
    sanne, henk = sanne_henk
    mentoring_services.propose(actor=sanne, other=henk, message="Zullen we?")
    [note] = Notification.objects.filter(user=henk)
    assert note.kind == NotificationKind.PROPOSAL and note.ref.startswith("mentoring:relationship:")
    assert frontend_selectors.header(user=henk).unread_notifications == 1
    assert selectors.unread_count(user_id=henk.pk) == 1
    client.force_login(henk)
    html = client.get(reverse("notifications:list")).content.decode()
    assert note.url in html
    client.post(reverse("mentoring:notifications_read"))
    assert selectors.unread_count(user_id=henk.pk) == 0


def test_follow_or_mute_a_topic_only_where_the_member_may_read(
    client: Any, make_community: Any, owner: Any, make_user: Any
) -> None:
    from forum import services as forum_services
    from forum.models import Visibility
    from notifications.models import TopicWatch

    community = make_community()
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Volg mij", body="a")
    url = reverse("notifications:topic", args=[topic.pk])
    client.force_login(owner)
    assert "Volg mij" in client.get(url).content.decode()
    assert client.post(url, {"state": "follow"}).status_code == 302
    assert TopicWatch.objects.get(user=owner, topic_id=topic.pk).state == "follow"
    assert client.post(url, {"state": ""}).status_code == 302
    assert not TopicWatch.objects.filter(user=owner).exists()
    assert client.post(url, {"state": "loud"}).status_code == 400
    closed = forum_services.create_community(
        actor=owner, name="Dicht", kind="hub", description="d", waaromvraag="w", visibility=Visibility.INVITE_ONLY
    )
    secret = forum_services.create_topic(actor=owner, room=closed.rooms.get(), title="Geheim", body="a")
    client.force_login(make_user(name="Buiten"))
    assert client.get(reverse("notifications:topic", args=[secret.pk])).status_code == 404
    assert client.post(reverse("notifications:topic", args=[secret.pk]), {"state": "follow"}).status_code == 404
    assert client.get(reverse("notifications:topic", args=[999999])).status_code == 404
