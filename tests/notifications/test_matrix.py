"""The preference × kind × channel matrix: for every kind and every channel, on and off, what
``notify`` stores; then the community levels, follow and mute across the kinds."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from forum import services as forum_services
from notifications import selectors, services
from notifications.models import (
    CONVERSATION_KINDS,
    CommunityLevel,
    CommunitySetting,
    KindSetting,
    Notification,
    NotificationKind,
    TopicWatch,
    WatchState,
)
from notifications.preferences import DEFAULTS, NONE, Channels, decide

pytestmark = pytest.mark.django_db

KINDS = list(NotificationKind.values)
CHANNELS = ("app", "email", "push")


def _flip(channels: Channels, channel: str, value: bool) -> Channels:
    values = {c: getattr(channels, c) for c in CHANNELS}
    values[channel] = value
    return Channels(**values)


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_and_channel_follows_the_members_choice(
    kind: str, channel: str, value: bool, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member, actor = make_user(name="Mila"), make_user(name="Ayse")
    chosen = _flip(DEFAULTS[kind], channel, value)
    services.save_kind_settings(actor=member, settings={kind: chosen})
    assert decide(kind, chosen=chosen) == chosen
    with django_capture_on_commit_callbacks(execute=False):
        services.notify(recipients=[member], kind=kind, url="/x/", text="iets", actor=actor, community_id=1, topic_id=2)
    note = Notification.objects.filter(user=member, kind=kind).first()
    if not (chosen.app or chosen.email):
        assert note is None  # push alone is not delivered yet: nothing is stored
        return
    assert note is not None
    assert note.shown is chosen.app  # listed and counted in the badge
    assert note.mail_due is chosen.email  # picked up by the mail batch
    assert selectors.unread_count(user_id=member.pk) == (1 if chosen.app else 0)
    # The stored choice is what the preferences page shows.
    [row] = [r for r in selectors.kind_rows(user_id=member.pk) if r.kind == kind]
    assert row.channels == chosen


def test_defaults_mail_what_is_addressed_to_you_and_keep_replies_in_the_app() -> None:
    for kind in (NotificationKind.MENTION, NotificationKind.DIRECT_MESSAGE, NotificationKind.INVITATION):
        assert DEFAULTS[kind].email
    for kind in (NotificationKind.PROPOSAL, NotificationKind.AGREEMENT, NotificationKind.SESSION):
        assert DEFAULTS[kind].email  # mentoring steps are mailed
    assert DEFAULTS[NotificationKind.REPLY] == Channels(app=True, email=False, push=False)
    assert all(DEFAULTS[kind].app for kind in KINDS)


def test_a_default_choice_keeps_no_row(make_user: Any) -> None:
    member = make_user(name="Mila")
    services.save_kind_settings(actor=member, settings={NotificationKind.REPLY: DEFAULTS[NotificationKind.REPLY]})
    assert not KindSetting.objects.filter(user=member).exists()


@pytest.mark.parametrize("level", list(CommunityLevel.values))
@pytest.mark.parametrize("kind", KINDS)
def test_community_level_by_kind(kind: str, level: str) -> None:
    got = decide(kind, community_level=level)
    if kind not in CONVERSATION_KINDS or level == CommunityLevel.ALL:
        assert got == DEFAULTS[kind]  # a decision about you reaches you whatever the level
    elif level == CommunityLevel.NOTHING:
        assert got == NONE
    else:  # mentions only
        assert got == (DEFAULTS[kind] if kind == NotificationKind.MENTION else NONE)


@pytest.mark.parametrize("watch", [None, WatchState.FOLLOW, WatchState.MUTE])
@pytest.mark.parametrize("kind", KINDS)
def test_a_mute_silences_replies_only(kind: str, watch: str | None) -> None:
    got = decide(kind, watch=watch)
    assert got == (NONE if (watch == WatchState.MUTE and kind == NotificationKind.REPLY) else DEFAULTS[kind])


def _post(user: Any, topic: Any, body: str) -> None:
    forum_services.post_message(actor=user, topic=topic, body=body, client_id=uuid.uuid4())


def test_levels_follow_and_mute_in_the_forum(make_community: Any, make_user: Any, add_member: Any, owner: Any) -> None:
    community = make_community()
    sanne, henk, piet = make_user(name="Sanne"), make_user(name="Henk"), make_user(name="Piet")
    for person in (sanne, henk, piet):
        add_member(community, person)
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Warmte", body="Start")
    _post(sanne, topic, "ik doe mee")
    _post(henk, topic, "ik ook")
    # Sanne mutes the topic; Henk wants only mentions from this community; Piet follows without posting.
    services.set_topic_watch(actor=sanne, topic_id=topic.pk, state=WatchState.MUTE)
    services.save_community_level(actor=henk, community_id=community.pk, level=CommunityLevel.MENTIONS)
    services.set_topic_watch(actor=piet, topic_id=topic.pk, state=WatchState.FOLLOW)
    Notification.objects.all().delete()
    _post(owner, topic, "een antwoord")
    replies = set(Notification.objects.filter(kind=NotificationKind.REPLY).values_list("user_id", flat=True))
    assert replies == {piet.pk}
    _post(owner, topic, "@**Sanne** en @**Henk**, kijk even")
    mentioned = set(Notification.objects.filter(kind=NotificationKind.MENTION).values_list("user_id", flat=True))
    assert mentioned == {sanne.pk, henk.pk}  # a mute or "mentions only" lets a mention through
    services.save_community_level(actor=henk, community_id=community.pk, level=CommunityLevel.NOTHING)
    _post(owner, topic, "@**Henk** nog eens")
    assert Notification.objects.filter(user=henk, kind=NotificationKind.MENTION).count() == 1
    assert CommunitySetting.objects.get(user=henk).level == CommunityLevel.NOTHING
    services.set_topic_watch(actor=sanne, topic_id=topic.pk, state=None)
    assert not TopicWatch.objects.filter(user=sanne).exists()


def test_a_follower_has_one_unread_reply_notification_per_topic(
    make_community: Any, make_user: Any, add_member: Any, owner: Any
) -> None:
    """As a participant: a follower who has not read the first reply is not told of each next one."""
    community = make_community()
    piet, sanne = make_user(name="Piet"), make_user(name="Sanne")
    for person in (piet, sanne):
        add_member(community, person)
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Warmte", body="Start")
    services.set_topic_watch(actor=piet, topic_id=topic.pk, state=WatchState.FOLLOW)
    _post(sanne, topic, "een antwoord")
    _post(owner, topic, "nog een antwoord")
    _post(sanne, topic, "en nog een")
    assert Notification.objects.filter(user=piet, kind=NotificationKind.REPLY, read_at__isnull=True).count() == 1
