"""Open Badges 3.0 credentials of Kring's awards, and the signed revocation status list.

Everything here is built from plain values and signed with ``passport.signing``; the services
decide when (``services.award``), the views only serve what was stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from passport import keys
from passport.models import Award, IssuerKey
from passport.signing import loader, proof, schema, status

ISSUER_NAME = "Kring"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def xsd_datetime(moment: datetime) -> str:
    """An XML Schema dateTime in UTC with seconds (what ``validFrom`` and ``created`` want)."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_url() -> str:
    return absolute(reverse("passport:status_list"))


def credential_url(award: Award) -> str:
    return absolute(reverse("passport:credential", args=[award.uuid]))


def achievement_url(achievement_uuid: Any) -> str:
    return absolute(reverse("passport:achievement", args=[achievement_uuid]))


def issuer_profile() -> dict[str, Any]:
    return {"id": keys.issuer_did(), "type": ["Profile"], "name": ISSUER_NAME, "url": settings.SITE_URL}


def hashed_email(email: str, salt: str) -> str:
    """OB's hashed identity: ``sha256$`` + hex of SHA-256 over the lower-cased address and the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Evidence:
    url: str
    name: str
    narrative: str = ""


def unsigned_credential(
    award: Award, *, email: str, evidence: list[Evidence], salt: str | None = None
) -> dict[str, Any]:
    achievement = award.achievement
    owner = achievement.community or achievement.programme
    salt = salt if salt is not None else secrets.token_hex(8)
    achievement_doc: dict[str, Any] = {
        "id": achievement_url(achievement.uuid),
        "type": ["Achievement"],
        "name": achievement.name,
        "description": achievement.description,
        "criteria": {"narrative": achievement.criteria},
        "inLanguage": "nl",
    }
    if owner is not None:
        achievement_doc["creator"] = {
            "id": achievement_url(achievement.uuid) + "#maker",
            "type": ["Profile"],
            "name": owner.name,
        }
    if achievement.image:
        achievement_doc["image"] = {"id": absolute(achievement.image.url), "type": "Image"}
    if achievement.skill_id is not None and achievement.skill is not None:
        achievement_doc["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": achievement.skill.name,
                "targetUrl": achievement_url(achievement.uuid) + "#" + achievement.skill.slug,
                "targetType": "ceterms:Skill",
            }
        ]
    document: dict[str, Any] = {
        "@context": [loader.VC_V2, loader.OB_V3P0],
        "id": credential_url(award),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": issuer_profile(),
        "validFrom": xsd_datetime(award.awarded_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hashed_email(email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement_doc,
        },
        "credentialStatus": {
            "id": f"{status_list_url()}#{award.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": status_list_url(),
        },
        "credentialSchema": [{"id": schema.SCHEMA_ID, "type": "JsonSchema"}],
    }
    if evidence:
        document["evidence"] = [
            {
                "id": item.url,
                "type": ["Evidence"],
                "name": item.name,
                **({"narrative": item.narrative} if item.narrative else {}),
            }
            for item in evidence
        ]
    return document


def sign(document: dict[str, Any], *, key: IssuerKey | None = None, now: datetime | None = None) -> dict[str, Any]:
    key = key or keys.active_key()
    return proof.sign(
        document,
        private_key=keys.private_key(key),
        verification_method=keys.verification_method(key),
        created=xsd_datetime(now or timezone.now()),
    )


def verify(document: dict[str, Any]) -> None:
    """Raise ``proof.ProofError`` unless the proof holds with one of this issuer's keys."""
    proof.verify(document, resolve_key=keys.resolve_public_key)


def status_list_credential(revoked: set[int], *, size: int = 0, now: datetime | None = None) -> dict[str, Any]:
    url = status_list_url()
    moment = now or timezone.now()
    document = {
        "@context": [loader.VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": xsd_datetime(moment),
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status.encode(revoked, size=size),
        },
    }
    return sign(document, now=moment)
