"""What Kring holds as evidence of a member's learning — the ONE module that reads mentoring.

Mentoring is being redesigned (goals with milestones, planned sessions); this module reads only
fields that exist today: ``Relationship`` (``person_a``/``person_b``, ``status``,
``activated_at``/``ended_at``), ``Goal`` (``relationship``, ``side``, ``description``,
``progress``), ``Session`` (``relationship``, ``held_on``) and ``Closing`` (``author``,
``taught``, ``learned``). Forum and knowledge-base reads (accepted answers, lessons, shared
topics) are here too, so the passport's selectors and rules ask one place.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from forum.models import Message, Topic
from knowledge_base.models import LessonPage
from meetings.models import Attendance, MeetingState
from mentoring.models import Closing, Goal, Relationship, Session, SessionState, Status

# A session is counted as one hour: today's sessions have a date, not a length.
HOURS_PER_SESSION = 1


@dataclass
class PairRecord:
    relationship_id: int
    partner_name: str
    status: str
    sessions: int
    goals_mine: int = 0
    goals_mine_met: int = 0
    goals_theirs: int = 0
    goals_theirs_met: int = 0
    taught: str = ""
    learned: str = ""

    @property
    def hours(self) -> int:
        return self.sessions * HOURS_PER_SESSION

    @property
    def goals_met_both_ways(self) -> bool:
        return (
            self.goals_mine > 0
            and self.goals_theirs > 0
            and self.goals_mine_met == self.goals_mine
            and (self.goals_theirs_met == self.goals_theirs)
        )


@dataclass
class MentoringRecord:
    pairs: list[PairRecord] = field(default_factory=list)

    @property
    def hours(self) -> int:
        return sum(pair.hours for pair in self.pairs)

    @property
    def goals_reached_mine(self) -> int:
        return sum(pair.goals_mine_met for pair in self.pairs)

    @property
    def goals_reached_theirs(self) -> int:
        return sum(pair.goals_theirs_met for pair in self.pairs)


PAIR_STATUSES = (Status.ACTIVE, Status.PAUSED, Status.COMPLETED, Status.ENDED_EARLY)
PAIRS_SHOWN = 20


def mentoring_of(member_id: int) -> MentoringRecord:
    """The member's pairs (active or ended), with goals each way and closings: four queries."""
    pairs = list(
        Relationship.objects.filter(Q(person_a_id=member_id) | Q(person_b_id=member_id), status__in=PAIR_STATUSES)
        .select_related("person_a", "person_b")
        .order_by("-activated_at", "-pk")[:PAIRS_SHOWN]
    )
    ids = [pair.pk for pair in pairs]
    sessions: dict[int, int] = defaultdict(int)
    # Only sessions that took place count as mentoring time, not planned or cancelled ones.
    held = Session.objects.filter(relationship_id__in=ids, state=SessionState.HELD)
    for relationship_id in held.values_list("relationship_id", flat=True):
        sessions[relationship_id] += 1
    goals = defaultdict(list)
    for goal in Goal.objects.filter(relationship_id__in=ids).only("relationship_id", "side", "progress"):
        goals[goal.relationship_id].append(goal)
    closings = {
        closing.relationship_id: closing
        for closing in Closing.objects.filter(relationship_id__in=ids, author_id=member_id).only(
            "relationship_id", "taught", "learned"
        )
    }
    record = MentoringRecord()
    for pair in pairs:
        side = pair.side_of(member_id)
        partner = pair.partner_of(member_id)
        item = PairRecord(
            relationship_id=pair.pk,
            partner_name=partner.get_full_name() or partner.email.split("@")[0] if partner else "",
            status=pair.get_status_display(),
            sessions=sessions[pair.pk],
        )
        for goal in goals[pair.pk]:
            if goal.side == side:
                item.goals_mine += 1
                item.goals_mine_met += goal.progress >= 100
            else:
                item.goals_theirs += 1
                item.goals_theirs_met += goal.progress >= 100
        closing = closings.get(pair.pk)
        if closing is not None:
            item.taught, item.learned = closing.taught, closing.learned
        record.pairs.append(item)
    return record


def closed_pairs_with_goals_both_ways(member_id: int) -> list[int]:
    """Completed pairs of the member in which every goal on both sides was reached."""
    record = mentoring_of(member_id)
    completed = set(
        Relationship.objects.filter(
            pk__in=[p.relationship_id for p in record.pairs], status=Status.COMPLETED
        ).values_list("pk", flat=True)
    )
    return [
        pair.relationship_id for pair in record.pairs if pair.relationship_id in completed and pair.goals_met_both_ways
    ]


def pair_members(relationship_id: int) -> tuple[int | None, int | None]:
    found = Relationship.objects.filter(pk=relationship_id, status=Status.COMPLETED).values_list(
        "person_a_id", "person_b_id"
    )
    row = found.first()
    return (row[0], row[1]) if row else (None, None)


@dataclass(frozen=True)
class Contribution:
    kind: str  # "answer", "lesson" or "meeting"
    title: str
    url: str
    when: datetime | None = None
    where: str = ""  # the community, for a meeting


CONTRIBUTIONS_SHOWN = 20


def accepted_answers(member_id: int) -> list[Contribution]:
    """Accepted answers to practice questions in listed community rooms (never direct rooms)."""
    topics = (
        Topic.objects.filter(
            accepted_answer__author_id=member_id,
            room__kind="community",
            room__is_restricted=False,
            room__community__visibility="open",
        )
        .only("pk", "title")
        .order_by("-pk")[:CONTRIBUTIONS_SHOWN]
    )
    return [Contribution("answer", topic.title, reverse("forum:topic", args=[topic.pk])) for topic in topics]


def accepted_answer_count(member_id: int, *, community_id: int | None = None) -> int:
    found = Topic.objects.filter(accepted_answer__author_id=member_id)
    if community_id is not None:
        found = found.filter(room__community_id=community_id)
    return found.count()


def member(member_id: int) -> User:
    return User.objects.get(pk=member_id)


def lessons(member_id: int) -> list[Contribution]:
    """Live, public lessons the member wrote, or that a topic they started became."""
    pages = (
        LessonPage.objects.live()
        .public()
        .filter(Q(owner_id=member_id) | Q(origin_topic__created_by_id=member_id))
        .only("pk", "title", "url_path")
        .order_by("-first_published_at")[:CONTRIBUTIONS_SHOWN]
    )
    return [Contribution("lesson", page.title, page.url or "") for page in pages]


def meetings_attended(member_id: int) -> list[Contribution]:
    """Meetings of open communities the member was recorded at (a closed community's meeting
    could tell a public passport's reader what that community does), with the community's name:
    many communities call their first meeting alike."""
    rows = (
        Attendance.objects.filter(
            user_id=member_id,
            meeting__state=MeetingState.SCHEDULED,
            meeting__community__visibility="open",
            meeting__community__is_system=False,
        )
        .select_related("meeting__community")
        .only("meeting__id", "meeting__title", "meeting__starts_at", "meeting__community__name")
        .order_by("-meeting__starts_at")[:CONTRIBUTIONS_SHOWN]
    )
    return [
        Contribution(
            "meeting",
            row.meeting.title,
            reverse("meetings:meeting", args=[row.meeting.pk]),
            row.meeting.starts_at,
            row.meeting.community.name,
        )
        for row in rows
    ]


def shared_pair_or_topic(member_id: int, other_id: int) -> bool:
    """Whether the two were a mentoring pair, or both wrote in one community topic."""
    low, high = sorted((member_id, other_id))
    if Relationship.objects.filter(person_a_id=low, person_b_id=high, status__in=PAIR_STATUSES).exists():
        return True
    mine = Message.objects.filter(author_id=member_id, room__kind="community", deleted_at__isnull=True).values(
        "topic_id"
    )
    return Message.objects.filter(author_id=other_id, topic_id__in=mine, deleted_at__isnull=True).exists()


def message_topic_evidence(topic_id: int) -> tuple[str, str]:
    topic = Topic.objects.only("title").get(pk=topic_id)
    return topic.title, reverse("forum:topic", args=[topic_id])
