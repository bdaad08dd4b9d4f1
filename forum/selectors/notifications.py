"""The forum's answers to the notifications app (``notifications.registry``), registered in
``ForumConfig.ready()``: what a topic group is called and how many replies it has, what a member
has already read in the app, their communities, and the live badge."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import reverse

from accounts.actor import Actor
from accounts.models import User, display_name_of
from forum import permissions
from forum.models import Membership, MembershipState, Message, ReadState, Topic, TopicReadState
from notifications.registry import TopicDetail


def topic_details(user_id: int, topics: Mapping[int, int | None]) -> dict[int, TopicDetail]:
    """Title, place and address of each topic; for those with a seq, the replies by others from
    that seq on and who wrote them (newest first). Two queries, whatever the number of topics."""
    details: dict[int, TopicDetail] = {}
    for pk, title, room, community in Topic.objects.filter(pk__in=list(topics)).values_list(
        "pk", "title", "room__name", "room__community__name"
    ):
        details[pk] = TopicDetail(title=title, place=f"{community} › {room}", url=reverse("forum:topic", args=[pk]))
    where = Q()
    for tid, seq in topics.items():
        if seq is not None and tid in details:
            where |= Q(topic_id=tid, seq__gte=seq)
    if where:
        for row in (
            Message.objects.filter(where, deleted_at__isnull=True, is_hidden=False)
            .exclude(author_id=user_id)
            .values(
                "topic_id",
                "author_id",
                "author__profile__display_name",
                "author__first_name",
                "author__last_name",
                "author__email",
            )
            .annotate(n=Count("pk"), last=Max("seq"))
            .order_by("topic_id", "-last")
        ):
            detail = details[row["topic_id"]]
            detail.replies += row["n"]
            detail.repliers.append(
                display_name_of(
                    row["author__profile__display_name"],
                    row["author__first_name"] or "",
                    row["author__last_name"] or "",
                    row["author__email"] or "",
                )
                if row["author_id"]
                else "?"
            )
    return details


def read_in_app(user_id: int, asked: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (topic, seq) pairs the member has read: their marker in the topic or its room is at or
    past the message. One query."""
    topic_ids = {tid for tid, _seq in asked}
    markers = {
        pk: max(topic_seq or 0, room_seq or 0)
        for pk, topic_seq, room_seq in Topic.objects.filter(pk__in=topic_ids)
        .annotate(
            topic_seq=Subquery(
                TopicReadState.objects.filter(user_id=user_id, topic_id=OuterRef("pk")).values("last_read_seq")[:1]
            ),
            room_seq=Subquery(
                ReadState.objects.filter(user_id=user_id, room_id=OuterRef("room_id")).values("last_read_seq")[:1]
            ),
        )
        .values_list("pk", "topic_seq", "room_seq")
    }
    return {(tid, seq) for tid, seq in asked if markers.get(tid, 0) >= seq}


def communities_of(user_id: int) -> list[tuple[int, str]]:
    """The member's active communities, by name."""
    return list(
        Membership.objects.filter(user_id=user_id, state=MembershipState.ACTIVE)
        .order_by("community__name")
        .values_list("community_id", "community__name")
    )


def readable_topic(user_id: int, topic_id: int) -> tuple[str, str] | None:
    """The topic's title and address, if the member may read its room."""
    topic = Topic.objects.select_related("room__community").filter(pk=topic_id).first()
    user = User.objects.filter(pk=user_id).first()
    if topic is None or user is None or not permissions.can_read_room(Actor(user=user), topic.room):
        return None
    return topic.title, topic.get_absolute_url()
