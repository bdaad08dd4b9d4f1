"""Everything monitoring reads from the other apps, in one place.

The forum, mentoring and the knowledge base change in parallel; monitoring reads them only
here and only through fields that exist on their models today, so a change there shows up as
one failing module, not a scattered one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from accounts.models import Profile, display_name_of
from forum.models import Community, CommunityKind, Membership, MembershipState, Message, Role, RoomKind, Topic
from forum.rendering import mentions_in
from knowledge_base.models import LessonPage
from mentoring.models import Relationship, Status

FACILITATOR_ROLES = (Role.FACILITATOR, Role.OWNER)
# Pairs that got going (a proposal that was declined is no interaction).
PAIR_STATUSES = (Status.ACTIVE, Status.PAUSED, Status.COMPLETED, Status.ENDED_EARLY)


def community_messages(community_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> QuerySet[Message]:
    """Visible messages with an author in the communities' rooms (direct conversations never)."""
    return Message.objects.filter(
        room__community_id__in=list(community_ids),
        room__kind=RoomKind.COMMUNITY,
        created_at__gte=start,
        created_at__lt=end,
        deleted_at__isnull=True,
        is_hidden=False,
        author__isnull=False,
    )


def messages_per_member_day(community_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    return list(
        community_messages(community_ids, start, end)
        .annotate(day=TruncDate("created_at"))
        .values("room__community_id", "day", "author_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def topics_per_day(community_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    return list(
        Topic.objects.filter(
            room__community_id__in=list(community_ids),
            room__kind=RoomKind.COMMUNITY,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(day=TruncDate("created_at"))
        .values("room__community_id", "day")
        .annotate(n=Count("pk"), questions=Count("pk", filter=Q(is_question=True)))
        .order_by()
    )


def replies_per_day(community_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Who answered whom: the author of the message replied to, else the topic's starter."""
    base = community_messages(community_ids, start, end).annotate(day=TruncDate("created_at"))
    explicit = (
        base.filter(reply_to__isnull=False, reply_to__author__isnull=False)
        .exclude(reply_to__author_id=F("author_id"))
        .values("room__community_id", "day", "author_id", target=F("reply_to__author_id"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    to_starter = (
        base.filter(reply_to__isnull=True, topic__created_by__isnull=False)
        .exclude(topic__created_by_id=F("author_id"))
        .values("room__community_id", "day", "author_id", target=F("topic__created_by_id"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [*explicit, *to_starter]


def mentions_per_day(community_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Mentions by identity (``@**Name|id**``) or by a name one member of the community has."""
    rows = (
        community_messages(community_ids, start, end)
        .filter(body__contains="@**")
        .annotate(day=TruncDate("created_at"))
        .values_list("room__community_id", "day", "author_id", "body")
    )
    found: dict[tuple[int, dt.date, int, int], int] = {}
    names: dict[int, dict[str, int | None]] = {}
    for community_id, day, author_id, body in rows.iterator():
        if community_id not in names:
            names[community_id] = _member_names(community_id)
        for mention in mentions_in(body):
            target = mention.user_id if mention.user_id is not None else names[community_id].get(mention.name.lower())
            if target is not None and target != author_id:
                key = (community_id, day, author_id, target)
                found[key] = found.get(key, 0) + 1
    return [
        {"room__community_id": c, "day": d, "author_id": a, "target": t, "n": n} for (c, d, a, t), n in found.items()
    ]


def _member_names(community_id: int) -> dict[str, int | None]:
    """Display name (lower case) -> member id; None where two members share the name."""
    names: dict[str, int | None] = {}
    for user_id, name in Profile.objects.filter(
        user__memberships__community_id=community_id, user__memberships__state=MembershipState.ACTIVE
    ).values_list("user_id", "display_name"):
        key = name.lower()
        names[key] = None if key in names else user_id
    return names


def topics_for_stats(community_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Topics started in the window with their first answer by someone other than the starter."""
    topics: list[dict[str, Any]] = [
        dict(row)
        for row in Topic.objects.filter(
            room__community_id__in=list(community_ids),
            room__kind=RoomKind.COMMUNITY,
            created_at__gte=start,
            created_at__lt=end,
        ).values("pk", "room__community_id", "created_at", "created_by_id", "is_question", "is_resolved")
    ]
    first: dict[int, dt.datetime] = {}
    if topics:
        rows = (
            # An answer before the topic's own start (imported or synthetic history) is no answer.
            Message.objects.filter(
                topic_id__in=[t["pk"] for t in topics],
                deleted_at__isnull=True,
                author__isnull=False,
                created_at__gte=F("topic__created_at"),
            )
            .exclude(author_id=F("topic__created_by_id"))
            .values("topic_id")
            .annotate(first=Min("created_at"))
            .order_by()
        )
        first = {r["topic_id"]: r["first"] for r in rows}
    for t in topics:
        t["first_answer_at"] = first.get(t["pk"])
    return topics


def first_message_day(community_ids: Iterable[int]) -> dt.datetime | None:
    found = Message.objects.filter(room__community_id__in=list(community_ids)).aggregate(first=Min("created_at"))
    return found["first"]


def rollup_communities() -> list[int]:
    return list(Community.objects.filter(is_system=False).values_list("pk", flat=True))


# --- read at request time (small tables) -----------------------------------------------------------


def member_facts(community: Community, user_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per member: role in the community, organisation (id, name), sector names. Three queries."""
    ids = list(set(user_ids))
    facts: dict[int, dict[str, Any]] = {
        uid: {"role": None, "organisation": None, "organisation_name": "", "sectors": []} for uid in ids
    }
    for uid, role in Membership.objects.filter(community=community, user_id__in=ids).values_list("user_id", "role"):
        facts[uid]["role"] = role
    for uid, org_id, org_name in Profile.objects.filter(user_id__in=ids).values_list(
        "user_id", "organisation_id", "organisation__name"
    ):
        facts[uid]["organisation"] = org_id
        facts[uid]["organisation_name"] = org_name or ""
    for uid, sector in Profile.sectors.through.objects.filter(profile__user_id__in=ids).values_list(
        "profile__user_id", "sector__name"
    ):
        facts[uid]["sectors"].append(sector)
    return facts


def member_joins(community: Community) -> dict[int, dt.datetime]:
    """When each active member's membership began."""
    return dict(
        Membership.objects.filter(community=community, state=MembershipState.ACTIVE).values_list(
            "user_id", "created_at"
        )
    )


def mentoring_pairs(community: Community, start: dt.datetime, end: dt.datetime) -> list[tuple[int, int]]:
    """Pairs that began in the window and whose two people are both active members of the community."""
    members = Membership.objects.filter(community=community, state=MembershipState.ACTIVE).values("user_id")
    return list(
        Relationship.objects.filter(
            status__in=PAIR_STATUSES,
            activated_at__gte=start,
            activated_at__lt=end,
            person_a_id__in=members,
            person_b_id__in=members,
        ).values_list("person_a_id", "person_b_id")
    )


def lessons_from(community: Community, start: dt.datetime, end: dt.datetime) -> int:
    """Published lessons that came from the community in the window."""
    return (
        LessonPage.objects.live()
        .filter(origin_community=community, first_published_at__gte=start, first_published_at__lt=end)
        .count()
    )


def lessons_for_factor(code: str, limit: int = 5) -> list[Any]:
    return list(
        LessonPage.objects.live().public().filter(success_factors__code=code).order_by("-first_published_at")[:limit]
    )


def is_facilitator(user_id: int, community: Community) -> bool:
    return Membership.objects.filter(
        community=community, user_id=user_id, state=MembershipState.ACTIVE, role__in=FACILITATOR_ROLES
    ).exists()


def is_active_member(user_id: int, community: Community) -> bool:
    return Membership.objects.filter(community=community, user_id=user_id, state=MembershipState.ACTIVE).exists()


def active_member_count(community: Community) -> int:
    return Membership.objects.filter(community=community, state=MembershipState.ACTIVE).count()


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    return {
        uid: display_name_of(name, first, last, email)
        for uid, name, first, last, email in Profile.objects.filter(user_id__in=list(user_ids)).values_list(
            "user_id", "display_name", "user__first_name", "user__last_name", "user__email"
        )
    }


@dataclass
class NationalFacts:
    communities: list[dict[str, Any]]
    sectors: dict[int, list[str]]
    regions: dict[int, list[str]]
    shared_members: dict[tuple[int, int], int]


def national_communities() -> NationalFacts:
    """Every public-network community with its kind, sectors, provinces, member count, and the
    number of active members each pair of communities shares (four queries)."""
    kinds = dict(CommunityKind.choices)
    communities = [
        {**c, "kind_label": str(kinds.get(c["kind"], c["kind"]))}
        for c in Community.objects.filter(is_system=False).values("pk", "name", "kind", "member_count")
    ]
    sectors: dict[int, list[str]] = {}
    for cid, name in Community.sectors.through.objects.values_list("community_id", "sector__name"):
        sectors.setdefault(cid, []).append(name)
    regions: dict[int, list[str]] = {}
    for cid, name in Community.regions.through.objects.values_list("community_id", "region__name"):
        regions.setdefault(cid, []).append(name)
    active = Membership.objects.filter(state=MembershipState.ACTIVE, community__is_system=False)
    shared: dict[tuple[int, int], int] = {}
    by_user: dict[int, list[int]] = {}
    for uid, cid in active.values_list("user_id", "community_id").order_by("user_id", "community_id"):
        by_user.setdefault(uid, []).append(cid)
    for cids in by_user.values():
        for i, x in enumerate(cids):
            for y in cids[i + 1 :]:
                shared[(x, y)] = shared.get((x, y), 0) + 1
    return NationalFacts(communities=communities, sectors=sectors, regions=regions, shared_members=shared)
