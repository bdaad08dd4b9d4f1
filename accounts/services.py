"""Writes for accounts: profiles and avatars. Keyword-only, one transaction each."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.images import NotAnImage, UnsupportedImage, decode_raster
from accounts.models import Language, Organisation, Profile, Region, Sector, User
from core.text import check_text

AVATAR_MAX_BYTES = 2 * 1024 * 1024
AVATAR_SIZE = 256


@transaction.atomic
def ensure_profile(*, user: User, display_name: str = "") -> Profile:
    """Every user has exactly one profile; create it on first need."""
    check_text(display_name, field="display_name")  # a name ends up in mail headers: one line
    profile, created = Profile.objects.get_or_create(
        user=user, defaults={"display_name": (display_name or user.email.split("@")[0])[:80]}
    )
    if not created and display_name and profile.display_name != display_name:
        profile.display_name = display_name[:80]
        profile.save(update_fields=["display_name", "updated_at"])
    return profile


@transaction.atomic
def update_profile(
    *,
    user: User,
    display_name: str,
    career_stage: str = "",
    education_level: str = "",
    work_situation: str = "",
    organisation: Organisation | None = None,
    sectors: Iterable[Sector] = (),
    region: Region | None = None,
    languages: Iterable[Language] = (),
    bio: str = "",
    language: str | None = None,
) -> Profile:
    profile = ensure_profile(user=user)
    if language is not None and language != user.language:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError(_("Choose one of the languages offered."), code="invalid_language")
        user.language = language
        user.save(update_fields=["language"])
    profile.display_name = check_text(display_name, field="display_name").strip()
    profile.career_stage = career_stage
    profile.education_level = education_level
    profile.work_situation = work_situation
    profile.organisation = organisation
    profile.region = region
    profile.bio = bio.strip()
    profile.full_clean(exclude=["avatar", "user"])
    profile.save()
    profile.sectors.set(sectors)
    profile.languages.set(languages)
    return profile


def reencode_avatar(upload: UploadedFile) -> ContentFile[bytes]:
    """Decode an uploaded image and write it anew as a square JPEG.

    Re-encoding drops whatever else the file carried (metadata, polyglot payloads).
    """
    if upload.size is not None and upload.size > AVATAR_MAX_BYTES:
        raise ValidationError(_("The image is larger than 2 MB."), code="too_large")
    try:
        image, _format = decode_raster(upload)
    except UnsupportedImage as exc:
        raise ValidationError(_("Use a JPEG, PNG, GIF or WebP image."), code="bad_type") from exc
    except NotAnImage as exc:
        raise ValidationError(_("This file is not an image we can read."), code="bad_image") from exc
    rgb = image.convert("RGB")
    side = min(rgb.size)
    left = (rgb.width - side) // 2
    top = (rgb.height - side) // 2
    square = rgb.crop((left, top, left + side, top + side)).resize((AVATAR_SIZE, AVATAR_SIZE))
    buffer = io.BytesIO()
    square.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="avatar.jpg")


@transaction.atomic
def set_avatar(*, user: User, upload: UploadedFile | None) -> Profile:
    profile = ensure_profile(user=user)
    if profile.avatar:
        profile.avatar.delete(save=False)
    if upload is not None:
        profile.avatar.save("avatar.jpg", reencode_avatar(upload), save=False)
    else:
        profile.avatar = None
    profile.save(update_fields=["avatar", "updated_at"])
    return profile
