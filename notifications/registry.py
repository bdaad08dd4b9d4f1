"""Hooks the apps above register (from their ``AppConfig.ready()``): the notifications app knows
no forum, so the forum tells it how to announce a change live, what the topics of a group are
called, and what a member has already read there.

Without a registered hook each one does nothing (a test settings module without the forum still works).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class TopicDetail:
    """What the notifications page shows about a topic group."""

    title: str = ""
    place: str = ""  # "Energy College › Algemeen"
    url: str = ""  # the topic's page
    replies: int = 0  # messages by others from the group's first (unread) reply on
    repliers: list[str] = field(default_factory=list)


# (member id, {topic id: first seq of interest}) -> {topic id: detail}; a bounded number of queries.
TopicDetails = Callable[[int, Mapping[int, int | None]], dict[int, TopicDetail]]
# member id, [(topic id, seq)] -> the pairs the member has read in the app already.
ReadInApp = Callable[[int, list[tuple[int, int]]], set[tuple[int, int]]]
# member ids whose unread count changed: announce after commit.
Announce = Callable[[Iterable[int]], None]
# (member id, topic id) -> the topic's title and address if the member may read it, else None.
ReadableTopic = Callable[[int, int], tuple[str, str] | None]
# member id -> their communities [(id, name)], for the per-community level on the preferences page.
Communities = Callable[[int], list[tuple[int, str]]]


@dataclass
class _Hooks:
    topic_details: TopicDetails | None = None
    read_in_app: ReadInApp | None = None
    announce: Announce | None = None
    communities: Communities | None = None
    readable_topic: ReadableTopic | None = None


hooks = _Hooks()


def register(
    *,
    topic_details: TopicDetails | None = None,
    read_in_app: ReadInApp | None = None,
    announce: Announce | None = None,
    communities: Communities | None = None,
    readable_topic: ReadableTopic | None = None,
) -> None:
    if topic_details is not None:
        hooks.topic_details = topic_details
    if read_in_app is not None:
        hooks.read_in_app = read_in_app
    if announce is not None:
        hooks.announce = announce
    if communities is not None:
        hooks.communities = communities
    if readable_topic is not None:
        hooks.readable_topic = readable_topic


def readable_topic(user_id: int, topic_id: int) -> tuple[str, str] | None:
    return hooks.readable_topic(user_id, topic_id) if hooks.readable_topic is not None else None


def communities_of(user_id: int) -> list[tuple[int, str]]:
    return hooks.communities(user_id) if hooks.communities is not None else []


def announce(user_ids: Iterable[int]) -> None:
    if hooks.announce is not None:
        ids = sorted(set(user_ids))
        if ids:
            hooks.announce(ids)
