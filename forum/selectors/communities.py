"""The community directory, a community's page, its rooms and members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from accounts.actor import as_actor
from forum import permissions, sections
from forum.models import (
    Community,
    CommunityKind,
    Membership,
    MembershipState,
    ReadState,
    Role,
    Room,
    RoomMember,
    Scope,
    Visibility,
)
from forum.permissions import Who
from forum.selectors.unread import counted_read_states


@dataclass
class DirectoryFilters:
    q: str = ""
    kind: str = ""
    sector: str = ""
    region: str = ""
    scope: str = ""


def _visible_communities(actor: Who) -> QuerySet[Community]:
    actor = as_actor(actor)
    qs = Community.objects.filter(is_system=False)
    if permissions.is_platform_admin(actor):
        return qs
    if actor.is_authenticated:
        mine = Membership.objects.filter(
            user_id=actor.member_id, state__in=[MembershipState.ACTIVE, MembershipState.INVITED]
        ).values("community_id")
        banned = Membership.objects.filter(user_id=actor.member_id, state=MembershipState.BANNED).values("community_id")
        return qs.filter(~Q(visibility=Visibility.INVITE_ONLY) | Q(pk__in=mine)).exclude(pk__in=banned)
    return qs.exclude(visibility=Visibility.INVITE_ONLY)


def directory(*, actor: Who, filters: DirectoryFilters, page: int = 1, per_page: int = 24) -> dict[str, Any]:
    actor = as_actor(actor)
    base = _visible_communities(actor)
    if filters.q:
        base = base.filter(
            Q(name__icontains=filters.q) | Q(description__icontains=filters.q) | Q(waaromvraag__icontains=filters.q)
        )

    def narrowed(*skip: str) -> QuerySet[Community]:
        qs = base
        if filters.kind and "kind" not in skip:
            qs = qs.filter(kind=filters.kind)
        if filters.sector and "sector" not in skip:
            qs = qs.filter(sectors__slug=filters.sector)
        if filters.region and "region" not in skip:
            qs = qs.filter(regions__slug=filters.region)
        if filters.scope and "scope" not in skip:
            qs = qs.filter(scope=filters.scope)
        return qs

    # Facet counts: each facet counts within the other active filters. A community has exactly one
    # kind and one scope, so one count per (kind, scope) gives the kind facet, the scope facet and the
    # number of results; sectors and regions take a query each.
    by_kind: dict[str, int] = {}
    by_scope: dict[str, int] = {}
    total = 0
    for row in narrowed("kind", "scope").values("kind", "scope").annotate(n=Count("pk", distinct=True)).order_by():
        kind_ok = not filters.kind or row["kind"] == filters.kind
        scope_ok = not filters.scope or row["scope"] == filters.scope
        if scope_ok:
            by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
        if kind_ok:
            by_scope[row["scope"]] = by_scope.get(row["scope"], 0) + row["n"]
        if kind_ok and scope_ok:
            total += row["n"]
    # Options say their label ("Centre of Expertise", "Landelijk"), never the stored value.
    kind_labels = dict(CommunityKind.choices)
    scope_labels = dict(Scope.choices)
    facets = {
        "kind": sorted(
            ({"kind": k, "label": kind_labels.get(k, k), "n": by_kind[k]} for k in by_kind),
            key=lambda f: str(f["label"]).lower(),
        ),
        "sector": list(
            narrowed("sector")
            .filter(sectors__isnull=False)
            .values(facet_slug=F("sectors__slug"), facet_name=F("sectors__name"))
            .annotate(n=Count("pk", distinct=True))
            .order_by("facet_name")
        ),
        "region": list(
            narrowed("region")
            .filter(regions__isnull=False)
            .values(facet_slug=F("regions__slug"), facet_name=F("regions__name"))
            .annotate(n=Count("pk", distinct=True))
            .order_by("facet_name")
        ),
        "scope": [
            {"scope": k, "label": scope_labels.get(k, k), "n": by_scope[k]} for k in Scope.values if k in by_scope
        ],
    }
    results = narrowed().distinct().order_by("-member_count", "name")
    paginator = Paginator(results, per_page)
    paginator.count = total  # known from the facet query: no COUNT(*) over the DISTINCT
    result_page = paginator.get_page(page)
    communities: list[Community] = list(result_page.object_list)
    result_page.object_list = communities
    # Each card's sector and region names: one flat query each (a prefetch costs more per row).
    ids = [c.pk for c in communities]
    sectors: dict[int, list[str]] = {}
    regions: dict[int, list[str]] = {}
    if ids:
        for community_id, name in (
            Community.sectors.through.objects.filter(community_id__in=ids)
            .order_by("sector__name")
            .values_list("community_id", "sector__name")
        ):
            sectors.setdefault(community_id, []).append(name)
        for community_id, name in (
            Community.regions.through.objects.filter(community_id__in=ids)
            .order_by("region__name")
            .values_list("community_id", "region__name")
        ):
            regions.setdefault(community_id, []).append(name)
    unread = unread_by_community(actor=actor, community_ids=ids)
    for community in communities:
        community.sector_names = sectors.get(community.pk, [])  # type: ignore[attr-defined]
        community.region_names = regions.get(community.pk, [])  # type: ignore[attr-defined]
        community.unread = unread.get(community.pk, 0)  # type: ignore[attr-defined]
    active = [
        (name, label, value)
        for name, label, value in (
            ("kind", _("Kind"), kind_labels.get(filters.kind, filters.kind)),
            ("scope", _("Scope"), scope_labels.get(filters.scope, filters.scope)),
            ("sector", _("Sector"), _facet_name(facets["sector"], filters.sector)),
            ("region", _("Region"), _facet_name(facets["region"], filters.region)),
        )
        if getattr(filters, name)
    ]
    return {"page": result_page, "facets": facets, "active_filters": active}


def _facet_name(options: list[dict[str, Any]], slug: str) -> str:
    return next((str(o["facet_name"]) for o in options if o["facet_slug"] == slug), slug)


def unread_by_community(*, actor: Who, community_ids: list[int]) -> dict[int, int]:
    """Unread messages per community for a member, over the rooms they read there (one query)."""
    actor = as_actor(actor)
    if not actor.is_authenticated or not community_ids:
        return {}
    rows = (
        counted_read_states(actor.member_id)
        .filter(room__community_id__in=community_ids)
        .values("room__community_id")
        .annotate(n=Sum(F("room__last_seq") - F("last_read_seq")))
        .order_by()
    )
    return {row["room__community_id"]: max(0, int(row["n"] or 0)) for row in rows}


def community_detail(*, actor: Who, slug: str) -> Community | None:
    actor = as_actor(actor)
    community = (
        Community.objects.filter(slug=slug, is_system=False)
        .prefetch_related("sectors", "regions", "partners", "learning_functions", "related")
        .first()
    )
    if community is None or not permissions.can_view_community(actor, community):
        return None
    return community


def community_page_data(*, actor: Who, community: Community) -> dict[str, Any]:
    actor = as_actor(actor)
    facilitators = (
        Membership.objects.filter(
            community=community, state=MembershipState.ACTIVE, role__in=[Role.FACILITATOR, Role.OWNER]
        )
        .select_related("user__profile")
        .order_by("role", "user__profile__display_name")[:20]
    )
    rooms = readable_rooms(actor=actor, community=community)
    related = [c for c in community.related.all() if c.visibility != Visibility.INVITE_ONLY and not c.is_system]
    return {
        "community": community,
        "membership": permissions.membership_of(actor, community),
        "facilitators": list(facilitators),
        "rooms": rooms,
        "related": related,
        "can_join": permissions.can_join(actor, community),
        "can_moderate": permissions.can_moderate_community(actor, community),
        # Links other apps registered (forum/sections.py): for members, and in the "Facilitate" box.
        "sections": sections.links_for(actor=actor, community=community, for_facilitators=False),
        "facilitator_sections": sections.links_for(actor=actor, community=community, for_facilitators=True),
        "pending_requests": (
            Membership.objects.filter(community=community, state=MembershipState.REQUESTED).count()
            if permissions.can_moderate_community(actor, community)
            else 0
        ),
    }


def readable_rooms(*, actor: Who, community: Community) -> list[Room]:
    """The rooms of a community this user may read, with unread counts (one query)."""
    actor = as_actor(actor)
    if not actor.is_authenticated or permissions.is_banned(actor, community):
        return []
    readable = Q(pk__in=RoomMember.objects.filter(user_id=actor.member_id).values("room_id"))
    if (
        permissions.is_active_member(actor, community)
        or permissions.is_platform_admin(actor)
        or (community.visibility == Visibility.OPEN and not community.is_system)
    ):
        readable |= Q(is_restricted=False)
    read = ReadState.objects.filter(user_id=actor.member_id, room=OuterRef("pk")).values("last_read_seq")[:1]
    rooms: list[Room] = list(
        Room.objects.filter(readable, community=community)
        .annotate(read_seq=Coalesce(Subquery(read), F("last_seq"), output_field=IntegerField()))
        .order_by("is_archived", "name")
    )
    for room in rooms:
        room.unread = max(0, room.last_seq - room.read_seq)  # type: ignore[attr-defined]
    return rooms


def members(*, community: Community, state: str = MembershipState.ACTIVE, page: int = 1) -> Page[Membership]:
    qs = (
        Membership.objects.filter(community=community, state=state)
        .select_related("user__profile__organisation")
        .order_by("user__profile__display_name")
    )
    return Paginator(qs, 50).get_page(page)


def visible_communities(*, actor: Who) -> QuerySet[Community]:
    """Every community the actor may see (the directory's set, unfiltered), by name: for the API's list."""
    return _visible_communities(actor).order_by("name", "pk")


def my_memberships(*, actor: Who) -> QuerySet[Membership]:
    """The actor's memberships in any state but banned, with their community, by community name: for the API."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user_id=actor.member_id, community__is_system=False)
        .exclude(state=MembershipState.BANNED)
        .select_related("community")
        .order_by("community__name", "pk")
    )
