"""Starting a community and changing its description."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import Organisation, Region, Sector, User
from core.text import check_text
from forum import permissions
from forum.errors import Forbidden, Invalid
from forum.models import (
    Community,
    LearningFunction,
    Membership,
    MembershipState,
    Role,
    Room,
    Visibility,
)
from forum.services._common import _audit, _catch_up_read_state, _refresh_member_count, _unique_slug


@transaction.atomic
def create_community(
    *,
    actor: Actor | User,
    name: str,
    kind: str,
    description: str,
    waaromvraag: str,
    visibility: str = Visibility.OPEN,
    scope: str = "regional",
    sectors: Iterable[Sector] = (),
    regions: Iterable[Region] = (),
    partners: Iterable[Organisation] = (),
    learning_functions: Iterable[LearningFunction] = (),
    related: Iterable[Community] = (),
    slug: str = "",
) -> Community:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to start a community."))
    check_text(name, field="name")
    check_text(description + waaromvraag, field="description", multiline=True)
    if not name.strip() or not waaromvraag.strip():
        raise Invalid(
            _("A community needs a name and a shared why."), field="name" if not name.strip() else "waaromvraag"
        )
    community = Community(
        name=name.strip(),
        slug=slug or _unique_slug(Community, name),
        kind=kind,
        description=description.strip(),
        waaromvraag=waaromvraag.strip(),
        visibility=visibility,
        scope=scope,
        created_by=actor.member,
    )
    community.full_clean()
    community.save()
    community.sectors.set(sectors)
    community.regions.set(regions)
    community.partners.set(partners)
    community.learning_functions.set(learning_functions)
    community.related.set(related)
    Membership.objects.create(community=community, user=actor.member, role=Role.OWNER, state=MembershipState.ACTIVE)
    Room.objects.create(community=community, name="Algemeen", slug="algemeen")
    _refresh_member_count(community)
    _catch_up_read_state(actor.member, community)
    actor.forget()
    return community


@transaction.atomic
def update_community(*, actor: Actor | User, community: Community, **fields: Any) -> Community:
    actor = as_actor(actor)
    if not permissions.can_moderate_community(actor, community):
        raise Forbidden(_("Only facilitators can change the community."))
    many = {
        k: fields.pop(k) for k in ["sectors", "regions", "partners", "learning_functions", "related"] if k in fields
    }
    for key, value in fields.items():
        setattr(community, key, value.strip() if isinstance(value, str) else value)
    community.full_clean()
    community.save()
    for key, values in many.items():
        getattr(community, key).set(values)
    _audit(community, actor, "update_community", community.name)
    return community
