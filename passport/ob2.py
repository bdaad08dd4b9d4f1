"""Open Badges 2.0 hosted verification of the same awards, for backpacks that read only 2.0."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from passport.credentials import absolute, xsd_datetime
from passport.models import Achievement, Award

CONTEXT = "https://w3id.org/openbadges/v2"


def issuer() -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": absolute(reverse("passport:ob2_issuer")),
        "name": "Kring",
        "url": settings.SITE_URL,
        "email": settings.DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">"),
    }


def badge(achievement: Achievement) -> dict[str, Any]:
    image = achievement.image.url if achievement.image else static("passport/badge.svg")
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": absolute(reverse("passport:ob2_badge", args=[achievement.uuid])),
        "name": achievement.name,
        "description": achievement.description,
        "image": absolute(image),
        "criteria": {
            "id": absolute(reverse("passport:achievement", args=[achievement.uuid])),
            "narrative": achievement.criteria,
        },
        "issuer": absolute(reverse("passport:ob2_issuer")),
    }
    if achievement.skill is not None:
        document["alignment"] = [
            {
                "targetName": achievement.skill.name,
                "targetUrl": document["criteria"]["id"] + "#" + achievement.skill.slug,
            }
        ]
    return document


def assertion(award: Award) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": absolute(reverse("passport:ob2_assertion", args=[award.uuid])),
        "badge": absolute(reverse("passport:ob2_badge", args=[award.achievement.uuid])),
        "verification": {"type": "hosted"},
        "issuedOn": xsd_datetime(award.awarded_at),
    }
    identifier = (award.credential.get("credentialSubject", {}).get("identifier") or [{}])[0]
    if identifier:
        document["recipient"] = {
            "type": "email",
            "hashed": True,
            "salt": identifier["salt"],
            "identity": identifier["identityHash"],
        }
    evidence = award.credential.get("evidence") or []
    if evidence:
        document["evidence"] = [{"id": item["id"], "name": item.get("name", "")} for item in evidence]
    if award.revoked_at is not None:
        document["revoked"] = True
        document["revocationReason"] = award.revocation_reason
    return document
