"""Reads for meetings: lists, one meeting's page, the feed, and attendance for other apps.

``attendance_for`` is the one way the passport and monitoring (same floor, so they may not import
meetings today) can later read who attended which meeting: through a hook, or once they sit on a
floor above meetings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import NotFound
from forum.models import Community, Membership, MembershipState
from meetings import permissions, tables
from meetings.models import (
    ActionItem,
    AgendaItem,
    Answer,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
    MeetingState,
    Minutes,
    Rsvp,
    Seat,
)

FEED_PAST = dt.timedelta(days=90)
FEED_MAX = 500


def meeting_for(*, actor: Actor | User, meeting_id: int) -> Meeting:
    """The meeting if the actor may see it; else NotFound (a closed community's meetings do not
    exist for outsiders)."""
    actor = as_actor(actor)
    meeting = Meeting.objects.select_related("community", "room").filter(pk=meeting_id).first()
    if meeting is None or not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    return meeting


def community_meetings(*, community: Community, past: bool) -> QuerySet[Meeting]:
    """Upcoming (not ended yet, soonest first) or past (latest first), with the number coming."""
    now = timezone.now()
    found = Meeting.objects.filter(community=community).annotate(
        going=Count("rsvps", filter=Q(rsvps__answer=Answer.GOING))
    )
    if past:
        return found.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    return found.filter(ends_at__gt=now).order_by("starts_at", "pk")


def visible_community_meetings(*, actor: Actor | User, community: Community, past: bool) -> QuerySet[Meeting]:
    """``community_meetings`` for whoever may see the community's meetings; NotFound for anyone
    else, as ``meeting_for`` (the API's list)."""
    if not permissions.can_see_meetings(as_actor(actor), community):
        raise NotFound(_("This community does not exist, or you cannot see its meetings."))
    return community_meetings(community=community, past=past)


def answer_counts(*, meeting_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per meeting, how many answered each way (one query)."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Rsvp.objects.filter(meeting_id__in=list(meeting_ids))
        .values_list("meeting_id", "answer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for meeting_id, answer, n in rows:
        counts[meeting_id][answer] = n
    return dict(counts)


def my_upcoming(*, user: User) -> QuerySet[Meeting]:
    """Meetings not ended yet in the member's active communities (for their overview page)."""
    communities = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("community_id")
    return (
        Meeting.objects.filter(community_id__in=communities, ends_at__gt=timezone.now())
        .annotate(going=Count("rsvps", filter=Q(rsvps__answer=Answer.GOING)))
        .select_related("community")
        .order_by("starts_at", "pk")
    )


def my_answers(*, user: User, meeting_ids: Iterable[int]) -> dict[int, str]:
    return dict(Rsvp.objects.filter(user=user, meeting_id__in=list(meeting_ids)).values_list("meeting_id", "answer"))


@dataclass
class TableView:
    number: int
    people: list[User]
    mix: float


PEOPLE_PER_PAGE = 50


@dataclass
class MeetingPage:
    meeting: Meeting
    my_answer: str | None
    going: list[User]  # one page of who is coming (``?komen=2``) …
    going_page: Page[int]  # … and that page of their ids, for the page links
    going_count: int
    maybe: list[User]  # the first PEOPLE_PER_PAGE
    maybe_count: int
    waiting: list[User]  # the first PEOPLE_PER_PAGE, in the list's order
    waiting_count: int
    not_going: int
    agenda: list[AgendaItem]
    tables: list[TableView]
    minutes: Minutes | None
    decisions: list[Decision]
    actions: list[ActionItem]
    present: set[int] = field(default_factory=set)
    waiting_position: int | None = None


def _users(ids: Iterable[int]) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=list(ids)).select_related("profile")}


def meeting_page(*, actor: Actor, meeting: Meeting, going_page: str | int | None = 1) -> MeetingPage:
    """Everything the meeting's page shows, in a bounded number of queries whatever the number of people."""
    rsvps = list(Rsvp.objects.filter(meeting=meeting).order_by("answered_at", "pk").values_list("user_id", "answer"))
    ids: dict[str, list[int]] = defaultdict(list)
    for uid, answer in rsvps:
        ids[answer].append(uid)
    going = Paginator(ids[Answer.GOING], PEOPLE_PER_PAGE).get_page(going_page)
    seats = list(Seat.objects.filter(meeting=meeting).values_list("table", "user_id"))
    present = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    shown = [*going.object_list, *ids[Answer.MAYBE][:PEOPLE_PER_PAGE], *ids[Answer.WAITING][:PEOPLE_PER_PAGE]]
    people = _users({*shown, *(uid for _t, uid in seats)})
    mine = next((a for uid, a in rsvps if uid == actor.pk), None)
    position = None
    if mine == Answer.WAITING and actor.pk is not None:
        position = ids[Answer.WAITING].index(actor.pk) + 1
    grouped: dict[int, list[int]] = defaultdict(list)
    for table, uid in seats:
        grouped[table].append(uid)
    profiles = {p.user_id: p for p in tables.people_for([uid for _t, uid in seats])} if seats else {}
    table_views = [
        TableView(
            number=n,
            people=sorted((people[uid] for uid in ids if uid in people), key=lambda u: u.display_name.lower()),
            mix=tables.mix([profiles[uid] for uid in ids if uid in profiles]),
        )
        for n, ids in sorted(grouped.items())
    ]
    minutes = Minutes.objects.filter(meeting=meeting).select_related("topic", "lesson").first()
    return MeetingPage(
        meeting=meeting,
        my_answer=mine,
        going=[people[uid] for uid in going.object_list if uid in people],
        going_page=going,
        going_count=len(ids[Answer.GOING]),
        maybe=[people[uid] for uid in ids[Answer.MAYBE][:PEOPLE_PER_PAGE] if uid in people],
        maybe_count=len(ids[Answer.MAYBE]),
        waiting=[people[uid] for uid in ids[Answer.WAITING][:PEOPLE_PER_PAGE] if uid in people],
        waiting_count=len(ids[Answer.WAITING]),
        not_going=len(ids[Answer.NOT_GOING]),
        agenda=list(
            AgendaItem.objects.filter(meeting=meeting).select_related("added_by__profile", "source_message__topic")
        ),
        tables=table_views,
        minutes=minutes,
        decisions=list(Decision.objects.filter(meeting=meeting)) if minutes else [],
        actions=list(ActionItem.objects.filter(meeting=meeting).select_related("owner__profile")) if minutes else [],
        present=present,
        waiting_position=position,
    )


def present_or_coming(*, meeting: Meeting) -> set[int]:
    """Who was recorded as there; before anyone is, who said they would come (the form's first ticks)."""
    present = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    if present:
        return present
    return set(Rsvp.objects.filter(meeting=meeting, answer=Answer.GOING).values_list("user_id", flat=True))


def active_members(*, community: Community) -> QuerySet[User]:
    return (
        User.objects.filter(memberships__community=community, memberships__state=MembershipState.ACTIVE)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


MAX_CHOICES = 500


def attendance_choices(*, meeting: Meeting) -> list[User]:
    """The members the attendance form offers, by name: everyone who answered (but "not coming") or
    was recorded, then other active members, at most MAX_CHOICES in all (two queries)."""
    involved = set(
        Rsvp.objects.filter(meeting=meeting)
        .exclude(answer=Answer.NOT_GOING)
        .values_list("user_id", flat=True)[:MAX_CHOICES]
    ) | set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True)[:MAX_CHOICES])
    members = active_members(community=meeting.community)
    first = list(members.filter(pk__in=involved)[:MAX_CHOICES])
    rest = (
        list(members.exclude(pk__in=involved)[: max(0, MAX_CHOICES - len(first))]) if len(first) < MAX_CHOICES else []
    )
    return sorted([*first, *rest], key=lambda u: (u.display_name.lower(), u.pk))


# --- the personal feed ----------------------------------------------------------------------------


def feed_user(*, token_hash: str) -> User | None:
    feed = CalendarFeed.objects.filter(token_hash=token_hash).select_related("user").first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def has_feed(*, user: User) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


def feed_meetings(*, user: User) -> list[Meeting]:
    """The member's meetings for their calendar: every meeting of their active communities from 90
    days ago on, except those they said they would not come to; cancelled ones stay (STATUS:CANCELLED)
    so that calendars remove them. At most 500."""
    communities = Membership.objects.filter(user=user, state=MembershipState.ACTIVE, community__is_system=False)
    declined = Rsvp.objects.filter(user=user, answer=Answer.NOT_GOING).values("meeting_id")
    return list(
        Meeting.objects.filter(
            community_id__in=communities.values("community_id"), ends_at__gt=timezone.now() - FEED_PAST
        )
        .exclude(pk__in=declined)
        .order_by("starts_at", "pk")[:FEED_MAX]
    )


# --- for the passport and monitoring --------------------------------------------------------------


@dataclass(frozen=True)
class Attended:
    meeting_id: int
    community_id: int
    title: str
    starts_at: dt.datetime
    user_id: int


def attendance_for(
    *, user: User | None = None, community: Community | None = None, since: dt.datetime | None = None
) -> list[Attended]:
    """Recorded attendance of held (not cancelled) meetings, by member and/or community: the passport
    counts a member's meetings, monitoring a community's. One query."""
    rows = Attendance.objects.filter(meeting__state=MeetingState.SCHEDULED)
    if user is not None:
        rows = rows.filter(user=user)
    if community is not None:
        rows = rows.filter(meeting__community=community)
    if since is not None:
        rows = rows.filter(meeting__starts_at__gte=since)
    return [
        Attended(meeting_id=m, community_id=c, title=t, starts_at=s, user_id=u)
        for m, c, t, s, u in rows.order_by("meeting__starts_at", "meeting_id", "user_id").values_list(
            "meeting_id", "meeting__community_id", "meeting__title", "meeting__starts_at", "user_id"
        )
    ]
