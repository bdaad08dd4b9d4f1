"""Meetings (bijeenkomsten) in the API: a community's meetings, one meeting, and the member's answer.

Thin, as ``api.views``: ``meetings.selectors`` decide who sees a community's meetings (whoever may
read its rooms; a closed community's meetings do not exist for outsiders) and ``meetings.services``
store the answer, with the waiting list: "going" beyond the capacity is stored as "waiting", and a
place that comes free goes to the first on the list. Answering is idempotent: the same answer
again changes nothing, and DELETE without an answer is a 204 too.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actor import Actor
from api import serializers as s
from api.views import KringAPIView, _body, _community, _page, _query
from meetings import selectors as meeting_selectors
from meetings import services as meeting_services
from meetings.models import Meeting


def meeting_rows(actor: Actor, meetings: list[Meeting]) -> list[dict[str, Any]]:
    """The API's rows for these meetings: two queries (answers counted, the actor's own answers)."""
    ids = [m.pk for m in meetings]
    counts = meeting_selectors.answer_counts(meeting_ids=ids)
    mine = meeting_selectors.my_answers(user=actor.member, meeting_ids=ids) if actor.is_authenticated else {}
    rows = []
    for m in meetings:
        c = counts.get(m.pk, {})
        community = m.community
        rows.append(
            {
                "id": m.pk,
                "community": {"id": community.pk, "slug": community.slug, "name": community.name},
                "title": m.title,
                "description": m.description,
                "starts_at": m.starts_at,
                "ends_at": m.ends_at,
                "place": m.place,
                "video_url": m.video_url,
                "capacity": m.capacity,
                "recurrence": m.recurrence,
                "occurrences": m.occurrences,
                "state": m.state,
                "going": c.get("going", 0),
                "waiting": c.get("waiting", 0),
                "maybe": c.get("maybe", 0),
                "my_answer": mine.get(m.pk),
                "url": m.get_absolute_url(),
            }
        )
    return rows


def one_meeting(actor: Actor, meeting_id: int) -> dict[str, Any]:
    meeting = meeting_selectors.meeting_for(actor=actor, meeting_id=meeting_id)
    return dict(s.MeetingOut(meeting_rows(actor, [meeting])[0]).data)


class CommunityMeetings(KringAPIView):
    @extend_schema(
        parameters=[s.MeetingQuery],
        responses=s.MeetingPage,
        operation_id="communities_meetings_list",
        description="The community's coming meetings, soonest first (`past=true`: past ones, latest first).",
    )
    def get(self, request: Request, slug: str) -> Response:
        q = _query(s.MeetingQuery, request)
        actor = self.actor(request)
        found = meeting_selectors.visible_community_meetings(
            actor=actor, community=_community(actor, slug), past=q["past"]
        ).select_related("community")
        return Response(_page(found, q["page"], s.MeetingOut, rows=lambda page: meeting_rows(actor, page)))


class MeetingDetail(KringAPIView):
    @extend_schema(responses=s.MeetingOut, operation_id="meetings_retrieve")
    def get(self, request: Request, meeting_id: int) -> Response:
        return Response(one_meeting(self.actor(request), meeting_id))


class MeetingRsvp(KringAPIView):
    @extend_schema(
        request=s.RsvpIn,
        responses={200: s.MeetingOut},
        operation_id="meetings_rsvp",
        description=(
            "Answer: going, maybe or not_going. going without a free place puts the member on the waiting "
            "list (`my_answer`: waiting); going again keeps their place. Only the community's active members."
        ),
    )
    def put(self, request: Request, meeting_id: int) -> Response:
        data = _body(s.RsvpIn, request)
        actor = self.actor(request)
        meeting = meeting_selectors.meeting_for(actor=actor, meeting_id=meeting_id)
        meeting_services.rsvp(actor=actor, meeting=meeting, answer=data["answer"])
        return Response(one_meeting(actor, meeting_id))

    @extend_schema(
        request=None,
        responses={204: None},
        operation_id="meetings_rsvp_withdraw",
        description="Take the answer back (a place it frees goes to the waiting list). Without an answer: 204 too.",
    )
    def delete(self, request: Request, meeting_id: int) -> Response:
        actor = self.actor(request)
        meeting = meeting_selectors.meeting_for(actor=actor, meeting_id=meeting_id)
        meeting_services.withdraw_rsvp(actor=actor, meeting=meeting)
        return Response(status=204)
