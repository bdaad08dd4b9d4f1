"""The REST API's views (``/api/v1/``): thin — parse, call one selector or service, describe.

Each call builds its actor once (``Actor(user=request.user)``) and passes it on; every rule is
the owning app's, exactly as for the HTML pages and the WebSocket. Posting goes through the
forum's posting batch (``forum.services.post_messages``) with the caller's ``client_id``, the
same idempotency key the WebSocket's post frame carries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from oauth2_provider.models import AccessToken as OAuthAccessToken
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actor import Actor
from api import serializers as s
from api import throttle
from api.authentication import KringSessionAuthentication, TokenAuthentication
from api.errors import problem_handler
from api.models import AccessToken
from api.permissions import HasScope
from core.errors import KringError, NotFound
from core.limits import API_PAGE_SIZE
from forum import selectors as forum_selectors
from forum import services as forum_services
from forum.message_markup import MessageView
from forum.models import Community, Room, Topic


class KringAPIView(APIView):
    """Base of every API view: token or session, scopes, JSON only, problem+json errors; the actor."""

    authentication_classes = [TokenAuthentication, KringSessionAuthentication]
    permission_classes = [HasScope]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self) -> Any:
        return problem_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and scopes first
        if isinstance(request.auth, AccessToken):
            throttle.check(f"token:{request.auth.pk}")
        elif isinstance(request.auth, OAuthAccessToken):
            throttle.check(f"oauth:{request.auth.pk}")
        else:
            throttle.check(f"member:{request.user.pk}")

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers depend on who asks: never shared by a cache, and told apart by the credential.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        patch_cache_control(response, private=True)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            # A strong ETag of the answer's bytes: a client that sends it back in If-None-Match
            # gets 304 and no body (the reads are bounded, so rendering to compare is cheap).
            response.render()
            etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
            response["ETag"] = etag
            if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
                not_modified = HttpResponseNotModified()
                for header in ("ETag", "Vary", "Cache-Control"):
                    not_modified[header] = response[header]
                return not_modified
        return response

    def actor(self, request: Request) -> Actor:
        return Actor(user=request.user)


def _query(serializer: type[s.serializers.Serializer], request: Request) -> dict[str, Any]:
    parsed = serializer(data=request.query_params)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


def _body(serializer: type[s.serializers.Serializer], request: Request) -> dict[str, Any]:
    parsed = serializer(data=request.data)
    parsed.is_valid(raise_exception=True)
    return dict(parsed.validated_data)


def _page(
    items: Any,
    number: int,
    serializer: type[s.serializers.Serializer],
    data: Callable[[Any], dict[str, Any]] | None = None,
    rows: Callable[[list[Any]], list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """One page of ``items``, each described by ``serializer``: as they are, through ``data`` one by
    one, or through ``rows`` for the whole page at once (a fixed number of queries per page)."""
    paginator = Paginator(items, API_PAGE_SIZE)
    try:
        page = paginator.page(number)
    except EmptyPage as exc:
        raise NotFound(_("There is no page %(n)d.") % {"n": number}, code="no_such_page") from exc
    found: Any = page.object_list
    if rows is not None:
        found = rows(list(found))
    elif data is not None:
        found = [data(x) for x in found]
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "next": page.next_page_number() if page.has_next() else None,
        "results": serializer(found, many=True).data,
    }


def _community(actor: Actor, slug: str) -> Community:
    community = forum_selectors.community_detail(actor=actor, slug=slug)
    if community is None:
        raise NotFound(_("This community does not exist, or you cannot see it."))
    return community


def _room(actor: Actor, room_id: int) -> Room:
    room = forum_selectors.readable_room(actor=actor, room_id=room_id)
    if room is None:
        # The same answer whether the room is missing or closed to you: no existence leak.
        raise NotFound(_("This room does not exist, or you cannot read it."))
    return room


def message_data(m: MessageView) -> dict[str, Any]:
    gone = m.deleted or m.hidden
    return {
        "id": m.pk,
        "room": m.room_id,
        "topic": m.topic_id,
        "seq": m.seq,
        "client_id": m.client_id,
        "author": {"id": m.author_id, "name": m.author_name},
        "body_html": "" if gone else m.body_html,
        "created_at": m.created_at,
        "edited": m.edited,
        "deleted": m.deleted,
        "hidden": m.hidden,
        "pinned": m.pinned,
        "reply_to": m.reply_to_id,
        "reactions": {} if gone else m.reactions,
    }


def message_page(room: Room, *, after: int, limit: int, topic_id: int | None = None) -> dict[str, Any]:
    """One page of a room's messages by the seq cursor (a community room's or a conversation's):
    those after ``after``, oldest first, with the room's head and where the next page starts."""
    page = forum_selectors.room_messages_after(room=room, after_seq=after, limit=limit, topic_id=topic_id)
    next_after = page.messages[-1].seq if page.has_older and page.messages else None
    body = {"results": [message_data(m) for m in page.messages], "head_seq": room.last_seq, "next_after": next_after}
    return dict(s.MessagePageOut(body).data)


def post_one(
    actor: Actor, *, room: Room, topic_id: int, body: str, client_id: Any, reply_to: int | None
) -> dict[str, Any]:
    """Post through the forum's one write path (a batch of one), idempotent by ``client_id``."""
    post = forum_services.NewMessage(
        actor=actor, room_id=room.pk, topic_id=topic_id, body=body, client_id=client_id, reply_to=reply_to
    )
    result = forum_services.post_messages(posts=[post])[0]
    if isinstance(result, KringError):
        raise result
    return one_message(result.pk)


def one_message(message_id: int) -> dict[str, Any]:
    view = forum_selectors.message_view(message_id=message_id)
    if view is None:
        raise NotFound(_("This message does not exist."))
    return s.MessageOut(message_data(view)).data


# --- communities and memberships ----------------------------------------------------------------


class CommunityList(KringAPIView):
    @extend_schema(parameters=[s.PageQuery], responses=s.CommunityPage, operation_id="communities_list")
    def get(self, request: Request) -> Response:
        q = _query(s.PageQuery, request)
        qs = forum_selectors.visible_communities(actor=self.actor(request))
        return Response(_page(qs, q["page"], s.CommunityOut))


class CommunityDetail(KringAPIView):
    @extend_schema(responses=s.CommunityOut, operation_id="communities_retrieve")
    def get(self, request: Request, slug: str) -> Response:
        return Response(s.CommunityOut(_community(self.actor(request), slug)).data)


class CommunityRooms(KringAPIView):
    @extend_schema(parameters=[s.PageQuery], responses=s.RoomPage, operation_id="communities_rooms_list")
    def get(self, request: Request, slug: str) -> Response:
        q = _query(s.PageQuery, request)
        actor = self.actor(request)
        rooms = forum_selectors.readable_rooms(actor=actor, community=_community(actor, slug))
        return Response(_page(rooms, q["page"], s.RoomOut))


class CommunityMembership(KringAPIView):
    """Join (POST) or leave (DELETE) a community: the forum's join and leave actions."""

    @extend_schema(request=None, responses={200: s.MembershipOut}, operation_id="communities_join")
    def post(self, request: Request, slug: str) -> Response:
        actor = self.actor(request)
        membership = forum_services.join_community(actor=actor, community=_community(actor, slug))
        return Response(s.MembershipOut(membership).data)

    @extend_schema(request=None, responses={204: None}, operation_id="communities_leave")
    def delete(self, request: Request, slug: str) -> Response:
        actor = self.actor(request)
        forum_services.leave_community(actor=actor, community=_community(actor, slug))
        return Response(status=204)


class MembershipList(KringAPIView):
    @extend_schema(parameters=[s.PageQuery], responses=s.MembershipPage, operation_id="memberships_list")
    def get(self, request: Request) -> Response:
        q = _query(s.PageQuery, request)
        return Response(_page(forum_selectors.my_memberships(actor=self.actor(request)), q["page"], s.MembershipOut))


# --- rooms and topics ---------------------------------------------------------------------------


class RoomDetail(KringAPIView):
    @extend_schema(responses=s.RoomOut, operation_id="rooms_retrieve")
    def get(self, request: Request, room_id: int) -> Response:
        return Response(s.RoomOut(_room(self.actor(request), room_id)).data)


class RoomTopics(KringAPIView):
    @extend_schema(parameters=[s.PageQuery], responses=s.TopicPage, operation_id="rooms_topics_list")
    def get(self, request: Request, room_id: int) -> Response:
        q = _query(s.PageQuery, request)
        actor = self.actor(request)
        page = forum_selectors.room_topics(actor=actor, room=_room(actor, room_id), page=1, per_page=API_PAGE_SIZE)
        return Response(_page(page.paginator.object_list, q["page"], s.TopicOut))

    @extend_schema(request=s.TopicIn, responses={201: s.TopicOut}, operation_id="rooms_topics_create")
    def post(self, request: Request, room_id: int) -> Response:
        data = _body(s.TopicIn, request)
        actor = self.actor(request)
        topic = forum_services.create_topic(
            actor=actor,
            room=_room(actor, room_id),
            title=data["title"],
            body=data["body"],
            is_question=data["is_question"],
        )
        return Response(s.TopicOut(topic).data, status=201)


class TopicDetail(KringAPIView):
    @extend_schema(responses=s.TopicOut, operation_id="topics_retrieve")
    def get(self, request: Request, topic_id: int) -> Response:
        topic: Topic | None = forum_selectors.readable_topic(actor=self.actor(request), topic_id=topic_id)
        if topic is None:
            raise NotFound(_("This topic does not exist, or you cannot read it."))
        return Response(s.TopicOut(topic).data)


# --- messages and reactions ---------------------------------------------------------------------


class RoomMessages(KringAPIView):
    @extend_schema(
        parameters=[s.MessageQuery],
        responses=s.MessagePageOut,
        operation_id="rooms_messages_list",
        description="The room's messages after `after` (a seq), oldest first. Follow `next_after` until it is null.",
    )
    def get(self, request: Request, room_id: int) -> Response:
        q = _query(s.MessageQuery, request)
        room = _room(self.actor(request), room_id)
        return Response(message_page(room, after=q["after"], limit=q["limit"], topic_id=q.get("topic")))

    @extend_schema(
        request=s.MessageIn,
        responses={201: s.MessageOut},
        operation_id="rooms_messages_create",
        description="Post a message. The same `client_id` again answers the message already stored (no double).",
    )
    def post(self, request: Request, room_id: int) -> Response:
        data = _body(s.MessageIn, request)
        actor = self.actor(request)
        room = _room(actor, room_id)
        message = post_one(
            actor,
            room=room,
            topic_id=data["topic"],
            body=data["body"],
            client_id=data["client_id"],
            reply_to=data.get("reply_to"),
        )
        return Response(message, status=201)


class MessageDetail(KringAPIView):
    @extend_schema(responses=s.MessageOut, operation_id="messages_retrieve")
    def get(self, request: Request, message_id: int) -> Response:
        if forum_selectors.readable_message(actor=self.actor(request), message_id=message_id) is None:
            raise NotFound(_("This message does not exist."))
        return Response(one_message(message_id))


class MessageReactions(KringAPIView):
    @extend_schema(request=s.ReactionIn, responses={200: s.ReactionsOut}, operation_id="messages_react")
    def post(self, request: Request, message_id: int) -> Response:
        data = _body(s.ReactionIn, request)
        actor = self.actor(request)
        message = forum_selectors.readable_message(actor=actor, message_id=message_id)
        if message is None:
            raise NotFound(_("This message does not exist."))
        reactions = forum_services.react(actor=actor, message=message, emoji=data["emoji"], add=data["add"])
        return Response({"reactions": reactions})


class NoSuchEndpoint(APIView):
    """Any other address under /api/v1/: a problem+json 404, not Django's HTML page."""

    schema = None  # not part of the description
    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self) -> Any:
        return problem_handler

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound(_("There is no such address in the API."), code="no_such_endpoint")

    post = put = patch = delete = get
