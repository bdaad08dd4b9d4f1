"""The API's shapes: plain serializers that describe what goes in and out (no model writes here).

Writes go through the owning app's services; these only parse input and describe output for
the OpenAPI description.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.limits import API_PAGE_MAX, API_PAGE_SIZE, MAX_MESSAGE_BODY


class PageQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, required=False, default=1)


class CommunityOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    description = serializers.CharField()
    waaromvraag = serializers.CharField()
    visibility = serializers.CharField()
    scope = serializers.CharField()
    member_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class CommunityRef(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class MembershipOut(serializers.Serializer):
    id = serializers.IntegerField()
    community = CommunityRef()
    role = serializers.CharField()
    state = serializers.CharField()
    created_at = serializers.DateTimeField()


class RoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    community = serializers.CharField(source="community.slug")
    kind = serializers.CharField()
    name = serializers.CharField()
    slug = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    is_restricted = serializers.BooleanField()
    is_archived = serializers.BooleanField()
    last_seq = serializers.IntegerField(help_text="The seq of the room's newest message (0: none yet).")


class TopicOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField(source="room_id")
    title = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    message_count = serializers.IntegerField()
    last_seq = serializers.IntegerField()
    is_resolved = serializers.BooleanField()
    is_question = serializers.BooleanField()


class TopicIn(serializers.Serializer):
    title = serializers.CharField(max_length=160)
    body = serializers.CharField(max_length=MAX_MESSAGE_BODY, required=False, allow_blank=True, default="")
    is_question = serializers.BooleanField(required=False, default=False)


class AuthorOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    room = serializers.IntegerField()
    topic = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="1, 2, 3 … per room, no gaps: the cursor of the message list.")
    client_id = serializers.UUIDField()
    author = AuthorOut()
    body_html = serializers.CharField(allow_blank=True, help_text="Empty when the message is deleted or hidden.")
    created_at = serializers.DateTimeField()
    edited = serializers.BooleanField()
    deleted = serializers.BooleanField()
    hidden = serializers.BooleanField()
    pinned = serializers.BooleanField()
    reply_to = serializers.IntegerField(allow_null=True)
    reactions = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class MessagePageOut(serializers.Serializer):
    results = MessageOut(many=True)
    head_seq = serializers.IntegerField(help_text="The room's newest seq when this page was read.")
    next_after = serializers.IntegerField(
        allow_null=True, help_text="Pass as `after` for the next page; null when this page reached the head."
    )


class MessageQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, max_value=2**62, required=False, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=API_PAGE_MAX, required=False, default=API_PAGE_SIZE)
    topic = serializers.IntegerField(min_value=1, max_value=2**62, required=False)


class MessageIn(serializers.Serializer):
    topic = serializers.IntegerField(min_value=1, max_value=2**62)
    body = serializers.CharField(max_length=MAX_MESSAGE_BODY, trim_whitespace=False)
    client_id = serializers.UUIDField(
        help_text="Your idempotency key: posting again with the same client_id answers the stored message."
    )
    reply_to = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)


class ReactionIn(serializers.Serializer):
    emoji = serializers.CharField(max_length=32)
    add = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true, false or null (toggle)."
    )


class ReactionsOut(serializers.Serializer):
    reactions = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


# --- notifications ------------------------------------------------------------------------------


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField(help_text="What happened, in the member's language.")
    url = serializers.CharField(help_text="A path on this site that leads to it.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    community = serializers.IntegerField(source="community_id", allow_null=True)
    room = serializers.IntegerField(source="room_id", allow_null=True)
    topic = serializers.IntegerField(source="topic_id", allow_null=True)
    message = serializers.IntegerField(source="message_id", allow_null=True)
    seq = serializers.IntegerField(allow_null=True)


class NotificationsReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        allow_null=True,
        default=None,
        max_length=API_PAGE_MAX,
        help_text="The notifications to mark read; leave out (or null) for all of them.",
    )


class MarkedOut(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many unread notifications are now read.")


# --- direct conversations -----------------------------------------------------------------------


class ConversationOut(serializers.Serializer):
    id = serializers.IntegerField(source="room_id", help_text="The conversation's room: its messages' `room`.")
    topic = serializers.IntegerField(source="topic_id")
    title = serializers.CharField(help_text="The other participants' names.")
    last_message_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.IntegerField()


class ConversationIn(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        min_length=1,
        max_length=7,
        help_text="The other members' ids (1 to 7); the existing conversation of the same people is answered.",
    )


class DirectMessageIn(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_MESSAGE_BODY, trim_whitespace=False)
    client_id = serializers.UUIDField(
        help_text="Your idempotency key: posting again with the same client_id answers the stored message."
    )
    reply_to = serializers.IntegerField(min_value=1, max_value=2**62, required=False, allow_null=True)


class DirectMessageQuery(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, max_value=2**62, required=False, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=API_PAGE_MAX, required=False, default=API_PAGE_SIZE)


# --- mentoring ----------------------------------------------------------------------------------

MODES = ("online", "in_person", "both")
SECTOR_PREFERENCES = ("any", "same", "other")


class SkillRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OfferOut(serializers.Serializer):
    skill = SkillRef()
    level = serializers.IntegerField(help_text="1 basic, 2 good, 3 expert.")
    context = serializers.CharField(allow_blank=True)


class WantOut(serializers.Serializer):
    skill = SkillRef()
    goal = serializers.CharField(allow_blank=True)


class MentoringProfileOut(serializers.Serializer):
    years_experience = serializers.IntegerField()
    hours_per_month = serializers.IntegerField()
    mode = serializers.ChoiceField(choices=MODES)
    prefers_other_organisation = serializers.BooleanField()
    sector_preference = serializers.ChoiceField(choices=SECTOR_PREFERENCES)
    motivation = serializers.CharField(allow_blank=True)
    max_relationships = serializers.IntegerField()
    is_open = serializers.BooleanField()
    offers = OfferOut(many=True)
    wants = WantOut(many=True)
    updated_at = serializers.DateTimeField(allow_null=True, help_text="null: no profile saved yet (the defaults).")


class OfferIn(serializers.Serializer):
    skill = serializers.IntegerField(min_value=1, max_value=2**62)
    level = serializers.ChoiceField(choices=(1, 2, 3), required=False, default=2)
    context = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WantIn(serializers.Serializer):
    skill = serializers.IntegerField(min_value=1, max_value=2**62)
    goal = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MentoringProfileIn(serializers.Serializer):
    """Every field optional: what is left out keeps its current value (a new profile: the defaults)."""

    years_experience = serializers.IntegerField(min_value=0, max_value=80, required=False)
    hours_per_month = serializers.IntegerField(min_value=0, max_value=160, required=False)
    mode = serializers.ChoiceField(choices=MODES, required=False)
    prefers_other_organisation = serializers.BooleanField(required=False)
    sector_preference = serializers.ChoiceField(choices=SECTOR_PREFERENCES, required=False)
    motivation = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    max_relationships = serializers.IntegerField(min_value=1, max_value=5, required=False)
    is_open = serializers.BooleanField(required=False)
    offers = OfferIn(many=True, required=False, max_length=50)
    wants = WantIn(many=True, required=False, max_length=50)


class SuggestionOut(serializers.Serializer):
    member = AuthorOut()
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why, in words.")
    offers = OfferOut(many=True)


class SuggestionQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, required=False, default=1)
    skill = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, help_text="Only partners who offer this skill."
    )
    same_region = serializers.BooleanField(required=False, default=False)


class PairOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    partner = AuthorOut(allow_null=True, help_text="The other one of the pair; null for a coordinator following it.")
    person_a = AuthorOut(allow_null=True)
    person_b = AuthorOut(allow_null=True)
    programme = serializers.CharField(allow_null=True, help_text="The programme's slug, or null.")
    room = serializers.IntegerField(allow_null=True, help_text="The pair's own room (read it with the room endpoints).")
    created_at = serializers.DateTimeField()
    activated_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class SessionOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    held_on = serializers.DateField()
    starts_at = serializers.DateTimeField(allow_null=True)
    duration_minutes = serializers.IntegerField()
    mode = serializers.CharField()
    place = serializers.CharField(allow_blank=True)
    video_url = serializers.CharField(allow_blank=True)
    shared_notes = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


# --- the learning passport ----------------------------------------------------------------------


class AchievementRef(serializers.Serializer):
    id = serializers.UUIDField(help_text="The achievement's id (its public page: /paspoort/prestaties/<id>/).")
    name = serializers.CharField()


class ProgrammeRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CredentialOut(serializers.Serializer):
    id = serializers.UUIDField(help_text="The credential's id: GET /api/v1/passport/credentials/<id>/ for its JSON.")
    achievement = AchievementRef()
    community = CommunityRef(allow_null=True, help_text="Who recognises it: a community …")
    programme = ProgrammeRef(allow_null=True, help_text="… or a mentoring programme.")
    awarded_at = serializers.DateTimeField()
    revoked = serializers.BooleanField()
    revoked_at = serializers.DateTimeField(allow_null=True)
    public = serializers.BooleanField(help_text="Shown on the member's public passport.")
    verify_url = serializers.URLField(help_text="The public page that verifies it (anyone with the link).")
    json_url = serializers.URLField(help_text="The signed Open Badges 3.0 credential (JSON-LD download).")


# --- meetings -----------------------------------------------------------------------------------

ANSWERS_IN = ("going", "maybe", "not_going")
ANSWERS_OUT = ("going", "waiting", "maybe", "not_going")


class MeetingQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, required=False, default=1)
    past = serializers.BooleanField(
        required=False, default=False, help_text="false: coming meetings, soonest first; true: past ones, latest first."
    )


class MeetingOut(serializers.Serializer):
    id = serializers.IntegerField()
    community = CommunityRef()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField(allow_blank=True)
    video_url = serializers.CharField(allow_blank=True)
    capacity = serializers.IntegerField(allow_null=True, help_text="null: no limit.")
    recurrence = serializers.ChoiceField(choices=("none", "weekly", "biweekly", "monthly"))
    occurrences = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=("scheduled", "cancelled"))
    going = serializers.IntegerField(help_text="How many have a place.")
    waiting = serializers.IntegerField(help_text="How many are on the waiting list.")
    maybe = serializers.IntegerField()
    my_answer = serializers.ChoiceField(
        choices=ANSWERS_OUT, allow_null=True, help_text="The member's answer; waiting: on the waiting list."
    )
    url = serializers.CharField(help_text="The meeting's page: a path on this site.")


class RsvpIn(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=ANSWERS_IN, help_text="going beyond the capacity puts the member on the waiting list."
    )


def page_of(serializer: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """A page-number list of ``serializer`` items, named for the description."""
    attrs: dict[str, Any] = {
        "count": serializers.IntegerField(),
        "page": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "next": serializers.IntegerField(allow_null=True, help_text="The next page's number, or null."),
        "results": serializer(many=True),
    }
    return type(name, (serializers.Serializer,), attrs)


CommunityPage = page_of(CommunityOut, "CommunityPage")
MembershipPage = page_of(MembershipOut, "MembershipPage")
RoomPage = page_of(RoomOut, "RoomPage")
TopicPage = page_of(TopicOut, "TopicPage")
NotificationPage = page_of(NotificationOut, "NotificationPage")
ConversationPage = page_of(ConversationOut, "ConversationPage")
SuggestionPage = page_of(SuggestionOut, "SuggestionPage")
PairPage = page_of(PairOut, "PairPage")
SessionPage = page_of(SessionOut, "SessionPage")
CredentialPage = page_of(CredentialOut, "CredentialPage")
MeetingPage = page_of(MeetingOut, "MeetingPage")
