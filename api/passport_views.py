"""The learning passport in the API: the member's own credentials, and one credential's signed JSON.

Thin, as ``api.views``: the passport's selectors decide what the actor sees
(``passport.permissions.can_see_credential``): the member's own credentials, and someone else's
only while it is on their public passport. Another member's credential that is not public answers
404, the same as one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api import serializers as s
from api.views import KringAPIView, _page, _query
from core.errors import NotFound
from passport import credentials
from passport import selectors as passport_selectors
from passport.models import Award


def credential_data(award: Award) -> dict[str, Any]:
    achievement = award.achievement
    community, programme = achievement.community, achievement.programme
    return {
        "id": award.uuid,
        "achievement": {"id": achievement.uuid, "name": achievement.name},
        "community": {"id": community.pk, "slug": community.slug, "name": community.name} if community else None,
        "programme": {"slug": programme.slug, "name": programme.name} if programme else None,
        "awarded_at": award.awarded_at,
        "revoked": award.is_revoked,
        "revoked_at": award.revoked_at,
        "public": award.public,
        "verify_url": credentials.credential_url(award),
        "json_url": credentials.absolute(reverse("passport:credential_json", args=[award.uuid])),
    }


class CredentialList(KringAPIView):
    @extend_schema(
        parameters=[s.PageQuery],
        responses=s.CredentialPage,
        operation_id="passport_credentials_list",
        description="The member's own credentials, newest first, revoked ones too (pages of 50).",
    )
    def get(self, request: Request) -> Response:
        q = _query(s.PageQuery, request)
        awards = passport_selectors.my_credentials(actor=self.actor(request))
        return Response(_page(awards, q["page"], s.CredentialOut, data=credential_data))


class CredentialDetail(KringAPIView):
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        operation_id="passport_credentials_retrieve",
        description=(
            "The signed Open Badges 3.0 credential (a W3C verifiable credential with its Data Integrity "
            "proof), exactly as issued: for its recipient, or for anyone while it is on the recipient's "
            "public passport. A revoked credential is still answered; its status list says it is revoked."
        ),
    )
    def get(self, request: Request, credential_id: Any) -> Response:
        award = passport_selectors.visible_credential(actor=self.actor(request), uuid=credential_id)
        if award is None:
            raise NotFound(_("This credential does not exist, or you cannot see it."))
        return Response(award.credential)
