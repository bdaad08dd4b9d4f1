from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Region, Sector

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int] = (300, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_profile_edit_saves_and_reencodes_avatar(client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(name="Daan")
    client.force_login(user)
    region = Region.objects.get(name="Utrecht")
    sector = Sector.objects.get(name="Energie")
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Daan Visser",
            "career_stage": "starter",
            "education_level": "mbo",
            "work_situation": "employed",
            "region": region.pk,
            "sectors": [sector.pk],
            "languages": ["nl", "en"],
            "bio": "Installateur in opleiding.",
            "avatar_upload": SimpleUploadedFile("me.png", _png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    user.profile.refresh_from_db()
    assert user.profile.display_name == "Daan Visser"
    assert list(user.profile.languages.values_list("code", flat=True)) == ["en", "nl"]
    with Image.open(user.profile.avatar.path) as avatar:
        assert avatar.format == "JPEG"
        assert avatar.size == (256, 256)


def test_profile_edit_shows_field_errors_and_keeps_input(client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(name="Eva")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "",
            "bio": "Mijn tekst blijft staan",
            "avatar_upload": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png"),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mijn tekst blijft staan" in body
    assert 'class="form-row field-error"' in body
    assert "avatar_upload_error" in body
    assert "display_name_error" in body


def test_profile_page_escapes_user_text(client, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(name="<script>alert(1)</script>")
    user.profile.bio = '<img src=x onerror="alert(2)">'
    user.profile.save()
    response = client.get(reverse("accounts:profile", args=[user.pk]))
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;img src=x onerror=" in body


def test_edit_requires_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
