from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from notifications.models import (
    CommunityLevel,
    CommunitySetting,
    KindSetting,
    NotificationKind,
    Preferences,
    TopicWatch,
)
from notifications.preferences import DEFAULTS, Channels


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    channels: Channels


def kind_rows(*, user_id: int) -> list[KindRow]:
    """Every kind with the member's channels (their choice, or the default): one query."""
    chosen = {s.kind: Channels(s.app, s.email, s.push) for s in KindSetting.objects.filter(user_id=user_id)}
    return [
        KindRow(kind=kind, label=str(label), channels=chosen.get(kind, DEFAULTS[kind]))
        for kind, label in NotificationKind.choices
    ]


def preferences_of(*, user_id: int) -> Preferences:
    return Preferences.objects.filter(user_id=user_id).first() or Preferences(user_id=user_id)


def community_levels(*, user_id: int, community_ids: Iterable[int]) -> dict[int, str]:
    """The member's level per community (``all`` where they chose nothing)."""
    ids = list(community_ids)
    chosen = dict(
        CommunitySetting.objects.filter(user_id=user_id, community_id__in=ids).values_list("community_id", "level")
    )
    return {cid: chosen.get(cid, CommunityLevel.ALL) for cid in ids}


def topic_watch(*, user_id: int, topic_id: int) -> str | None:
    return TopicWatch.objects.filter(user_id=user_id, topic_id=topic_id).values_list("state", flat=True).first()
