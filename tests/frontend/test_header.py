"""Every signed-in page's header: the member's name and unread counts come from one query.

Before, the header cost three (unread messages, unread notifications, the member's profile),
compiled by the ORM on every page. ``frontend.selectors.header`` must agree with the forum's own
counting functions and with ``User.display_name`` in every case.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Profile, User
from forum import selectors as forum_selectors
from forum import services
from forum.models import Membership, MembershipState
from frontend import selectors
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _same_as_the_forum(user: User) -> None:
    fresh = User.objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.header(user=fresh)
    assert len(ctx.captured_queries) == 1
    assert found.unread_messages == forum_selectors.unread_total(user=user)
    assert found.unread_notifications == forum_selectors.unread_notifications(user=user)
    assert found.name == User.objects.get(pk=user.pk).display_name


def test_header_agrees_with_the_forum_and_the_profile(make_user: Any) -> None:
    owner = make_user(name="Olga Owner")
    reader = make_user(name="Rik <Reader>")
    community = services.create_community(
        actor=owner, name="Energie", kind="kenniskring", description="d", waaromvraag="w", visibility="open"
    )
    services.join_community(actor=reader, community=community)
    room = community.rooms.get()
    _same_as_the_forum(reader)  # nothing unread yet
    topic = services.create_topic(actor=owner, room=room, title="T", body="een")
    services.post_message(actor=owner, topic=topic, body="twee @**Rik <Reader>**", client_id=uuid.uuid4())
    _same_as_the_forum(reader)
    assert selectors.header(user=reader).unread_messages == 2
    # A listed restricted room counts; an unlisted one does not; nor a community one has left.
    listed = services.create_room(actor=owner, community=community, name="Werkgroep", restricted=True)
    services.add_room_member(room=listed, user=reader)
    hidden = services.create_room(actor=owner, community=community, name="Bestuur", restricted=True)
    for place in (listed, hidden):
        services.create_topic(actor=owner, room=place, title="R", body="x")
    services.mark_read(actor=owner, room=room, seq=0)
    _same_as_the_forum(reader)
    Membership.objects.filter(user=reader, community=community).update(state=MembershipState.BANNED)
    _same_as_the_forum(reader)
    Membership.objects.filter(user=reader, community=community).update(state=MembershipState.ACTIVE)
    # Notifications: unread ones count, read ones do not.
    Notification.objects.create(user=reader, kind="reply", text="a", url="/")
    Notification.objects.create(user=reader, kind="reply", text="b", url="/", read_at=timezone.now())
    _same_as_the_forum(reader)
    assert selectors.header(user=reader).unread_notifications >= 1


def test_header_name_without_a_profile_name(make_user: Any) -> None:
    named = make_user(first_name="Fenna", last_name="de Vries")
    Profile.objects.filter(user=named).update(display_name="")
    _same_as_the_forum(named)
    assert selectors.header(user=named).name == "Fenna de Vries"
    bare = make_user(email="zonder.profiel@example.test")
    Profile.objects.filter(user=bare).delete()
    _same_as_the_forum(bare)
    assert selectors.header(user=bare).name == "zonder.profiel"


def test_page_header_shows_the_counts_and_escapes_the_name(client: Any, make_user: Any) -> None:
    owner = make_user(name="Olga Owner")
    reader = make_user(name="Rik <Reader>")
    community = services.create_community(
        actor=owner, name="Energie", kind="kenniskring", description="d", waaromvraag="w", visibility="open"
    )
    services.join_community(actor=reader, community=community)
    topic = services.create_topic(actor=owner, room=community.rooms.get(), title="T", body="een")
    services.post_message(actor=owner, topic=topic, body="twee", client_id=uuid.uuid4())
    Notification.objects.create(user=reader, kind="reply", text="a", url="/")
    client.force_login(reader)
    html = client.get("/gemeenschappen/").content.decode()
    assert '<span class="header-profile-name">Rik &lt;Reader&gt;</span>' in html
    assert "Rik <Reader>" not in html
    assert html.count("data-unread-total>2<") == 1  # messages
    assert html.count("data-notification-count>1<") == 1  # notifications
