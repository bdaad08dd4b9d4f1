"""The member's own things in the API: notifications, direct conversations and mentoring.

Thin, as ``api.views``: parse, call the owning app's selector or service with the actor, describe.
A direct conversation is a forum room (``kind = "direct"``): it is read with the same seq cursor
as any room and posted to through the forum's one write path, ``post_messages``, with the
caller's ``client_id``. The mentoring endpoints need the ``mentoring`` scope for reading too
(``scope_family``): a pair's sessions are more private than a room.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.actor import Actor
from accounts.models import Skill, User
from api import serializers as s
from api.views import KringAPIView, _body, _page, _query, message_page, post_one
from core.errors import Invalid, NotFound
from forum import selectors as forum_selectors
from forum import services as forum_services
from forum.models import Room, RoomKind
from mentoring import selectors as mentoring_selectors
from mentoring import services as mentoring_services
from mentoring.models import MentoringProfile, Relationship
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.texts import say

# --- notifications ------------------------------------------------------------------------------


def notification_data(n: Any) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": say(n.kind, n.params or {}, n.text),
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "community_id": n.community_id,
        "room_id": n.room_id,
        "topic_id": n.topic_id,
        "message_id": n.message_id,
        "seq": n.seq,
    }


class NotificationList(KringAPIView):
    @extend_schema(parameters=[s.PageQuery], responses=s.NotificationPage, operation_id="notifications_list")
    def get(self, request: Request) -> Response:
        q = _query(s.PageQuery, request)
        qs = notification_selectors.notification_list(user_id=self.actor(request).member_id)
        page = _page(qs, q["page"], s.NotificationOut, data=notification_data)
        return Response(page)


class NotificationsRead(KringAPIView):
    @extend_schema(request=s.NotificationsReadIn, responses={200: s.MarkedOut}, operation_id="notifications_read")
    def post(self, request: Request) -> Response:
        data = _body(s.NotificationsReadIn, request)
        marked = notification_services.mark_read(actor=self.actor(request), ids=data.get("ids"))
        return Response({"marked": marked})


# --- direct conversations -----------------------------------------------------------------------


def _conversation(actor: Actor, room_id: int) -> Room:
    room = forum_selectors.readable_room(actor=actor, room_id=room_id)
    if room is None or room.kind != RoomKind.DIRECT:
        # The same answer whether it is missing, someone else's or not a conversation.
        raise NotFound(_("This conversation does not exist, or it is not yours."))
    return room


class ConversationList(KringAPIView):
    @extend_schema(parameters=[s.PageQuery], responses=s.ConversationPage, operation_id="conversations_list")
    def get(self, request: Request) -> Response:
        q = _query(s.PageQuery, request)
        page = forum_selectors.my_conversations(actor=self.actor(request), page=q["page"])
        if page.number != q["page"] and q["page"] > 1:
            raise NotFound(_("There is no page %(n)d.") % {"n": q["page"]}, code="no_such_page")
        body = {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": page.next_page_number() if page.has_next() else None,
            "results": s.ConversationOut(page.object_list, many=True).data,
        }
        return Response(body)

    @extend_schema(
        request=s.ConversationIn,
        responses={200: s.ConversationOut},
        operation_id="conversations_open",
        description="Open the conversation with these members (the existing one for the same people).",
    )
    def post(self, request: Request) -> Response:
        data = _body(s.ConversationIn, request)
        actor = self.actor(request)
        room = forum_services.open_conversation(actor=actor, others=data["members"])
        names = forum_selectors.participant_names([room.pk], viewer_id=actor.member_id)[room.pk]
        topic = forum_selectors.direct_topic(room=room)
        row = {
            "room_id": room.pk,
            "topic_id": topic.pk if topic else 0,
            "title": forum_selectors.conversation_title(names),
            "last_message_at": topic.last_message_at if topic else None,
            "unread": 0,
        }
        return Response(s.ConversationOut(row).data)


class ConversationMessages(KringAPIView):
    @extend_schema(
        parameters=[s.DirectMessageQuery],
        responses=s.MessagePageOut,
        operation_id="conversations_messages_list",
        description="The conversation's messages after `after` (a seq), oldest first, as a room's.",
    )
    def get(self, request: Request, room_id: int) -> Response:
        q = _query(s.DirectMessageQuery, request)
        room = _conversation(self.actor(request), room_id)
        return Response(message_page(room, after=q["after"], limit=q["limit"]))

    @extend_schema(
        request=s.DirectMessageIn,
        responses={201: s.MessageOut},
        operation_id="conversations_messages_create",
        description="Write in the conversation. The same `client_id` again answers the message already stored.",
    )
    def post(self, request: Request, room_id: int) -> Response:
        data = _body(s.DirectMessageIn, request)
        actor = self.actor(request)
        room = _conversation(actor, room_id)
        topic = forum_selectors.direct_topic(room=room)
        if topic is None:
            raise NotFound(_("This conversation does not exist, or it is not yours."))
        message = post_one(
            actor,
            room=room,
            topic_id=topic.pk,
            body=data["body"],
            client_id=data["client_id"],
            reply_to=data.get("reply_to"),
        )
        return Response(message, status=201)


# --- mentoring ----------------------------------------------------------------------------------


def _ref(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name}


def profile_data(profile: MentoringProfile) -> dict[str, Any]:
    return {
        "years_experience": profile.years_experience,
        "hours_per_month": profile.hours_per_month,
        "mode": profile.mode,
        "prefers_other_organisation": profile.prefers_other_organisation,
        "sector_preference": profile.sector_preference,
        "motivation": profile.motivation,
        "max_relationships": profile.max_relationships,
        "is_open": profile.is_open,
        "offers": [
            {"skill": {"id": o.skill.pk, "name": o.skill.name}, "level": o.level, "context": o.context}
            for o in profile.offers.all()
        ],
        "wants": [{"skill": {"id": w.skill.pk, "name": w.skill.name}, "goal": w.goal} for w in profile.wants.all()],
        "updated_at": profile.updated_at,
    }


def _default_profile() -> dict[str, Any]:
    fresh = MentoringProfile()
    fields = ("years_experience", "hours_per_month", "mode", "prefers_other_organisation", "sector_preference")
    data: dict[str, Any] = {name: getattr(fresh, name) for name in fields}
    data.update(motivation="", max_relationships=fresh.max_relationships, is_open=fresh.is_open, offers=[], wants=[])
    data["updated_at"] = None
    return data


def _skills(ids: list[int]) -> dict[int, Skill]:
    found = {k.pk: k for k in mentoring_selectors.all_skills()}  # the fixed list of a few dozen
    for pk in ids:
        if pk not in found:
            raise Invalid(_("There is no skill %(id)d.") % {"id": pk}, code="no_such_skill", field="skill")
    return found


class MentoringView(KringAPIView):
    scope_family = "mentoring"


class MentoringProfileView(MentoringView):
    @extend_schema(responses=s.MentoringProfileOut, operation_id="mentoring_profile_retrieve")
    def get(self, request: Request) -> Response:
        profile = mentoring_selectors.profile_with_skills(user=self.actor(request).member)
        # No profile yet: the defaults a first PATCH starts from (updated_at null).
        data = profile_data(profile) if profile is not None else _default_profile()
        return Response(s.MentoringProfileOut(data).data)

    @extend_schema(
        request=s.MentoringProfileIn,
        responses={200: s.MentoringProfileOut},
        operation_id="mentoring_profile_update",
        description="Change the profile: fields left out keep their value; `offers` and `wants` replace the lists.",
    )
    def patch(self, request: Request) -> Response:
        data = _body(s.MentoringProfileIn, request)
        user = self.actor(request).member
        profile = mentoring_selectors.profile_with_skills(user=user)
        values: dict[str, Any] = {}
        if profile is not None:
            current = profile_data(profile)
            values = {k: v for k, v in current.items() if k not in ("offers", "wants", "updated_at")}
            values["offers"] = [
                mentoring_services.OfferInput(skill=o.skill, level=o.level, context=o.context)
                for o in profile.offers.all()
            ]
            values["wants"] = [mentoring_services.WantInput(skill=w.skill, goal=w.goal) for w in profile.wants.all()]
        values.update({k: v for k, v in data.items() if k not in ("offers", "wants")})
        skills = _skills([o["skill"] for o in data.get("offers", [])] + [w["skill"] for w in data.get("wants", [])])
        if "offers" in data:
            values["offers"] = [
                mentoring_services.OfferInput(skill=skills[o["skill"]], level=int(o["level"]), context=o["context"])
                for o in data["offers"]
            ]
        if "wants" in data:
            values["wants"] = [
                mentoring_services.WantInput(skill=skills[w["skill"]], goal=w["goal"]) for w in data["wants"]
            ]
        for name, value in _default_profile().items():
            if name not in ("offers", "wants", "updated_at"):
                values.setdefault(name, value)
        mentoring_services.save_mentoring_profile(actor=user, **values)
        saved = mentoring_selectors.profile_with_skills(user=user)
        assert saved is not None
        return Response(s.MentoringProfileOut(profile_data(saved)).data)


class MentoringSuggestions(MentoringView):
    @extend_schema(
        parameters=[s.SuggestionQuery],
        responses=s.SuggestionPage,
        operation_id="mentoring_suggestions_list",
        description="Suggested partners for the member (at most 10, best first), with the reasons in words.",
    )
    def get(self, request: Request) -> Response:
        q = _query(s.SuggestionQuery, request)
        user = self.actor(request).member
        found = []
        if mentoring_selectors.profile_with_skills(user=user) is not None:
            found = mentoring_selectors.suggestions_for(
                user=user, offers_skill=q.get("skill"), same_region=q["same_region"]
            )
        rows = [
            {
                "member": {"id": f.user.pk, "name": f.user.display_name},
                "score": f.score,
                "reasons": [line.text for line in f.lines],
                "offers": [
                    {"skill": {"id": o.skill.pk, "name": o.skill.name}, "level": o.level, "context": o.context}
                    for o in f.offers
                ],
            }
            for f in found
        ]
        return Response(_page(rows, q["page"], s.SuggestionOut))


def pair_data(relationship: Relationship, viewer_id: int) -> dict[str, Any]:
    side = relationship.side_of(viewer_id)
    return {
        "id": relationship.pk,
        "status": relationship.status,
        "partner": _ref(relationship.partner_of(viewer_id)) if side else None,
        "person_a": _ref(relationship.person_a),
        "person_b": _ref(relationship.person_b),
        "programme": relationship.programme.slug if relationship.programme else None,
        "room": relationship.room_id,
        "created_at": relationship.created_at,
        "activated_at": relationship.activated_at,
        "ended_at": relationship.ended_at,
    }


class MentoringPairs(MentoringView):
    @extend_schema(parameters=[s.PageQuery], responses=s.PairPage, operation_id="mentoring_pairs_list")
    def get(self, request: Request) -> Response:
        q = _query(s.PageQuery, request)
        user = self.actor(request).member
        qs = mentoring_selectors.relationships_of(user=user)
        return Response(_page(qs, q["page"], s.PairOut, data=lambda r: pair_data(r, user.pk)))


class MentoringPair(MentoringView):
    @extend_schema(responses=s.PairOut, operation_id="mentoring_pairs_retrieve")
    def get(self, request: Request, pair_id: int) -> Response:
        user = self.actor(request).member
        relationship = mentoring_selectors.visible_relationship(user=user, pk=pair_id)
        return Response(s.PairOut(pair_data(relationship, user.pk)).data)


class MentoringPairSessions(MentoringView):
    @extend_schema(parameters=[s.PageQuery], responses=s.SessionPage, operation_id="mentoring_pairs_sessions_list")
    def get(self, request: Request, pair_id: int) -> Response:
        q = _query(s.PageQuery, request)
        sessions = mentoring_selectors.pair_sessions(user=self.actor(request).member, pk=pair_id)
        return Response(_page(sessions, q["page"], s.SessionOut))
