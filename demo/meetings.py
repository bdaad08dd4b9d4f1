"""Demo content for meetings: in each open community the demo facilitator runs, a meeting next week
(hybrid, limited places with a waiting list, RSVPs, an agenda with an item from a message, tables),
a monthly series, and a meeting last month with attendance and minutes posted in the room.
Idempotent: a community that has meetings is left alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from accounts.actor import Actor
from accounts.models import User
from forum.models import Community, MembershipState, Message, Role
from meetings import services
from meetings.models import Meeting

AGENDA = ["Welkom en voorstelronde", "Rondvraag"]


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed(progress: Callable[[str], None]) -> None:
    facilitator = User.objects.filter(email="facilitator@kring.test").first()
    if facilitator is None:
        return
    communities = Community.objects.filter(
        memberships__user=facilitator,
        memberships__state=MembershipState.ACTIVE,
        memberships__role__in=[Role.FACILITATOR, Role.OWNER],
        visibility="open",
        is_system=False,
    ).order_by("pk")
    made = 0
    for community in communities:
        if Meeting.objects.filter(community=community).exists():
            continue
        _seed_community(Actor(user=facilitator), community)
        made += 1
    if made:
        progress(f"meetings: three meetings each in {made} communities (RSVPs, agenda, tables, minutes)")


def _seed_community(boss: Actor, community: Community) -> None:
    members = list(
        User.objects.filter(memberships__community=community, memberships__state=MembershipState.ACTIVE)
        .exclude(pk=boss.member_id)
        .order_by("pk")[:24]
    )
    name = community.name
    soon = services.create_meeting(
        actor=boss,
        community=community,
        data=services.MeetingInput(
            title=f"Kringbijeenkomst {name}: van vraag naar aanpak",
            description="We bespreken de vragen die bedrijven inbrachten en maken in tafels een eerste aanpak.",
            starts_at=_at(7, 15),
            ends_at=_at(7, 17),
            place="Praktijklokaal, Zernikelaan 17, Groningen",
            video_url="https://meet.example.org/kring-bijeenkomst",
            capacity=max(4, len(members) - 2),
        ),
    )
    for i, member in enumerate(members):
        answer = "going" if i % 5 != 4 else ("maybe" if i % 2 else "not_going")
        services.rsvp(actor=member, meeting=soon, answer=answer)
    for title in AGENDA:
        services.add_agenda_item(actor=boss, meeting=soon, title=title)
    message = (
        Message.objects.filter(
            room__community=community, room__is_restricted=False, deleted_at__isnull=True, is_hidden=False
        )
        .order_by("-pk")
        .first()
    )
    if message is not None:
        services.add_message_to_agenda(actor=boss, meeting=soon, message=message)
    if len(members) >= 4:
        services.split_into_tables(actor=boss, meeting=soon, size=4)
    services.create_meeting(
        actor=boss,
        community=community,
        data=services.MeetingInput(
            title="Online spreekuur voor stagiairs",
            description="Elke maand een uur: stel je vraag aan een ervaren vakmens.",
            starts_at=_at(3, 16),
            ends_at=_at(3, 17),
            video_url="https://meet.example.org/spreekuur",
            recurrence="monthly",
            occurrences=6,
        ),
    )
    past = services.create_meeting(
        actor=boss,
        community=community,
        data=services.MeetingInput(
            title="Startbijeenkomst: onze waaromvraag",
            starts_at=_at(-30, 14),
            ends_at=_at(-30, 16),
            place="Gemeentehuis, raadszaal",
        ),
    )
    there = [m.pk for m in members[: max(1, len(members) // 2)]]
    services.record_attendance(actor=boss, meeting=past, present=there)
    services.write_minutes(
        actor=boss,
        meeting=past,
        body="We hebben samen de waaromvraag van de kring opgesteld en afgesproken hoe we vragen van bedrijven "
        "ophalen. Iedereen deelde een voorbeeld uit de eigen praktijk.",
        decisions=["We komen elke maand samen", "Bedrijven brengen hun vraag in via de kamer Algemeen"],
        actions=[
            services.ActionInput(
                text="Vragen van drie bedrijven ophalen", owner=members[0] if members else None, due_on=_at(7, 9).date()
            ),
            services.ActionInput(text="Zaal voor de volgende keer regelen", owner=boss.member, due_on=_at(5, 9).date()),
        ],
    )
    services.post_minutes(actor=boss, meeting=past)
