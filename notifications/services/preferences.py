"""A member's notification preferences: channels per kind, level per community, follow or mute
per topic, quiet hours."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Forbidden, Invalid
from notifications.models import (
    CommunityLevel,
    CommunitySetting,
    KindSetting,
    NotificationKind,
    Preferences,
    TopicWatch,
    WatchState,
)
from notifications.preferences import DEFAULTS, Channels


def _member(actor: Actor | User) -> int:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to change your notifications."))
    return actor.member_id


@transaction.atomic
def save_kind_settings(*, actor: Actor | User, settings: Mapping[str, Channels]) -> None:
    """Store the member's channels per kind; a kind set to its default keeps no row."""
    member = _member(actor)
    for kind, channels in settings.items():
        if kind not in NotificationKind.values:
            raise Invalid(_("Unknown kind of notification."), code="unknown_kind")
        if channels == DEFAULTS[kind]:
            KindSetting.objects.filter(user_id=member, kind=kind).delete()
        else:
            KindSetting.objects.update_or_create(
                user_id=member,
                kind=kind,
                defaults={"app": channels.app, "email": channels.email, "push": channels.push},
            )


@transaction.atomic
def turn_email_off(*, user_id: int, kinds: list[str]) -> list[str]:
    """The one-click unsubscribe: no more mail for these kinds (other channels stay)."""
    done = []
    chosen = {s.kind: s for s in KindSetting.objects.select_for_update().filter(user_id=user_id, kind__in=kinds)}
    for kind in kinds:
        if kind not in NotificationKind.values:
            continue
        current = chosen.get(kind)
        base = Channels(current.app, current.email, current.push) if current else DEFAULTS[kind]
        KindSetting.objects.update_or_create(
            user_id=user_id, kind=kind, defaults={"app": base.app, "email": False, "push": base.push}
        )
        done.append(kind)
    return done


@transaction.atomic
def save_preferences(
    *, actor: Actor | User, quiet_from: dt.time | None, quiet_until: dt.time | None, push_content: bool
) -> Preferences:
    member = _member(actor)
    if (quiet_from is None) != (quiet_until is None):
        raise Invalid(_("Give both the start and the end of your quiet hours, or neither."), field="quiet_until")
    prefs, _created = Preferences.objects.update_or_create(
        user_id=member,
        defaults={"quiet_from": quiet_from, "quiet_until": quiet_until, "push_content": push_content},
    )
    return prefs


@transaction.atomic
def save_community_level(*, actor: Actor | User, community_id: int, level: str) -> None:
    """The caller (the forum) checks that the member belongs to the community."""
    member = _member(actor)
    if level not in CommunityLevel.values:
        raise Invalid(_("Choose everything, only mentions or nothing."), field="level")
    if level == CommunityLevel.ALL:
        CommunitySetting.objects.filter(user_id=member, community_id=community_id).delete()
    else:
        CommunitySetting.objects.update_or_create(user_id=member, community_id=community_id, defaults={"level": level})


@transaction.atomic
def set_topic_watch(*, actor: Actor | User, topic_id: int, state: str | None) -> None:
    """Follow, mute, or (None) back to the default: replies once you take part. The caller (the
    forum) checks that the member may read the topic."""
    member = _member(actor)
    if state is None:
        TopicWatch.objects.filter(user_id=member, topic_id=topic_id).delete()
        return
    if state not in WatchState.values:
        raise Invalid(_("Choose follow or mute."), field="state")
    TopicWatch.objects.update_or_create(user_id=member, topic_id=topic_id, defaults={"state": state})
