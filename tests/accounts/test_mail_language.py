"""The language of a member's mails, and the last-seen time digests rely on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.mail import mail_language

pytestmark = pytest.mark.django_db


def test_the_member_chooses_the_language_of_their_mails_on_the_profile_page(client: Any, make_user: Any) -> None:
    member = make_user(name="Daan")
    assert mail_language(member) == "nl"
    client.force_login(member)
    assert 'name="mail_language"' in client.get(reverse("accounts:profile_edit")).content.decode()
    response = client.post(reverse("accounts:profile_edit"), {"display_name": "Daan", "mail_language": "en"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "en" and mail_language(member) == "en"
    # Left out of the form: the choice stays.
    client.post(reverse("accounts:profile_edit"), {"display_name": "Daan"})
    member.refresh_from_db()
    assert member.language == "en"
    assert (
        client.post(reverse("accounts:profile_edit"), {"display_name": "Daan", "mail_language": "fr"}).status_code
        == 400
    )


def test_last_seen_is_written_at_most_once_per_interval(
    client: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    member = make_user()
    client.force_login(member)
    client.get(reverse("accounts:profile_edit"))
    first = User.objects.get(pk=member.pk).last_seen_at
    assert first is not None
    client.get(reverse("accounts:profile_edit"))
    assert User.objects.get(pk=member.pk).last_seen_at == first  # not written again within five minutes
    User.objects.filter(pk=member.pk).update(last_seen_at=timezone.now() - timedelta(minutes=6))
    client.get(reverse("accounts:profile_edit"))
    assert User.objects.get(pk=member.pk).last_seen_at > first
