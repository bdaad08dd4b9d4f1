"""Access matrix: every URL pattern of Kring's apps × {anonymous, member, non-member, platform admin}.

The patterns come from the URL conf itself (a walk of ``get_resolver()``), so a new view
cannot be missed: a pattern that ``SPEC`` does not know fails the test until someone says
how to fill its parameters and who may see it.

The world has three secrets, each with a marker string that must never appear in a
response to someone who may not read it:

- a private (invite-only) community with a room, a topic and a message;
- a mentoring pair with a goal, a session and a reflection;
- a draft (never published) lesson in the knowledge base.

Every cell asserts the status class for the role, that no response is a server error, and
that no marker leaks to anonymous visitors or non-members — including through the search
pages, notifications, the Wagtail API (``/api/v2/``) and the unread counts. A POST by an
anonymous visitor or a non-member to any pattern must change nothing in the database.

Then every client frame type of ``realtime.protocol.CLIENT_FRAMES`` is sent for the
private room as a member and as a non-member: the non-member always gets ``not_found``
and never a byte of the room.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from forum import selectors as forum_selectors
from forum import services as forum_services
from forum.models import Membership, MembershipState, Visibility
from mentoring import services as mentoring_services
from notifications.services import unsubscribe_token
from realtime import protocol
from tests.security.counts import record_count

pytestmark = pytest.mark.django_db

APPS = (
    "accounts",
    "notifications",
    "forum",
    "mentoring",
    "knowledge_base",
    "frontend",
    "digests",
    "passport",
    "monitoring",
    "meetings",
    "api",
)
ROLES = ("anonymous", "member", "non_member", "admin")
MARKERS = (
    "GEHEIM-ONDERWERP",
    "GEHEIM-BERICHT",
    "GEHEIM-DOEL",
    "GEHEIM-SESSIE",
    "GEHEIM-REFLECTIE",
    "GEHEIM-CONCEPTLES",
    "GEHEIM-AANBEVELING",
    "GEHEIM-BIJEENKOMST",
    "GEHEIM-PRESTATIE",
)

# --- the world -----------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    owner: Any
    community: Any
    room: Any
    topic: Any
    message: Any
    open_community: Any
    open_topic: Any
    pair: Any
    session: Any
    goal: Any
    checkin: Any
    participation: Any
    programme: Any
    draft: Any
    lesson: Any
    invitation: Any
    attachment: Any


@pytest.fixture
def world(
    make_user: Callable[..., Any], active_pair: Any, kb_lessons: tuple[Any, Any], settings: Any, tmp_path: Any
) -> World:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from mentoring.models import CheckIn, Participation

    rel = active_pair
    sanne = rel.person_a if rel.person_a.display_name == "Sanne" else rel.person_b
    outsider = make_user(name="Otto Buiten")
    admin = make_user(name="Beheerder", is_staff=True, is_superuser=True)
    owner = make_user(name="Olga Eigenaar")
    community = forum_services.create_community(
        actor=owner,
        name="Besloten kring",
        kind="hub",
        description="besloten",
        waaromvraag="waarom",
        visibility=Visibility.INVITE_ONLY,
    )
    admit(owner, community, sanne)
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=owner, room=room, title="GEHEIM-ONDERWERP warmte")
    message = forum_services.post_message(
        actor=owner,
        topic=topic,
        body="GEHEIM-BERICHT over warmte @**Sanne**",
        client_id=uuid.uuid4(),
        attachments=[SimpleUploadedFile("notitie.txt", b"GEHEIM-BERICHT bijlage", content_type="text/plain")],
    )
    open_community = forum_services.create_community(
        actor=owner, name="Open kring", kind="hub", description="open", waaromvraag="waarom", visibility="open"
    )
    open_topic = forum_services.create_topic(actor=owner, room=open_community.rooms.get(), title="Open onderwerp")
    forum_services.post_message(actor=owner, topic=open_topic, body="openbaar bericht", client_id=uuid.uuid4())
    invitation = forum_services.invite(actor=owner, community=community, email="nieuw@example.test")
    goal = mentoring_services.add_goal(actor=sanne, relationship=rel, description="GEHEIM-DOEL samen leren")
    session = mentoring_services.log_session(
        actor=sanne,
        relationship=rel,
        held_on=dt.date.today(),
        mode="online",
        shared_notes="GEHEIM-SESSIE notities",
        reflection=mentoring_services.ReflectionInput(went_well="GEHEIM-REFLECTIE goed"),
    )
    forum_services.post_message(
        actor=sanne, topic=rel.room.topics.get(), body="GEHEIM-BERICHT in de koppelkamer", client_id=uuid.uuid4()
    )
    checkin = CheckIn.objects.filter(relationship=rel).first()
    if checkin is None:
        checkin = CheckIn.objects.create(relationship=rel, due_on=dt.date.today())
    participation = Participation.objects.filter(user=sanne).select_related("programme").first()
    assert participation is not None
    draft, lesson = kb_lessons
    assert User.objects.filter(pk=admin.pk, is_superuser=True).exists()
    return World(
        users={"member": sanne, "non_member": outsider, "admin": admin},
        owner=owner,
        community=community,
        room=room,
        topic=topic,
        message=message,
        open_community=open_community,
        open_topic=open_topic,
        pair=rel,
        session=session,
        goal=goal,
        checkin=checkin,
        participation=participation,
        programme=participation.programme,
        draft=draft,
        lesson=lesson,
        invitation=invitation,
        attachment=message.attachments.get(),
    )


@pytest.fixture
def kb_lessons(db: None) -> tuple[Any, Any]:
    from knowledge_base.models import LessonPage, LessonSource, Source
    from knowledge_base.services import ensure_knowledge_tree

    tree = ensure_knowledge_tree()
    pages = []
    for title, publish in (("GEHEIM-CONCEPTLES zo doe je dat", False), ("Begin met een waaromvraag", True)):
        lesson = LessonPage(
            title=title,
            live=False,
            waarom="<p>GEHEIM-CONCEPTLES waarom</p>" if not publish else "<p>Omdat het werkt.</p>",
            hoe=[{"type": "paragraph", "value": "<p>Stap voor stap.</p>"}],
            waartoe="<p>Resultaat.</p>",
        )
        source, _ = Source.objects.get_or_create(title="Investeringsagenda learning communities", year=2018)
        lesson.sources.add(LessonSource(source=source))
        tree.lessons.add_child(instance=lesson)
        revision = lesson.save_revision()
        if publish:
            revision.publish()
        lesson.refresh_from_db()
        pages.append(lesson)
    return pages[0], pages[1]


# --- the URL conf ----------------------------------------------------------------------------


def walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            module = pattern.callback.__module__
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield prefix + str(pattern.pattern), name, module


def app_patterns() -> list[tuple[str, str]]:
    found = []
    for route, name, module in walk(get_resolver().url_patterns):
        if module.split(".")[0] in APPS:
            found.append((route, name))
    return found


def _passport(w: World) -> dict[str, Any]:
    """An achievement of the open community awarded to the member, whose passport stays private
    except for that credential; a private endorsement carries a marker."""
    if "_passport" not in w.__dict__:
        from accounts.models import Skill
        from passport import services as passport_services
        from passport.models import Endorsement

        achievement = passport_services.define_achievement(
            actor=w.owner,
            community=w.open_community,
            name="Kringbouwer",
            description="Bouwt mee.",
            criteria="Doet mee.",
        )
        award = passport_services.award(actor=w.owner, achievement=achievement, recipient=w.users["member"])
        Endorsement.objects.create(
            endorser=w.owner, endorsee=w.users["member"], skill=Skill.objects.first(), comment="GEHEIM-AANBEVELING"
        )
        token = passport_services.create_share_link(actor=w.users["member"])
        w.__dict__["_passport"] = {"achievement": achievement, "award": award, "token": token}
    return w.__dict__["_passport"]  # type: ignore[no-any-return]


def _unsubscribe_token(w: World) -> str:
    from digests.services import unsubscribe_token

    return unsubscribe_token(w.users["member"])


def fill(route: str, params: dict[str, Any]) -> str:
    route = route.replace("^", "").replace("$", "")

    def sub(match: re.Match[str]) -> str:
        return str(params[match.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


# Who may read a pattern's page:
# - PUBLIC: anyone (200 for every role);
# - LOGIN: any logged-in member (anonymous visitors go to the login page);
# - PRIVATE: only the member (the private community's member, the pair's party); a non-member
#   gets 403/404 or is sent away, never the content; the platform admin is not a member either;
# - ACTION: a POST-only or manager-only endpoint; the page itself is never shown to non-members.
# - COMMUNITY: like PRIVATE, but the platform admin may read it too (forum.permissions.can_read_room:
#   platform admins read every non-restricted room; restricted rooms such as a pair's stay closed);
# - ADMIN_ONLY: programme management (platform admin or the programme's coordinators).
PUBLIC, LOGIN, PRIVATE, COMMUNITY, ACTION, ADMIN_ONLY = (
    "public",
    "login",
    "private",
    "community",
    "action",
    "admin_only",
)

Params = Callable[[World], dict[str, Any]]
SPEC: dict[str, tuple[Params, str]] = {
    "healthz": (lambda w: {}, PUBLIC),
    "frontend:home": (lambda w: {}, PUBLIC),
    "frontend:favicon": (lambda w: {}, PUBLIC),
    "frontend:style": (lambda w: {}, PUBLIC),
    "accounts:two_factor_required": (lambda w: {}, LOGIN),
    "accounts:profile_edit": (lambda w: {}, LOGIN),
    "accounts:profile": (lambda w: {"user_id": w.users["member"].pk}, PUBLIC),
    "accounts:privacy": (lambda w: {}, LOGIN),
    "accounts:privacy_export": (lambda w: {}, LOGIN),
    "accounts:privacy_delete": (lambda w: {}, ACTION),
    "digests:settings": (lambda w: {}, LOGIN),
    # The learning passport: the member's own pages need a login; others' passports show only what
    # the member made public (the private endorsement's marker must never leak); credentials, the
    # DID document, the status list and the OB 2.0 documents are public by design.
    "did_document": (lambda w: {}, PUBLIC),
    "passport:mine": (lambda w: {}, LOGIN),
    "passport:share": (lambda w: {}, ACTION),
    "passport:export": (lambda w: {}, LOGIN),
    "passport:print": (lambda w: {}, LOGIN),
    "passport:member": (lambda w: {"member_id": w.users["member"].pk}, LOGIN),
    "passport:endorse": (lambda w: {"member_id": w.users["member"].pk}, ACTION),
    "passport:shared": (lambda w: {"token": _passport(w)["token"]}, PUBLIC),
    "passport:achievements": (lambda w: {}, LOGIN),
    "passport:achievement_create": (lambda w: {}, ACTION),
    "passport:achievement_manage": (lambda w: {"uuid": _passport(w)["achievement"].uuid}, ACTION),
    "passport:achievement": (lambda w: {"uuid": _passport(w)["achievement"].uuid}, PUBLIC),
    "passport:credential": (lambda w: {"uuid": _passport(w)["award"].uuid}, PUBLIC),
    "passport:credential_json": (lambda w: {"uuid": _passport(w)["award"].uuid}, PUBLIC),
    "passport:revoke": (lambda w: {"uuid": _passport(w)["award"].uuid}, ACTION),
    "passport:status_list": (lambda w: {}, PUBLIC),
    "passport:ob2_issuer": (lambda w: {}, PUBLIC),
    "passport:ob2_badge": (lambda w: {"uuid": _passport(w)["achievement"].uuid}, PUBLIC),
    "passport:ob2_assertion": (lambda w: {"uuid": _passport(w)["award"].uuid}, PUBLIC),
    # One-click unsubscribe (RFC 8058): the signed token in the link is the authority, no login.
    "digests:unsubscribe": (lambda w: {"token": _unsubscribe_token(w)}, PUBLIC),
    "notifications:list": (lambda w: {}, LOGIN),
    "notifications:preferences": (lambda w: {}, LOGIN),
    "notifications:push_subscription": (lambda w: {}, ACTION),
    "notifications:topic": (lambda w: {"topic_id": w.topic.pk}, COMMUNITY),
    "service_worker": (lambda w: {}, PUBLIC),
    # A signed capability address from a mail: its confirm page shows only the kinds' names.
    "notifications:unsubscribe": (lambda w: {"token": unsubscribe_token(w.users["member"].pk, ["mention"])}, PUBLIC),
    "forum:directory": (lambda w: {}, PUBLIC),
    "forum:community_create": (lambda w: {}, LOGIN),
    "forum:search": (lambda w: {}, LOGIN),
    "forum:accept_invitation": (lambda w: {"token": w.invitation.token}, ACTION),
    "forum:direct_list": (lambda w: {}, LOGIN),
    "forum:direct_start": (lambda w: {}, ACTION),
    "forum:direct_settings": (lambda w: {}, LOGIN),
    "forum:direct_reports": (lambda w: {}, ADMIN_ONLY),
    "forum:direct_room": (lambda w: {"room_id": _direct(w).pk}, PRIVATE),
    "forum:direct_report": (lambda w: {"room_id": _direct(w).pk}, PRIVATE),
    "forum:member_card": (lambda w: {"user_id": w.owner.pk}, LOGIN),
    "forum:member_block": (lambda w: {"user_id": w.owner.pk}, ACTION),
    "forum:topic": (lambda w: {"topic_id": w.topic.pk}, COMMUNITY),
    "forum:topic_manage": (lambda w: {"topic_id": w.topic.pk}, ACTION),
    "forum:message_edit": (lambda w: {"message_id": w.message.pk}, ACTION),
    "forum:message_history": (lambda w: {"message_id": w.message.pk}, COMMUNITY),
    "forum:message_action": (lambda w: {"message_id": w.message.pk, "action": "pin"}, ACTION),
    "forum:attachment": (lambda w: {"attachment_id": w.attachment.pk}, COMMUNITY),
    "forum:attachment_thumbnail": (lambda w: {"attachment_id": _image_attachment(w).pk}, COMMUNITY),
    "forum:topic_older": (lambda w: {"topic_id": w.topic.pk}, COMMUNITY),
    "forum:topic_members": (lambda w: {"topic_id": w.topic.pk}, COMMUNITY),
    "forum:topic_preview": (lambda w: {"topic_id": w.topic.pk}, ACTION),
    "forum:community": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "forum:community_edit": (lambda w: {"slug": w.community.slug}, ACTION),
    "forum:join": (lambda w: {"slug": w.community.slug}, ACTION),
    "forum:leave": (lambda w: {"slug": w.community.slug}, ACTION),
    "forum:members": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "forum:decide": (lambda w: {"slug": w.community.slug, "membership_id": _membership(w).pk}, ACTION),
    "forum:change_role": (lambda w: {"slug": w.community.slug, "membership_id": _membership(w).pk}, ACTION),
    "forum:ban": (lambda w: {"slug": w.community.slug, "user_id": w.users["member"].pk}, ACTION),
    "forum:mute": (lambda w: {"slug": w.community.slug, "user_id": w.users["member"].pk}, ACTION),
    "forum:invite": (lambda w: {"slug": w.community.slug}, ACTION),
    "forum:moderation": (lambda w: {"slug": w.community.slug}, ACTION),
    "forum:room_create": (lambda w: {"slug": w.community.slug}, ACTION),
    "forum:room": (lambda w: {"slug": w.community.slug, "room_slug": w.room.slug}, COMMUNITY),
    "forum:room_settings": (lambda w: {"slug": w.community.slug, "room_slug": w.room.slug}, ACTION),
    "mentoring:home": (lambda w: {}, LOGIN),
    "mentoring:notifications_read": (lambda w: {}, ACTION),
    "mentoring:profile_edit": (lambda w: {}, LOGIN),
    "mentoring:suggestions": (lambda w: {}, LOGIN),
    "mentoring:propose": (lambda w: {"user_id": w.users["member"].pk}, ACTION),
    "mentoring:relationship": (lambda w: {"pk": w.pair.pk}, PRIVATE),
    "mentoring:respond": (lambda w: {"pk": w.pair.pk}, ACTION),
    "mentoring:agreement": (lambda w: {"pk": w.pair.pk}, PRIVATE),
    "mentoring:sign": (lambda w: {"pk": w.pair.pk}, ACTION),
    "mentoring:coordinator_access": (lambda w: {"pk": w.pair.pk}, ACTION),
    "mentoring:session_new": (lambda w: {"pk": w.pair.pk}, PRIVATE),
    "mentoring:goal_new": (lambda w: {"pk": w.pair.pk}, ACTION),
    "mentoring:change_status": (lambda w: {"pk": w.pair.pk}, ACTION),
    "mentoring:closing": (lambda w: {"pk": w.pair.pk}, PRIVATE),
    "mentoring:reflection": (lambda w: {"pk": w.session.pk}, PRIVATE),
    "mentoring:session_plan": (lambda w: {"pk": w.pair.pk}, PRIVATE),
    "mentoring:session_reschedule": (lambda w: {"pk": _planned_session(w).pk}, PRIVATE),
    "mentoring:session_cancel": (lambda w: {"pk": w.session.pk}, ACTION),
    "mentoring:session_held": (lambda w: {"pk": w.session.pk}, ACTION),
    "mentoring:session_ics": (lambda w: {"pk": _planned_session(w).pk}, PRIVATE),
    "mentoring:goal_progress": (lambda w: {"pk": w.goal.pk}, ACTION),
    "mentoring:milestone_new": (lambda w: {"pk": w.goal.pk}, ACTION),
    "mentoring:milestone_done": (lambda w: {"pk": 1}, ACTION),  # POST only: 405 before any lookup
    "mentoring:checkin": (lambda w: {"pk": w.checkin.pk}, ACTION),
    "mentoring:programmes": (lambda w: {}, LOGIN),
    "mentoring:programme_new": (lambda w: {}, ADMIN_ONLY),
    "mentoring:programme": (lambda w: {"slug": w.programme.slug}, LOGIN),
    "mentoring:programme_edit": (lambda w: {"slug": w.programme.slug}, ADMIN_ONLY),
    "mentoring:dashboard": (lambda w: {"slug": w.programme.slug}, ADMIN_ONLY),
    "mentoring:export": (lambda w: {"slug": w.programme.slug}, ADMIN_ONLY),
    "mentoring:invite": (lambda w: {"slug": w.programme.slug}, ACTION),
    "mentoring:invite_csv": (lambda w: {"slug": w.programme.slug}, ADMIN_ONLY),
    "mentoring:admit": (lambda w: {"slug": w.programme.slug, "participation_id": w.participation.pk}, ACTION),
    "mentoring:round": (lambda w: {"slug": w.programme.slug}, ACTION),
    "kennisbank_api:index": (lambda w: {}, PUBLIC),
    "lessons:listing": (lambda w: {}, PUBLIC),
    "lessons:detail": (lambda w: {"pk": w.lesson.pk}, PUBLIC),
    "lessons:find": (lambda w: {}, PUBLIC),
    # POST only: the GET answers 405 before any lookup, whatever the ids.
    "mentoring:round_pair": (lambda w: {"slug": w.programme.slug, "round_id": 1, "pair_id": 1}, ACTION),
    "mentoring:round_swap": (lambda w: {"slug": w.programme.slug, "round_id": 1}, ACTION),
    "mentoring:round_publish": (lambda w: {"slug": w.programme.slug, "round_id": 1}, ACTION),
    "pilots:listing": (lambda w: {}, PUBLIC),
    "pilots:detail": (lambda w: {"pk": 0}, PUBLIC),  # no pilot in this world: 404 for everyone
    "pilots:find": (lambda w: {}, PUBLIC),
    "knowledge_base:search": (lambda w: {}, PUBLIC),
    "knowledge_base:promote_topic": (lambda w: {"topic_id": w.topic.pk}, ACTION),
    "knowledge_base:discuss": (lambda w: {"page_id": w.lesson.pk}, ACTION),
    # POST only. A page that is not a theme (the lesson) answers 404, so no role's POST changes anything;
    # following a real theme is for any member (tests/knowledge_base/test_follow_theme.py).
    "knowledge_base:follow_theme": (lambda w: {"page_id": w.lesson.pk}, ACTION),
    # Monitoring: the dashboard and every export only for the community's facilitators and platform
    # admins (the member of the world is no facilitator: 403); the scan and stories for its members.
    "monitoring:dashboard": (lambda w: {"slug": w.community.slug}, ADMIN_ONLY),
    "monitoring:export": (lambda w: {"slug": w.community.slug}, ADMIN_ONLY),
    "monitoring:network_graphml": (lambda w: {"slug": w.community.slug}, ADMIN_ONLY),
    "monitoring:network_csv": (lambda w: {"slug": w.community.slug}, ADMIN_ONLY),
    "monitoring:national": (lambda w: {}, ADMIN_ONLY),
    "monitoring:scan": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "monitoring:scan_action": (lambda w: {"slug": w.community.slug}, ACTION),
    "monitoring:stories": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "monitoring:story_propose": (lambda w: {"slug": w.community.slug, "story_id": 1}, ACTION),
    "monitoring:network_setting": (lambda w: {}, LOGIN),
    # Meetings: the private community's meeting for its members (and platform admins, who read every
    # community); planning, tables, attendance and minutes for its facilitators; the feed by its secret.
    "meetings:mine": (lambda w: {}, LOGIN),
    "meetings:feed": (lambda w: {"token": "geen-geheim"}, PUBLIC),  # an unknown secret: 404 for everyone
    "meetings:community": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "meetings:create": (lambda w: {"slug": w.community.slug}, ADMIN_ONLY),
    "meetings:from_message": (lambda w: {"message_id": w.message.pk}, COMMUNITY),
    "meetings:meeting": (lambda w: {"pk": _meeting(w).pk}, COMMUNITY),
    "meetings:ics": (lambda w: {"pk": _meeting(w).pk}, COMMUNITY),
    "meetings:edit": (lambda w: {"pk": _meeting(w).pk}, ADMIN_ONLY),
    "meetings:cancel": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "meetings:rsvp": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "meetings:agenda_add": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "meetings:agenda_message": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "meetings:agenda_remove": (lambda w: {"pk": _meeting(w).pk, "item_id": _meeting(w).agenda_items.get().pk}, ACTION),
    "meetings:tables": (lambda w: {"pk": _meeting(w).pk}, ADMIN_ONLY),
    "meetings:table_move": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "meetings:attendance": (lambda w: {"pk": _meeting(w).pk}, ADMIN_ONLY),
    "meetings:minutes": (lambda w: {"pk": _meeting(w).pk}, ADMIN_ONLY),
    "meetings:minutes_post": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "meetings:minutes_lesson": (lambda w: {"pk": _meeting(w).pk}, ACTION),
    "knowledge_base:proposals": (lambda w: {}, LOGIN),
    "knowledge_base:decide_proposal": (lambda w: {"proposal_id": 0}, ACTION),
    # The REST API through a session (tests/security/test_api_access.py walks it with tokens and scopes).
    "api:schema": (lambda w: {}, PUBLIC),
    "api:docs": (lambda w: {}, PUBLIC),
    "api:swagger": (lambda w: {}, PUBLIC),
    "api:redoc": (lambda w: {}, PUBLIC),
    "api:no_such_endpoint": (lambda w: {}, PUBLIC),  # a problem+json 404 for any other address
    "api:communities": (lambda w: {}, LOGIN),
    "api:memberships": (lambda w: {}, LOGIN),
    "api:community": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "api:community_rooms": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "api:community_membership": (lambda w: {"slug": w.community.slug}, ACTION),
    "api:room": (lambda w: {"room_id": w.room.pk}, COMMUNITY),
    "api:room_topics": (lambda w: {"room_id": w.room.pk}, COMMUNITY),
    "api:room_messages": (lambda w: {"room_id": w.room.pk}, COMMUNITY),
    "api:topic": (lambda w: {"topic_id": w.topic.pk}, COMMUNITY),
    "api:message": (lambda w: {"message_id": w.message.pk}, COMMUNITY),
    "api:message_reactions": (lambda w: {"message_id": w.message.pk}, ACTION),
    "api:notifications": (lambda w: {}, LOGIN),
    "api:notifications_read": (lambda w: {}, ACTION),
    "api:conversations": (lambda w: {}, LOGIN),
    "api:conversation_messages": (lambda w: {"room_id": _direct(w).pk}, PRIVATE),
    "api:mentoring_profile": (lambda w: {}, LOGIN),
    "api:mentoring_suggestions": (lambda w: {}, LOGIN),
    "api:mentoring_pairs": (lambda w: {}, LOGIN),
    "api:mentoring_pair": (lambda w: {"pair_id": w.pair.pk}, PRIVATE),
    "api:mentoring_pair_sessions": (lambda w: {"pair_id": w.pair.pk}, PRIVATE),
    "api:community_meetings": (lambda w: {"slug": w.community.slug}, COMMUNITY),
    "api:meeting": (lambda w: {"meeting_id": _meeting(w).pk}, COMMUNITY),
    "api:meeting_rsvp": (lambda w: {"meeting_id": _meeting(w).pk}, ACTION),  # PUT and DELETE: GET is 405
    "api:passport_credentials": (lambda w: {}, LOGIN),
    # The member's credential, not on their public passport: for them only (the admin too gets 404).
    "api:passport_credential": (lambda w: {"credential_id": _passport(w)["award"].uuid}, PRIVATE),
    "api_tokens:list": (lambda w: {}, LOGIN),
    "api_apps:list": (lambda w: {}, LOGIN),
    "api_apps:revoke": (lambda w: {"application_id": 0}, ACTION),  # POST only; no such application: 404
    "api_webhooks:list": (lambda w: {}, LOGIN),
    # OAuth 2 (django-oauth-toolkit's views, api/oauth_views.py): the consent page needs a registered
    # application and PKCE parameters (without them, an error page); the rest are POST-only endpoints
    # for the application's server (tests/api/test_oauth.py walks the whole flow).
    "oauth2_provider:authorize": (lambda w: {}, ACTION),
    "oauth2_provider:token": (lambda w: {}, ACTION),
    "oauth2_provider:revoke-token": (lambda w: {}, ACTION),
    "oauth2_provider:introspect": (lambda w: {}, ACTION),
    "api_webhooks:remove": (lambda w: {"webhook_id": _webhook(w).pk}, ACTION),
    "api_tokens:revoke": (lambda w: {"token_id": 0}, ACTION),
}

# Extra requests for every role: search pages, the API and the draft's own addresses.
EXTRA_GETS: dict[str, Callable[[World], str]] = {
    "forum search for the secret": lambda w: "/gemeenschappen/zoeken/?q=GEHEIM",
    "knowledge-base search for the draft": lambda w: "/kennisbank/zoeken/?q=zo+doe+je+dat",
    "knowledge-base search for the draft's text": lambda w: "/kennisbank/zoeken/?q=waarom",
    "API lesson list": lambda w: "/api/v2/lessons/",
    "API lesson list, search": lambda w: "/api/v2/lessons/?search=GEHEIM",
    "API draft lesson": lambda w: f"/api/v2/lessons/{w.draft.pk}/",
    "API find draft by path": lambda w: f"/api/v2/lessons/find/?html_path={w.draft.url_path}",
    "draft lesson page": lambda w: f"/kennisbank/{w.draft.slug}/",
    "draft lesson under its index": lambda w: w.draft.url_path.replace("/home", "/kennisbank", 1),
    "discuss the draft": lambda w: f"/kennisbank/les/{w.draft.pk}/bespreken/",
    "promote the secret topic": lambda w: f"/kennisbank/onderwerp/{w.topic.pk}/naar-les/",
    "notifications": lambda w: "/meldingen/",
    "home": lambda w: "/",
    "directory": lambda w: "/gemeenschappen/",
    "mentoring home": lambda w: "/mentoring/",
    "pair room topic": lambda w: w.pair.room.topics.get().get_absolute_url(),
    "direct conversation": lambda w: _direct(w).topics.get().get_absolute_url(),
    "direct conversation's older messages": lambda w: (
        f"/gemeenschappen/onderwerp/{_direct(w).topics.get().pk}/berichten/"
    ),
    "Wagtail admin": lambda w: "/cms/",
    "Wagtail admin page explorer": lambda w: f"/cms/pages/{w.draft.pk}/",
    "Django admin": lambda w: "/django-admin/",
    "Wagtail document": lambda w: "/documenten/1/x.pdf",
}


def admit(owner: Any, community: Any, user: Any) -> None:
    """Invite, then join: the member's way in, with read positions set as on any join."""
    forum_services.invite(actor=owner, community=community, email=user.email)
    forum_services.join_community(actor=user, community=community)
    assert Membership.objects.get(community=community, user=user).state == MembershipState.ACTIVE


def _image_attachment(w: World) -> Any:
    """An image wide enough for a thumbnail, in the private community's topic (made once per world)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from forum.models import Attachment

    found = Attachment.objects.filter(message__topic=w.topic, is_image=True).first()
    if found is not None:
        return found
    png = io.BytesIO()
    Image.new("RGB", (1000, 500)).save(png, format="PNG")
    message = forum_services.post_message(
        actor=w.topic.created_by,
        topic=w.topic,
        body="",
        client_id=uuid.uuid4(),
        attachments=[SimpleUploadedFile("GEHEIM-schema.png", png.getvalue(), content_type="image/png")],
    )
    return message.attachments.get()


def _direct(w: World) -> Any:
    """A direct conversation of the owner and the member with a secret in it (made once per world)."""
    room = forum_services.open_conversation(actor=w.owner, others=[w.users["member"]])
    topic = room.topics.get()
    if not topic.message_count:
        forum_services.post_message(
            actor=w.owner, topic=topic, body="GEHEIM-BERICHT alleen voor ons twee", client_id=uuid.uuid4()
        )
    return room


def _webhook(w: World) -> Any:
    """A webhook of the private community (made once per world by its owner)."""
    from api.models import Webhook

    found = Webhook.objects.filter(community=w.community).first()
    if found is None:
        found = Webhook.objects.create(
            community=w.community, target_url="https://example.test/hook", events=["message.created"], secret="x"
        )
    return found


def _planned_session(w: World) -> Any:
    """A session of the pair planned for next week (made once per world): it has a calendar file."""
    from mentoring.models import SessionState

    found = w.pair.sessions.filter(state=SessionState.PLANNED).first()
    if found is None:
        found = mentoring_services.plan_session(
            actor=w.pair.person_a,
            relationship=w.pair,
            starts_at=timezone.now() + dt.timedelta(days=7),
            mode="in_person",
            place="GEHEIM-PLEK",
        )
    return found


def _meeting(w: World) -> Any:
    """A meeting of the private community with a secret title and agenda item (made once per world)."""
    from meetings import services as meeting_services
    from meetings.models import Meeting

    found = Meeting.objects.filter(community=w.community).first()
    if found is None:
        start = timezone.now() + dt.timedelta(days=7)
        found = meeting_services.create_meeting(
            actor=w.owner,
            community=w.community,
            data=meeting_services.MeetingInput(
                title="GEHEIM-BIJEENKOMST warmte", starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Zaal"
            ),
        )
        meeting_services.add_agenda_item(actor=w.users["member"], meeting=found, title="GEHEIM-BIJEENKOMST agenda")
    return found


def _membership(w: World) -> Any:
    return Membership.objects.get(community=w.community, user=w.users["member"])


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def allowed(kind: str, role: str, response: Any) -> bool:
    status = response.status_code
    if status >= 500:
        return False
    if kind == PUBLIC:
        return status in (200, 404) if role else False
    if role == "anonymous":
        # The API answers 401 (with WWW-Authenticate) where a page sends the visitor to the login page.
        return (
            is_login_redirect(response)
            or status == 401
            or (kind in (PRIVATE, COMMUNITY, ACTION) and status in (403, 404, 405))
        )
    if kind == LOGIN:
        return status in (200, 302)
    if kind in (PRIVATE, COMMUNITY):
        if role == "member" or (role == "admin" and kind == COMMUNITY):
            return status == 200 or (status == 302 and not is_login_redirect(response))
        return status in (302, 403, 404) and not is_login_redirect(response)
    if kind == ADMIN_ONLY:
        if role == "admin":
            return status in (200, 302)
        return status in (302, 403, 404) and not is_login_redirect(response)
    # ACTION: POST-only endpoints refuse GET; manager pages refuse non-managers.
    return status in (200, 302, 400, 403, 404, 405)


def snapshot() -> dict[str, int]:
    counts = {}
    for app in ("accounts", "forum", "mentoring", "knowledge_base", "wagtailcore", "passport", "meetings"):
        for model in apps.get_app_config(app).get_models():
            counts[model._meta.label] = model.objects.count()
    return counts


def leaks(text: str) -> list[str]:
    return [m for m in MARKERS if m in text]


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


# Everything else in the URL conf is third-party code under its own access rules; a pattern outside
# Kring's apps that is not under one of these prefixes fails ``test_no_pattern_is_outside_the_matrix``.
THIRD_PARTY_PREFIXES: dict[str, str] = {
    "i18n/": "Django's set_language (POST, no data)",
    "django-admin/": "Django admin: staff only, its own login (EXTRA_GETS checks it leaks nothing)",
    "accounts/": "allauth: login, signup, e-mail and password flows (rate-limited, tests/accounts)",
    "cms/": "Wagtail admin: editors only (EXTRA_GETS checks it leaks nothing)",
    "documenten/": "Wagtail documents: served as attachments through Wagtail's view",
    "kennisbank/": "Wagtail's page serving: drafts are checked in EXTRA_GETS",
    "media/": "uploaded files in DEBUG only (production: the web server)",
}


def test_no_pattern_is_outside_the_matrix() -> None:
    """Every URL pattern of the whole URL conf is in SPEC (Kring's apps, /api/v2/ included) or under a
    known third-party prefix: a view added anywhere, in any module, cannot escape the matrix."""
    in_spec = set(app_patterns())
    outside = [
        route
        for route, name, _module in walk(get_resolver().url_patterns)
        if (route, name) not in in_spec and not route.startswith(tuple(THIRD_PARTY_PREFIXES))
    ]
    assert not outside, f"patterns in no matrix: {outside}"
    api = [name for route, name in in_spec if route.startswith("api/v2/")]
    assert len(api) >= 6, f"the Wagtail API's endpoints are in the matrix: {api}"


def test_every_pattern_is_known() -> None:
    names = {name for _route, name in app_patterns()}
    unknown = names - set(SPEC)
    assert not unknown, f"add these patterns to SPEC with their parameters and access class: {sorted(unknown)}"
    stale = set(SPEC) - names
    assert not stale, f"these patterns are gone: {sorted(stale)}"


def test_access_matrix(world: World) -> None:
    cells = 0
    failures: list[str] = []
    table: list[str] = []
    for route, name in app_patterns():
        params, kind = SPEC[name]
        url = fill(route, params(world))
        for role in ROLES:
            client = client_for(world, role)
            response = client.get(url)
            cells += 1
            content = b"".join(response.streaming_content) if response.streaming else response.content
            body = content.decode(errors="replace") if response.status_code < 300 else ""
            table.append(f"{name:40} {role:11} GET {response.status_code}")
            if not allowed(kind, role, response):
                failures.append(f"{name} ({kind}) GET as {role}: {response.status_code} {response.get('Location', '')}")
            if role in ("anonymous", "non_member") and (found := leaks(body)):
                failures.append(f"{name} GET as {role} leaks {found}")
    for label, make_url in EXTRA_GETS.items():
        url = make_url(world)
        for role in ROLES:
            response = client_for(world, role).get(url)
            cells += 1
            content = b"".join(response.streaming_content) if response.streaming else response.content
            body = content.decode(errors="replace")
            if response.status_code >= 500:
                failures.append(f"{label} as {role}: {response.status_code}")
            # A draft is for its editors: it leaks to no one through the public pages or the API.
            if label.startswith(("API", "draft", "knowledge")):
                if found := leaks(body):
                    failures.append(f"{label} ({url}) as {role} leaks {found}")
            elif role in ("anonymous", "non_member") and (found := leaks(body)):
                failures.append(f"{label} ({url}) as {role} leaks {found}")
    print(f"\naccess matrix (HTTP GET): {cells} cells")
    record_count(
        "access matrix", f"{cells} HTTP GET cells ({len(app_patterns())} URL patterns × {len(ROLES)} roles + extras)"
    )
    assert not failures, "\n".join(failures)


def test_posts_by_outsiders_change_nothing(world: World) -> None:
    """An anonymous visitor or a non-member POSTs to every pattern: nothing in the database changes."""
    cells = 0
    failures = []
    # A non-member may legitimately do these for themselves (with empty data they are refused anyway).
    for_themselves = {
        "mentoring:propose",  # propose a pair to someone
        "mentoring:programme",  # sign up for a programme
        "forum:community_create",
        "mentoring:profile_edit",
        "accounts:profile_edit",
        "knowledge_base:discuss",  # creates the system "Kennisbank" community on first use
        "digests:unsubscribe",  # the link in the member's mail: whoever holds it may unsubscribe them
        "passport:mine",  # saves their own choice of what is public
        "passport:share",  # makes their own share link
    }
    for role in ("anonymous", "non_member"):
        client = client_for(world, role)
        for route, name in app_patterns():
            params, _kind = SPEC[name]
            url = fill(route, params(world))
            before = snapshot()
            response = client.post(url, {"action": "approve", "body": "x", "title": "x", "role": "owner"})
            cells += 1
            after = snapshot()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if response.status_code >= 500:
                failures.append(f"POST {name} as {role}: {response.status_code}")
            if changed and not (role == "non_member" and name in for_themselves):
                failures.append(f"POST {name} as {role} changed {changed} ({response.status_code})")
            if role == "anonymous" and response.status_code in (200, 201) and SPEC[name][1] != PUBLIC:
                failures.append(f"POST {name} as anonymous answered {response.status_code}")
            if found := leaks(response.content.decode(errors="replace")):
                failures.append(f"POST {name} as {role} leaks {found}")
    print(f"\naccess matrix (HTTP POST by outsiders): {cells} cells")
    record_count("access matrix", f"{cells} HTTP POST cells by outsiders")
    assert not failures, "\n".join(failures)


def test_unread_counts_and_notifications_do_not_leak(world: World, make_user: Callable[..., Any]) -> None:
    """Unread totals count only rooms one may read; a banned ex-member stops counting the private room."""
    outsider = world.users["non_member"]
    sanne = world.users["member"]
    ex_member = make_user(name="Eva Ex")
    admit(world.owner, world.community, ex_member)
    before_outsider = forum_selectors.unread_total(user=outsider)
    before_sanne = forum_selectors.unread_total(user=sanne)
    forum_services.ban_member(actor=world.owner, community=world.community, user=ex_member, reason="test")
    ex_before = forum_selectors.unread_total(user=ex_member)
    for i in range(3):
        forum_services.post_message(
            actor=world.owner, topic=world.topic, body=f"GEHEIM-BERICHT {i} @**Eva Ex**", client_id=uuid.uuid4()
        )
    assert forum_selectors.unread_total(user=outsider) == before_outsider
    assert forum_selectors.unread_total(user=ex_member) == ex_before
    assert forum_selectors.unread_total(user=sanne) == before_sanne + 3
    # The banned member is not notified of mentions in a room they can no longer read.
    client = Client()
    client.force_login(ex_member)
    assert not leaks(client.get("/meldingen/").content.decode())
    assert not leaks(client.get("/").content.decode())


# --- WebSocket frames --------------------------------------------------------------------------


def frame_for(kind: str, world: RoomWorld) -> dict[str, Any]:
    room = world.room.pk
    values: dict[str, Any] = {
        "room": room,
        "topic": world.topic.pk,
        "body": "binnendringer",
        "client_id": str(uuid.uuid4()),
        "seq": world.message.seq,
        "after_seq": 0,
        "from_seq": 1,
        "to_seq": 1,
        "emoji": "👍",
        "add": True,
        "reply_to": world.message.pk,
    }
    return {"type": kind, **{f: values[f] for f in protocol.CLIENT_FRAMES[kind]}}


# What a member gets for each frame on the private room (the first answer frame's type).
MEMBER_ANSWER = {
    "subscribe": "subscribed",
    "unsubscribe": "unsubscribed",
    "post": "ack",
    "edit": "error",  # someone else's message: forbidden
    "delete": "error",
    "react": None,  # accepted silently: the broadcast goes to subscribers; checked in the database
    "read": "read_state",
    "typing": "error",  # not subscribed on this socket
    "fetch": "error",
    "ping": "pong",
}


@dataclass
class RoomWorld:
    users: dict[str, Any]
    room: Any
    topic: Any
    message: Any


@pytest.fixture
def room_world(make_user: Callable[..., Any]) -> RoomWorld:
    owner = make_user(name="Olga Eigenaar")
    member = make_user(name="Mo Lid")
    outsider = make_user(name="Otto Buiten")
    community = forum_services.create_community(
        actor=owner, name="Besloten kring", kind="hub", description="d", waaromvraag="w", visibility="invite_only"
    )
    admit(owner, community, member)
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=owner, room=room, title="GEHEIM-ONDERWERP")
    message = forum_services.post_message(actor=owner, topic=topic, body="GEHEIM-BERICHT", client_id=uuid.uuid4())
    return RoomWorld(users={"member": member, "non_member": outsider}, room=room, topic=topic, message=message)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", sorted(protocol.CLIENT_FRAMES))
async def test_every_frame_type_on_a_private_room(kind: str, client: Client, room_world: RoomWorld) -> None:
    world = room_world
    from asgiref.sync import sync_to_async
    from channels.layers import channel_layers
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from config.asgi import application
    from realtime import hub as hub_module

    channel_layers.backends.clear()
    hub_module._hubs.clear()
    results = {}
    for role in ("member", "non_member"):
        user = world.users[role]
        await sync_to_async(client.force_login)(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        communicator = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())],
        )
        connected, _ = await communicator.connect(timeout=5)
        assert connected
        assert json.loads(await communicator.receive_from(timeout=5))["type"] == "hello"
        frame = await sync_to_async(frame_for)(kind, world)
        await communicator.send_to(text_data=json.dumps(frame))
        answers = []
        while not await communicator.receive_nothing(timeout=0.5):
            answers.append(json.loads(await communicator.receive_from(timeout=5)))
        await communicator.disconnect()
        results[role] = answers
    channel_layers.backends.clear()
    hub_module._hubs.clear()

    outsider = results["non_member"]
    text = json.dumps(outsider, ensure_ascii=False)
    assert not leaks(text), f"{kind} leaks to a non-member: {text}"
    if kind == "ping":
        assert outsider == [{"type": "pong"}]
    elif kind == "unsubscribe":
        assert outsider == [{"type": "unsubscribed", "room": world.room.pk, "reason": "requested"}]
    elif kind in ("typing", "fetch"):
        assert [a["code"] for a in outsider] == ["not_subscribed"]
    else:
        assert [a.get("code") for a in outsider] == ["not_found"], outsider
    member = results["member"]
    if MEMBER_ANSWER[kind] is None:
        from forum.models import Reaction

        assert member == [], member
        assert await Reaction.objects.filter(user=world.users["member"], message=world.message).aexists()
    else:
        assert member and member[0]["type"] == MEMBER_ANSWER[kind], member
    record_count("access matrix", f"WebSocket frame {kind}: 2 cells (member, non-member)")
    print(f"\nws frame {kind}: 2 cells (member → {member[:1]}, non-member → {outsider[0]['type']})")
