"""Follow a theme to hear of new lessons: the button on the theme page, one notification per member
per lesson when a lesson on the theme is published, as the member's preferences say."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts import privacy
from core.errors import Forbidden
from knowledge_base import services
from knowledge_base.models import ThemeFollow, ThemePage
from notifications.models import KindSetting, Notification, NotificationKind


def _theme(kb_tree: Any, title: str, *, live: bool = True) -> ThemePage:
    theme = ThemePage(title=title, slug=title.lower())
    kb_tree.home.add_child(instance=theme)
    if live:
        theme.save_revision().publish()
    else:
        theme.live = False
        theme.save()
    theme.refresh_from_db()
    return theme


@pytest.fixture
def energy(kb_tree: Any) -> ThemePage:
    return _theme(kb_tree, "Energietransitie")


def test_the_button_follows_and_unfollows(energy: ThemePage, make_user: Callable[..., Any], client: Client) -> None:
    page = client.get(energy.url, HTTP_ACCEPT_LANGUAGE="nl")
    assert "Log in om dit thema te volgen" in page.content.decode()  # anonymous: no button
    member = make_user(name="Fatma")
    client.force_login(member)
    html = client.get(energy.url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'aria-pressed="false"' in html and "Volg dit thema" in html
    url = reverse("knowledge_base:follow_theme", args=[energy.pk])
    assert client.post(url, {"follow": "1"}).status_code == 302
    assert client.post(url, {"follow": "1"}).status_code == 302  # twice is once
    assert ThemeFollow.objects.filter(user=member, theme=energy).count() == 1
    html = client.get(energy.url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'aria-pressed="true"' in html
    client.post(url, {"follow": "0"})
    assert not ThemeFollow.objects.filter(user=member).exists()
    assert client.get(url).status_code == 405


def test_only_members_follow_only_live_public_themes(
    kb_tree: Any, energy: ThemePage, make_user: Callable[..., Any], client: Client
) -> None:
    url = reverse("knowledge_base:follow_theme", args=[energy.pk])
    response = client.post(url, {"follow": "1"})
    assert response.status_code == 302 and "login" in response["Location"]
    draft = _theme(kb_tree, "Concept", live=False)
    member = make_user(name="Fatma")
    client.force_login(member)
    assert client.post(reverse("knowledge_base:follow_theme", args=[draft.pk]), {"follow": "1"}).status_code == 404
    with pytest.raises(Forbidden):
        services.follow_theme(actor=member, theme=draft)
    assert not ThemeFollow.objects.exists()
    ThemeFollow.objects.create(user=member, theme=energy)
    with pytest.raises(IntegrityError), transaction.atomic():
        ThemeFollow.objects.create(user=member, theme=energy)


def test_publishing_a_lesson_tells_each_follower_once(
    kb_tree: Any, energy: ThemePage, make_lesson: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    water = _theme(kb_tree, "Water")
    both, only_water, nobody = make_user(name="Beide"), make_user(name="Water"), make_user(name="Niemand")
    services.follow_theme(actor=both, theme=energy)
    services.follow_theme(actor=both, theme=water)
    services.follow_theme(actor=only_water, theme=water)
    lesson = make_lesson("Deel de waaromvraag", themes=[energy, water])
    notes = Notification.objects.filter(kind=NotificationKind.LESSON)
    assert sorted(notes.values_list("user_id", flat=True)) == sorted([both.pk, only_water.pk])
    assert not notes.filter(user=nobody).exists()
    note = notes.get(user=only_water)
    assert note.url == lesson.url and "Deel de waaromvraag" in note.text and "Water" in note.text
    assert note.params == {"lesson": "Deel de waaromvraag", "theme": "Water"}
    # Published again (a correction): no second notification.
    lesson.save_revision().publish()
    assert notes.count() == 2
    # A draft tells no one.
    make_lesson("Nog niet af", themes=[energy], publish=False)
    assert notes.count() == 2


def test_the_members_preferences_decide_how_they_hear(
    energy: ThemePage, make_lesson: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    quiet, mail_only = make_user(name="Stil"), make_user(name="Post")
    for member in (quiet, mail_only):
        services.follow_theme(actor=member, theme=energy)
    KindSetting.objects.create(user=quiet, kind=NotificationKind.LESSON, app=False, email=False, push=False)
    KindSetting.objects.create(user=mail_only, kind=NotificationKind.LESSON, app=False, email=True, push=False)
    make_lesson("Leer van elkaar", themes=[energy])
    assert not Notification.objects.filter(user=quiet, shown=True).exists()
    assert not Notification.objects.filter(user=quiet, mail_due=True).exists()
    mail = Notification.objects.get(user=mail_only, kind=NotificationKind.LESSON)
    assert not mail.shown and mail.mail_due


def test_the_followed_themes_are_in_the_privacy_export(energy: ThemePage, make_user: Callable[..., Any]) -> None:
    member = make_user(name="Fatma")
    services.follow_theme(actor=member, theme=energy)
    data = privacy.export_member_data(user=member)
    assert [f["theme"] for f in data["knowledge_base"]["followed_themes"]] == ["Energietransitie"]
