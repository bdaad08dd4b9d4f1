"""Which channels a notification goes by: the member's choice per kind, their level per community,
their follow or mute of a topic, and quiet hours. Pure functions: the matrix test drives them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from notifications.models import CONVERSATION_KINDS, MENTIONS_ONLY_KINDS, CommunityLevel, NotificationKind, WatchState

K = NotificationKind


@dataclass(frozen=True)
class Channels:
    app: bool
    email: bool
    push: bool

    @property
    def any(self) -> bool:
        return self.app or self.email or self.push


NONE = Channels(False, False, False)

# Sensible defaults: what is addressed to you personally is mailed (mentions, direct messages,
# mentoring steps, invitations); replies and the rest stay in the app.
DEFAULTS: dict[str, Channels] = {
    K.MENTION: Channels(True, True, True),
    K.REPLY: Channels(True, False, False),
    K.ACCEPTED_ANSWER: Channels(True, False, False),
    K.MEMBERSHIP: Channels(True, True, False),
    K.DIRECT_MESSAGE: Channels(True, True, True),
    K.INVITATION: Channels(True, True, False),
    K.PROPOSAL: Channels(True, True, True),
    K.ACCEPTED: Channels(True, True, True),
    K.DECLINED: Channels(True, True, False),
    K.AGREEMENT: Channels(True, True, False),
    K.ACTIVE: Channels(True, True, False),
    K.SESSION: Channels(True, True, False),
    K.REMINDER: Channels(True, True, False),
    K.CHECKIN: Channels(True, True, False),
    K.ENDED: Channels(True, True, False),
    # Asked for by following a theme in the knowledge base: in the app and in the mail batch.
    K.LESSON: Channels(True, True, False),
    K.MEETING_REMINDER: Channels(True, True, False),
}
assert set(DEFAULTS) == set(K.values)


def decide(
    kind: str,
    *,
    chosen: Channels | None = None,
    community_level: str = CommunityLevel.ALL,
    watch: str | None = None,
) -> Channels:
    """The channels for one notification of ``kind`` to one member.

    ``community_level`` counts only for conversation kinds (a membership decision is about you,
    whatever you follow); a mute silences replies only (a mention still reaches you).
    """
    channels = chosen if chosen is not None else DEFAULTS[kind]
    if kind in CONVERSATION_KINDS:
        if community_level == CommunityLevel.NOTHING:
            return NONE
        if community_level == CommunityLevel.MENTIONS and kind not in MENTIONS_ONLY_KINDS:
            return NONE
    if kind == K.REPLY and watch == WatchState.MUTE:
        return NONE
    return channels


def in_quiet_hours(now: dt.time, quiet_from: dt.time | None, quiet_until: dt.time | None) -> bool:
    """Whether ``now`` (local time) falls in the window; a window may pass midnight (22:00–07:00)."""
    if quiet_from is None or quiet_until is None or quiet_from == quiet_until:
        return False
    if quiet_from < quiet_until:
        return quiet_from <= now < quiet_until
    return now >= quiet_from or now < quiet_until


def quiet_hours_end(now: dt.datetime, quiet_from: dt.time | None, quiet_until: dt.time | None) -> dt.datetime | None:
    """When the quiet window ``now`` is in ends (an aware local datetime), or None when not quiet."""
    if not in_quiet_hours(now.timetz().replace(tzinfo=None), quiet_from, quiet_until):
        return None
    assert quiet_until is not None
    end = now.replace(hour=quiet_until.hour, minute=quiet_until.minute, second=0, microsecond=0)
    if end <= now:
        end += dt.timedelta(days=1)
    return end
