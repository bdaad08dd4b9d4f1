"""Privacy hooks: the passport in the member's export; what deletion does to issued credentials.

Deletion (docs/privacy.md): every award of the member is revoked (its status bit is set, so a copy
of the credential kept anywhere verifies as revoked), the stored credential and its link to the
member are erased, and only the revoked row with its status index stays. Endorsements given and
received and the passport settings go with the account.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.privacy import ACTOR, EXPORTED, record, records
from passport import selectors
from passport.models import Achievement, Award, Endorsement, PassportSettings

RELATIONS: dict[str, str] = {
    "passport.Award.recipient": EXPORTED,
    "passport.Award.awarded_by": ACTOR,
    "passport.Award.revoked_by": ACTOR,
    "passport.Achievement.created_by": ACTOR,
    "passport.Endorsement.endorser": EXPORTED,
    "passport.Endorsement.endorsee": EXPORTED,
    "passport.PassportSettings.user": EXPORTED,
}


def export(user: User) -> dict[str, Any]:
    settings_row = PassportSettings.objects.filter(user=user).first()
    return {
        "passport": {
            "settings": record(settings_row, skip={"user", "share_token"}) if settings_row else None,
            "share_link_active": bool(settings_row and settings_row.share_token),
            "awards": [
                {
                    "achievement": award.achievement.name,
                    "awarded_at": award.awarded_at.isoformat(),
                    "revoked_at": award.revoked_at.isoformat() if award.revoked_at else None,
                    "public": award.public,
                    "credential": award.credential,
                }
                for award in Award.objects.filter(recipient=user).select_related("achievement")
            ],
            "endorsements_received": records(Endorsement.objects.filter(endorsee=user), skip={"endorsee"}),
            "endorsements_given": records(Endorsement.objects.filter(endorser=user), skip={"endorser"}),
            "achievements_defined": list(Achievement.objects.filter(created_by=user).values_list("name", flat=True)),
            "record": selectors.export_record(user),
        }
    }


def forget(user: User) -> None:
    """Revoke and erase the member's credentials; keep only the revoked status bits."""
    Award.objects.filter(recipient=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revocation_reason="account deleted"
    )
    Award.objects.filter(recipient=user).update(recipient=None, credential={}, public=False)
