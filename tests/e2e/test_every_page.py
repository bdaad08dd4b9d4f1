"""Every page of every app, at 360 and 1280 px, on the demo content.

The pages come from the URL conf itself (the walk of ``tests/security/test_access_matrix.py``):
a pattern that ``PAGES`` does not know fails ``test_every_pattern_has_an_entry`` until someone
says how to fill its parameters and who looks at it, or why it is not a page (``NOT_PAGES``).
Wagtail serves the knowledge base through one catch-all pattern; its pages are visited one of
each page type, and a page type without a live page in the demo fails the test too.

Each page is loaded by each of its viewers at both widths, and must show:

- axe-core: 0 violations of WCAG 2.1 A/AA;
- no horizontal overflow: ``document.documentElement.scrollWidth <= innerWidth``;
- 0 console errors (uncaught exceptions included) and 0 failed requests (status >= 400 or
  never answered), the favicon included;
- JS + CSS shipped at most ``BUDGET_BYTES`` gzip-compressed: the scripts and stylesheets the
  page's DOM names after load, plus every module they import statically (``import … from``,
  ``export … from``, CSS ``@import``), each counted once; lazy ``import()`` chunks such as the
  emoji picker are left out by construction.

Every problem is collected first and reported together, one line per page, so one run hands
out the whole list; ``KRING_EVERY_PAGE_REPORT=path`` also writes it as JSON.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import get_resolver
from playwright.sync_api import Browser, BrowserContext, Page

from notifications.services import unsubscribe_token
from tests.e2e.conftest import WCAG_TAGS
from tests.security.test_access_matrix import walk

pytestmark = [pytest.mark.browser]

WIDTHS = (360, 1280)
HEIGHT = {360: 740, 1280: 800}
BUDGET_BYTES = 100_000  # JS + CSS per page, gzip-compressed (issue 14)

# --- what the test visits ----------------------------------------------------------------------


@dataclass
class Demo:
    """The demo objects that fill the URL patterns, and who looks at them."""

    users: dict[str, Any]
    community: Any
    room: Any
    topic: Any
    message: Any
    pair: Any
    session: Any
    programme: Any
    invitation: Any
    reset_key: dict[str, str]
    email_key: str
    wagtail_pages: dict[str, Any]
    direct: Any = None  # a direct conversation of the member and the facilitator, reported once


Params = Callable[[Demo], dict[str, Any]]

ANON = ("anonymous",)
MEMBER = ("member",)
BOTH = ("anonymous", "member")


def _unsubscribe_token(d: Any) -> str:
    from digests.services import unsubscribe_token

    return unsubscribe_token(d.users["member"])


@dataclass(frozen=True)
class P:
    """A page: how to fill its pattern, who visits it, and an optional query string."""

    params: Params = lambda d: {}
    viewers: tuple[str, ...] = MEMBER
    query: str = ""
    status: int = 200  # what the page itself answers (allauth's error page says 401)


# Keyed by the pattern's name, or by its route where it has none.
PAGES: dict[str, P] = {
    # frontend
    "frontend:home": P(viewers=BOTH),
    "frontend:style": P(viewers=ANON),  # the living style page of the design system
    # accounts (Kring's) and allauth's pages
    "accounts:profile": P(lambda d: {"user_id": d.users["member"].pk}, BOTH),
    "accounts:profile_edit": P(),
    "accounts:two_factor_required": P(),
    "accounts:privacy": P(),
    "digests:settings": P(),
    "api_tokens:list": P(),
    "api_webhooks:list": P(viewers=("member", "facilitator")),  # the facilitator's has a delivery log
    "api_apps:list": P(),  # the demo member allowed one application
    "api:docs": P(viewers=BOTH),
    "digests:unsubscribe": P(lambda d: {"token": _unsubscribe_token(d)}, BOTH),
    "account_login": P(viewers=ANON),
    "account_logout": P(),  # GET asks to confirm; only a POST logs out
    "account_inactive": P(viewers=ANON),
    "account_signup": P(viewers=ANON),
    "account_reauthenticate": P(),
    "account_email": P(),
    "account_email_verification_sent": P(viewers=ANON),
    "account_confirm_email": P(lambda d: {"key": d.email_key}, ANON),
    "account_change_password": P(),
    "account_set_password": P(),  # a member with a password is sent on to "change"
    "account_reset_password": P(viewers=ANON),
    "account_reset_password_done": P(viewers=ANON),
    "account_reset_password_from_key": P(lambda d: d.reset_key, ANON),
    "account_reset_password_from_key_done": P(viewers=ANON),
    "mfa_index": P(),
    "mfa_activate_totp": P(),  # after a while logged in: allauth asks to log in again first
    "mfa_list_webauthn": P(),
    "mfa_add_webauthn": P(),
    "socialaccount_login_cancelled": P(viewers=ANON),
    "socialaccount_login_error": P(viewers=ANON, status=401),
    "socialaccount_connections": P(),
    # forum
    "forum:directory": P(viewers=BOTH),
    "forum:community_create": P(),
    "forum:search": P(query="?q=stage"),
    # notifications
    "notifications:list": P(),
    "notifications:preferences": P(),
    "notifications:topic": P(lambda d: {"topic_id": d.topic.pk}),
    "notifications:unsubscribe": P(lambda d: {"token": unsubscribe_token(d.users["member"].pk, ["mention"])}, BOTH),
    "forum:accept_invitation": P(lambda d: {"token": d.invitation.token}),
    "forum:direct_list": P(),
    "forum:direct_settings": P(),
    "forum:direct_report": P(lambda d: {"room_id": d.direct.pk}),
    "forum:direct_reports": P(viewers=("admin",)),
    "forum:member_card": P(lambda d: {"user_id": d.users["facilitator"].pk}),
    "forum:topic": P(lambda d: {"topic_id": d.topic.pk}),
    # A redirect to the conversation's topic page: the page checked is the conversation itself.
    "forum:direct_room": P(lambda d: {"room_id": d.direct.pk}),
    "forum:message_edit": P(lambda d: {"message_id": d.message.pk}),
    "forum:message_history": P(lambda d: {"message_id": d.message.pk}),
    "forum:community": P(lambda d: {"slug": d.community.slug}, BOTH),
    "forum:community_edit": P(lambda d: {"slug": d.community.slug}, ("facilitator",)),
    "forum:members": P(lambda d: {"slug": d.community.slug}),
    "forum:moderation": P(lambda d: {"slug": d.community.slug}, ("facilitator",)),
    "forum:room_create": P(lambda d: {"slug": d.community.slug}, ("facilitator",)),
    "forum:room": P(lambda d: {"slug": d.community.slug, "room_slug": d.room.slug}),
    "forum:room_settings": P(lambda d: {"slug": d.community.slug, "room_slug": d.room.slug}, ("facilitator",)),
    # mentoring
    "mentoring:home": P(),
    "mentoring:profile_edit": P(),
    "mentoring:suggestions": P(),
    "mentoring:relationship": P(lambda d: {"pk": d.pair.pk}, ("pair",)),
    "mentoring:agreement": P(lambda d: {"pk": d.pair.pk}, ("pair",)),
    "mentoring:session_new": P(lambda d: {"pk": d.pair.pk}, ("pair",)),
    "mentoring:closing": P(lambda d: {"pk": d.pair.pk}, ("pair",)),
    "mentoring:reflection": P(lambda d: {"pk": d.session.pk}, ("pair",)),
    "mentoring:session_plan": P(lambda d: {"pk": d.pair.pk}, ("pair",)),
    "mentoring:programmes": P(),
    "mentoring:programme_new": P(viewers=("admin",)),
    "mentoring:programme": P(lambda d: {"slug": d.programme.slug}),
    "mentoring:programme_edit": P(lambda d: {"slug": d.programme.slug}, ("coordinator",)),
    "mentoring:dashboard": P(lambda d: {"slug": d.programme.slug}, ("coordinator",)),
    "mentoring:invite_csv": P(lambda d: {"slug": d.programme.slug}, ("coordinator",)),
    # knowledge base (Kring's views; the Wagtail pages follow from WAGTAIL_SERVE)
    "knowledge_base:home": P(viewers=BOTH),
    "knowledge_base:search": P(viewers=BOTH, query="?q=mentor"),
    "knowledge_base:promote_topic": P(lambda d: {"topic_id": d.topic.pk}, ("facilitator",)),
    "knowledge_base:proposals": P(viewers=("facilitator",)),
    "wagtailcore_login": P(viewers=ANON),  # Wagtail's login for private pages
    # learning passport (the demo's member holds two credentials, one public)
    "passport:mine": P(),
    "passport:print": P(),
    "passport:member": P(lambda d: {"member_id": d.users["member"].pk}, ("facilitator",)),
    "passport:shared": P(lambda d: {"token": _share_token(d)}, ANON),
    "passport:achievements": P(viewers=("facilitator",)),
    "passport:achievement_create": P(viewers=("facilitator",)),
    "passport:achievement_manage": P(lambda d: {"uuid": _award(d).achievement.uuid}, ("facilitator",)),
    "passport:achievement": P(lambda d: {"uuid": _award(d).achievement.uuid}, BOTH),
    "passport:credential": P(lambda d: {"uuid": _award(d).uuid}, BOTH),
    # monitoring
    "monitoring:dashboard": P(lambda d: {"slug": d.community.slug}, ("facilitator",)),
    "monitoring:scan": P(lambda d: {"slug": d.community.slug}, ("member", "facilitator")),
    "monitoring:stories": P(lambda d: {"slug": d.community.slug}, ("member", "facilitator")),
    "monitoring:national": P(viewers=("admin",)),
    "monitoring:network_setting": P(),
    # meetings (the demo's facilitated community has a meeting next week with tables, and minutes)
    "meetings:mine": P(),
    "meetings:community": P(lambda d: {"slug": d.community.slug}, ("member", "facilitator")),
    "meetings:create": P(lambda d: {"slug": d.community.slug}, ("facilitator",)),
    "meetings:meeting": P(lambda d: {"pk": _meeting(d).pk}, ("member", "facilitator")),
    "meetings:edit": P(lambda d: {"pk": _meeting(d).pk}, ("facilitator",)),
    "meetings:tables": P(lambda d: {"pk": _meeting(d).pk}, ("facilitator",)),
    "meetings:attendance": P(lambda d: {"pk": _meeting(d).pk}, ("facilitator",)),
    "meetings:minutes": P(lambda d: {"pk": _meeting(d).pk}, ("facilitator",)),
    "meetings:from_message": P(lambda d: {"message_id": d.message.pk}),
}


def _meeting(d: Any) -> Any:
    """The demo's coming meeting with tables in the page's community."""
    from meetings.models import Meeting

    return Meeting.objects.filter(community=d.community, seats__isnull=False).distinct().order_by("pk").first()


def _award(d: Any) -> Any:
    from passport.models import Award

    return Award.objects.filter(recipient=d.users["member"]).select_related("achievement").order_by("pk").first()


def _share_token(d: Any) -> str:
    from passport import services as passport_services

    return passport_services.create_share_link(actor=d.users["member"])


# Patterns that answer with something other than a page, or only inside a flow that the URL
# alone cannot start. Each says why; a new pattern must be in PAGES or here.
NOT_PAGES: dict[str, str] = {
    "did_document": "JSON: the did:web issuer's DID document",
    "passport:share": "POST only: make or stop the share link",
    "passport:export": "a JSON download of the member's passport",
    "passport:endorse": "POST only: endorse a skill",
    "passport:credential_json": "a JSON-LD download (the Open Badges 3.0 credential)",
    "passport:revoke": "POST only: revoke a credential",
    "passport:status_list": "JSON-LD: the signed Bitstring Status List credential",
    "passport:ob2_issuer": "JSON-LD: the Open Badges 2.0 issuer profile",
    "passport:ob2_badge": "JSON-LD: an Open Badges 2.0 BadgeClass",
    "passport:ob2_assertion": "JSON-LD: an Open Badges 2.0 hosted assertion",
    "monitoring:export": "a CSV download (tests/monitoring/test_views.py)",
    "monitoring:network_graphml": "a GraphML download, read back by networkx (tests/monitoring/test_exports.py)",
    "monitoring:network_csv": "a CSV download (tests/monitoring/test_exports.py)",
    "monitoring:scan_action": "POST only: open or close a quick scan round",
    "monitoring:story_propose": "POST only: propose a story as a lesson",
    "meetings:feed": "an iCalendar feed behind a secret (read by the ical peer in tests/meetings/test_calendar.py)",
    "meetings:ics": "an iCalendar download (read by the ical peer in tests/meetings/test_calendar.py)",
    "meetings:cancel": "POST only",
    "meetings:rsvp": "POST only",
    "meetings:agenda_add": "POST only (the meeting page's form target; errors show on the meeting page)",
    "meetings:agenda_message": "POST only (the meeting page's form target; errors show on the meeting page)",
    "meetings:agenda_remove": "POST only",
    "meetings:table_move": "POST only",
    "meetings:minutes_post": "POST only",
    "meetings:minutes_lesson": "POST only",
    "api:schema": "the OpenAPI description (YAML/JSON), not a page",
    "api:swagger": "Swagger UI, third-party reference UI served from sidecar static files (linked from api:docs)",
    "api:redoc": "Redoc, third-party reference UI served from sidecar static files (linked from api:docs)",
    "api:no_such_endpoint": "the API's problem+json 404 for any other address under /api/v1/",
    "api:communities": "REST API (JSON)",
    "api:memberships": "REST API (JSON)",
    "api:community": "REST API (JSON)",
    "api:community_rooms": "REST API (JSON)",
    "api:community_membership": "REST API (JSON)",
    "api:room": "REST API (JSON)",
    "api:room_topics": "REST API (JSON)",
    "api:room_messages": "REST API (JSON)",
    "api:topic": "REST API (JSON)",
    "api:message": "REST API (JSON)",
    "api:message_reactions": "REST API (JSON)",
    "api:notifications": "REST API (JSON)",
    "api:notifications_read": "REST API (JSON)",
    "api:conversations": "REST API (JSON)",
    "api:conversation_messages": "REST API (JSON)",
    "api:mentoring_profile": "REST API (JSON)",
    "api:mentoring_suggestions": "REST API (JSON)",
    "api:mentoring_pairs": "REST API (JSON)",
    "api:mentoring_pair": "REST API (JSON)",
    "api:mentoring_pair_sessions": "REST API (JSON)",
    "api:community_meetings": "REST API (JSON)",
    "api:meeting": "REST API (JSON)",
    "api:meeting_rsvp": "REST API (JSON)",
    "api:passport_credentials": "REST API (JSON)",
    "api:passport_credential": "REST API (JSON)",
    "api_tokens:revoke": "POST only (the revoke button's form target)",
    "api_webhooks:remove": "POST only (the remove button's form target)",
    "api_apps:revoke": "POST only (the take-access-back button's form target)",
    "oauth2_provider:authorize": "only inside an OAuth 2 flow: needs a registered application and PKCE (tests/api/test_oauth.py)",
    "oauth2_provider:token": "POST only, for an application's server (OAuth 2 token endpoint, JSON)",
    "oauth2_provider:revoke-token": "POST only, for an application's server (OAuth 2 revocation)",
    "oauth2_provider:introspect": "OAuth 2 token introspection for resource servers (JSON)",
    "healthz": "plain-text health check",
    "set_language": "POST only (the language switch's form target)",
    "frontend:favicon": "an icon, not a page (its request is checked on every page)",
    "account_confirm_login_code": "only inside a login-by-code flow (the pending login lives in the session)",
    "mfa_authenticate": "only inside a login of a member with two factors (the pending login lives in the session)",
    "mfa_reauthenticate": "only for a member with two factors (tests/e2e/test_sso_passkeys.py)",
    "mfa_deactivate_totp": "only for a member with TOTP on; otherwise redirects to the 2FA overview",
    "mfa_view_recovery_codes": "only for a member with two factors; otherwise redirects to the 2FA overview",
    "mfa_generate_recovery_codes": "only for a member with two factors; otherwise redirects to the 2FA overview",
    "mfa_download_recovery_codes": "a text download",
    "mfa_reauthenticate_webauthn": "only for a member with a passkey (tests/e2e/test_sso_passkeys.py)",
    "mfa_remove_webauthn": "needs a registered passkey (tests/e2e/test_sso_passkeys.py)",
    "mfa_edit_webauthn": "needs a registered passkey (tests/e2e/test_sso_passkeys.py)",
    "mfa_login_webauthn": "POST only: the passkey login's endpoint",
    "socialaccount_signup": "only inside a single sign-on flow (the pending login lives in the session)",
    "accounts/social/login/cancelled/": "allauth's old address: a redirect",
    "accounts/social/login/error/": "allauth's old address: a redirect",
    "accounts/social/signup/": "allauth's old address: a redirect",
    "accounts/social/connections/": "allauth's old address: a redirect",
    "openid_connect_login": "leaves for the identity provider (tests/e2e/test_sso_browser.py)",
    "openid_connect_callback": "the identity provider's return address (tests/e2e/test_sso_browser.py)",
    "accounts:privacy_export": "a JSON download",
    "accounts:privacy_delete": "POST only",
    "forum:direct_start": "POST only",
    "forum:member_block": "POST only",
    "forum:topic_manage": "POST only",
    "forum:message_action": "POST only",
    "forum:attachment": "a file download",
    "forum:attachment_thumbnail": "an image (the topic page loads it: its request is checked there)",
    "forum:topic_older": "an HTML fragment of older messages for the topic page's script",
    "forum:topic_members": "JSON for the composer's mention autocomplete",
    "forum:topic_preview": "POST only: JSON for the composer's preview",
    "forum:join": "POST only",
    "forum:leave": "POST only",
    "forum:decide": "POST only",
    "forum:change_role": "POST only",
    "forum:ban": "POST only",
    "forum:mute": "POST only",
    "forum:invite": "POST only",
    "mentoring:notifications_read": "POST only",
    "notifications:push_subscription": "POST only (JSON from the preferences page's module)",
    "service_worker": "a script (the push service worker), not a page",
    "mentoring:propose": "POST only",
    "mentoring:respond": "POST only",
    "mentoring:sign": "POST only",
    "mentoring:coordinator_access": "POST only",
    "mentoring:goal_new": "POST only",
    "mentoring:change_status": "POST only",
    "mentoring:goal_progress": "POST only",
    "mentoring:milestone_new": "POST only",
    "mentoring:milestone_done": "POST only",
    "mentoring:checkin": "POST only",
    "mentoring:export": "a CSV download",
    "mentoring:invite": "POST only",
    "mentoring:admit": "POST only",
    "mentoring:round": "POST only",
    "mentoring:round_pair": "POST only (lock, forbid, release a pair of a draft round)",
    "mentoring:round_swap": "POST only",
    "mentoring:round_publish": "POST only",
    "mentoring:session_reschedule": "the session_plan page with a planned session's values filled in",
    "mentoring:session_cancel": "POST only",
    "mentoring:session_held": "POST only",
    "mentoring:session_ics": "an iCalendar download (read by the ical peer in tests/mentoring/test_planned_sessions.py)",
    "knowledge_base:discuss": "POST only",
    "knowledge_base:follow_theme": "POST only",
    "knowledge_base:decide_proposal": "POST only",
    "wagtaildocs_serve": "a document download",
    "wagtaildocs_authenticate_with_password": "Kring puts no password on documents",
    "wagtailcore_authenticate_with_password": "Kring puts no password on pages",
    "wagtail_serve": "Wagtail's catch-all: one live page of every page type instead (WAGTAIL_SERVE)",
    "kennisbank_api:index": "the Wagtail API: JSON",
    "lessons:listing": "the Wagtail API: JSON",
    "lessons:detail": "the Wagtail API: JSON",
    "lessons:find": "the Wagtail API: JSON",
    "pilots:listing": "the Wagtail API: JSON",
    "pilots:detail": "the Wagtail API: JSON",
    "pilots:find": "the Wagtail API: JSON",
    "media/avatars/<path:path>": "uploaded images",
    "media/images/<path:path>": "uploaded images",
}

# Not walked at all: other people's admin interfaces (their own design, staff only).
SKIPPED_PREFIXES = {
    "django-admin/": "Django's admin",
    "cms/": "Wagtail's admin",
}

# Wagtail's page tree: who visits one live page of each type (the knowledge home is
# knowledge_base:home above).
WAGTAIL_SERVE: dict[str, tuple[str, ...]] = {
    "ThemePage": BOTH,
    "LessonIndexPage": ANON,
    "LessonPage": BOTH,
    "PilotIndexPage": ANON,
    "PilotPage": BOTH,
}


def fill(route: str, params: dict[str, Any]) -> str:
    """The path of a route with its parameters filled in: ``<conv:name>`` and regex ``(?P<name>…)``."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(params[m.group(1)]), route)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(params[m.group(1)]), route)


def key_of(route: str, name: str | None) -> str:
    return name if name and name != "None" else route


def patterns() -> list[tuple[str, str]]:
    """(route, key) of every pattern outside the skipped admin prefixes."""
    return [
        (route, key_of(route, name))
        for route, name, _module in walk(get_resolver().url_patterns)
        if not route.startswith(tuple(SKIPPED_PREFIXES))
    ]


def test_every_pattern_has_an_entry() -> None:
    """A URL pattern added anywhere must say how it is visited here, or why it is not a page."""
    keys = {key for _route, key in patterns()}
    missing = sorted(keys - set(PAGES) - set(NOT_PAGES))
    assert not missing, f"add these patterns to PAGES (how to fill, who visits) or NOT_PAGES (why not): {missing}"
    stale = sorted((set(PAGES) | set(NOT_PAGES)) - keys)
    assert not stale, f"these patterns are gone from the URL conf: {stale}"
    both = sorted(set(PAGES) & set(NOT_PAGES))
    assert not both, f"in PAGES and NOT_PAGES: {both}"


def test_the_budget_follows_static_imports_only() -> None:
    """The size budget counts what a page loads up front: static imports, not lazy ``import()``."""
    js = """import { toast } from "./ui.js";
import "./shell.js";
export { live } from './live/index.js';
const picker = () => import("./vendor/emoji-picker.js");
someone.import("./not-a-module.js");
"""
    assert STATIC_IMPORT.findall(js) == ["./ui.js", "./shell.js", "./live/index.js"]
    assert CSS_IMPORT.findall('@import url("tokens.css");\n@import "parts.css";') == ["tokens.css", "parts.css"]


# --- the demo world ----------------------------------------------------------------------------


def demo_world() -> Demo:
    """Load the demo (as ``make run`` does) and pick the objects the patterns need."""
    import io

    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from django.core.management import call_command
    from wagtail.models import Page

    from accounts.models import User
    from forum import services as forum_services
    from forum.models import Membership, Message, Role, Topic
    from mentoring.models import Participation, Relationship, Session

    call_command("seed_demo", stdout=io.StringIO())
    member = User.objects.get(email="sanne@kring.test")
    facilitator = User.objects.get(email="facilitator@kring.test")
    # The member's busiest topic in a community the facilitator runs, and one of her messages.
    managed = Membership.objects.filter(user=facilitator, role__in=[Role.FACILITATOR, Role.OWNER]).values("community")
    mine = Message.objects.filter(
        author=member, topic__room__community__in=managed, topic__room__community__visibility="open", is_hidden=False
    )
    message = mine.select_related("topic__room__community").order_by("-topic__message_count", "-pk").first()
    assert message is not None, "the demo has a message by sanne@kring.test in a facilitated community"
    topic: Topic = message.topic
    pair = Relationship.objects.filter(status="active", sessions__isnull=False).order_by("pk").distinct().first()
    assert pair is not None, "the demo has an active mentoring pair with a session"
    session = Session.objects.filter(relationship=pair).order_by("pk").first()
    participation = Participation.objects.filter(user=member).select_related("programme").first()
    assert participation is not None
    # An invitation for a second address of the member's: accepting it is a page of its own.
    invitation = forum_services.invite(
        actor=facilitator, community=topic.room.community, email=f"uitnodiging-{uuid.uuid4().hex[:6]}@kring.test"
    )
    address = EmailAddress.objects.filter(user=member).first()
    assert address is not None
    wagtail_pages: dict[str, Any] = {}
    for page in Page.objects.live().specific().order_by("path"):
        kind = type(page).__name__
        if kind in WAGTAIL_SERVE and kind not in wagtail_pages:
            wagtail_pages[kind] = page
    users = {
        "member": member,
        "facilitator": facilitator,
        "coordinator": User.objects.get(email="coordinator@kring.test"),
        "admin": User.objects.get(email="admin@kring.test"),
        "pair": pair.person_a,
    }
    return Demo(
        users=users,
        community=topic.room.community,
        room=topic.room,
        topic=topic,
        message=message,
        pair=pair,
        session=session,
        programme=participation.programme,
        invitation=invitation,
        reset_key={"uidb36": user_pk_to_url_str(member), "key": default_token_generator.make_token(member)},
        email_key=EmailConfirmationHMAC(address).key,
        wagtail_pages=wagtail_pages,
        direct=_direct_conversation(member, facilitator),
    )


def _direct_conversation(member: Any, facilitator: Any) -> Any:
    from forum import services as forum_services

    room = forum_services.open_conversation(actor=facilitator, others=[member])
    topic = room.topics.get()
    forum_services.post_message(actor=facilitator, topic=topic, body="Zullen we bellen?", client_id=uuid.uuid4())
    forum_services.post_message(actor=member, topic=topic, body="Ja, graag!", client_id=uuid.uuid4())
    forum_services.report_conversation(actor=member, room=room, reason="Een voorbeeld van een melding.")
    return room


def visits(demo: Demo) -> list[tuple[str, str, str, int]]:
    """(label, viewer, path, expected status) of every page visit."""
    out: list[tuple[str, str, str, int]] = []
    routes = {key: route for route, key in patterns()}
    for key, page in PAGES.items():
        path = fill(routes[key], page.params(demo)) + page.query
        out += [(key, viewer, path, page.status) for viewer in page.viewers]
    for kind, viewers in WAGTAIL_SERVE.items():
        found = demo.wagtail_pages.get(kind)
        assert found is not None, f"no live {kind} in the demo: the test cannot show one"
        out += [(f"wagtail:{kind}", viewer, urlparse(found.url).path, 200) for viewer in viewers]
    return out


# --- one page, measured --------------------------------------------------------------------------

STATIC_IMPORT = re.compile(
    r"""(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"'\n]+)["']""", re.MULTILINE
)
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]+)""")


@dataclass
class Result:
    label: str
    viewer: str
    width: int
    path: str
    expected_status: int = 200
    final_url: str = ""
    status: int = 0
    violations: list[str] = field(default_factory=list)
    overflow: str = ""
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    shipped_bytes: int = 0
    shipped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def problems(self) -> list[str]:
        out = [f"axe: {v}" for v in self.violations]
        if self.overflow:
            out.append(f"overflow: {self.overflow}")
        out += [f"console: {c}" for c in self.console]
        out += [f"failed request: {f}" for f in self.failed]
        if self.shipped_bytes > BUDGET_BYTES:
            out.append(f"JS+CSS {self.shipped_bytes:,} B gzip > {BUDGET_BYTES:,} ({', '.join(self.shipped)})")
        if self.status != self.expected_status and self.status >= 400:
            out.append(f"status {self.status}")
        return out


class Sizes:
    """gzip size of each static asset, fetched once through the browser context's request API."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[int, list[str]]] = {}

    def of(self, context: BrowserContext, url: str) -> tuple[int, list[str]]:
        if url not in self.cache:
            response = context.request.get(url)
            body = response.body() if response.ok else b""
            text = body.decode("utf-8", errors="replace")
            pattern = CSS_IMPORT if urlparse(url).path.endswith(".css") else STATIC_IMPORT
            imports = [urljoin(url, spec) for spec in pattern.findall(text) if spec.startswith((".", "/", "http"))]
            self.cache[url] = (len(gzip.compress(body, compresslevel=9)), imports)
        return self.cache[url]

    def shipped(self, context: BrowserContext, roots: list[str]) -> tuple[int, list[str]]:
        seen: set[str] = set()
        todo = list(roots)
        total = 0
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            size, imports = self.of(context, url)
            total += size
            todo += imports
        return total, sorted(urlparse(u).path.rsplit("/", 1)[-1] for u in seen)


ROOTS_JS = """() => [
  ...Array.from(document.querySelectorAll('script[src]'), (el) => el.src),
  ...Array.from(document.querySelectorAll('link[rel~="stylesheet"][href], link[rel="modulepreload"][href]'),
                (el) => el.href),
]"""

OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const scroll = document.documentElement.scrollWidth;
  if (scroll <= width) return "";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + Array.from(el.classList).slice(0, 2).join('.') : '');
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      let parent = el.parentElement, inner = false;
      while (parent) { if (wide.includes(parent)) { inner = true; break; } parent = parent.parentElement; }
      if (!inner) wide.push(el);
    }
  }
  if (!wide.length) {
    // Text that overflows its box (a long word, a <pre>): the innermost boxes whose content is wider.
    const spill = Array.from(document.body.querySelectorAll('*')).filter(
      (el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible');
    wide.push(...spill.filter((el) => !spill.some((other) => other !== el && el.contains(other))));
    return `scrollWidth ${scroll} > ${width}: content wider than its box in ` +
      wide.slice(0, 4).map((el) => `${name(el)} (${el.scrollWidth} > ${el.clientWidth})`).join(', ');
  }
  return `scrollWidth ${scroll} > ${width}: ` +
    wide.slice(0, 4).map((el) => `${name(el)} (right ${Math.round(el.getBoundingClientRect().right)})`).join(', ');
}"""


def measure(page: Page, context: BrowserContext, base: str, sizes: Sizes, result: Result) -> None:
    console: list[str] = []
    failed: list[str] = []

    def on_console(message: Any) -> None:
        expected = f"status of {result.expected_status}" in message.text and result.expected_status >= 400
        if message.type == "error" and not expected:
            console.append(message.text[:200])

    def on_response(response: Any) -> None:
        document = response.request.is_navigation_request() and response.status == result.expected_status
        if response.status >= 400 and not document:
            failed.append(f"{response.status} {response.url.removeprefix(base)}")

    def on_failed(request: Any) -> None:
        # Chromium itself sometimes cancels the favicon fetch (net::ERR_ABORTED) while the page
        # is measured; that is the browser's choice, not a request the page failed. A favicon
        # that is missing answers 404 and is caught by on_response.
        if "ERR_ABORTED" in str(request.failure) and request.url.endswith(("favicon.svg", "favicon.ico")):
            return
        failed.append(f"{request.failure} {request.url.removeprefix(base)}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.append(f"uncaught: {str(error)[:200]}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    started = time.monotonic()
    try:
        response = page.goto(base + result.path, wait_until="load")
        result.status = response.status if response else 0
        result.final_url = page.url.removeprefix(base)
        # Let the page's modules start (sockets, counts, relative times), as a member would see it.
        page.wait_for_load_state("networkidle", timeout=3_000)
    except Exception as exc:  # a page that never settles is reported, not fatal
        if "Timeout" not in type(exc).__name__:
            raise
    axe = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    for violation in axe.response["violations"]:
        targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        result.violations.append(f"{violation['id']} ({violation['impact']}) x{len(violation['nodes'])}: {targets}")
    result.overflow = page.evaluate(OVERFLOW_JS)
    roots = [url for url in page.evaluate(ROOTS_JS) if url.startswith(base)]
    result.shipped_bytes, result.shipped = sizes.shipped(context, roots)
    result.console = console
    result.failed = failed
    result.seconds = round(time.monotonic() - started, 2)
    page.remove_listener("console", on_console)
    page.remove_listener("response", on_response)
    page.remove_listener("requestfailed", on_failed)


# --- the test ----------------------------------------------------------------------------------


@pytest.fixture
def contexts(browser: Browser, asgi_live_server: str) -> Iterator[dict[tuple[str, int], BrowserContext]]:
    made: dict[tuple[str, int], BrowserContext] = {}
    yield made
    for context in made.values():
        context.close()


@pytest.mark.django_db(transaction=True)
def test_every_page(
    browser: Browser, asgi_live_server: str, contexts: dict[tuple[str, int], BrowserContext], settings: Any
) -> None:
    from django.conf import settings as django_settings

    settings.SITE_URL = asgi_live_server  # the CSP's WebSocket origin follows SITE_URL
    started = time.monotonic()
    # In a thread of its own: the demo's posts announce themselves after commit with async_to_sync,
    # which cannot run in this thread while Playwright's event loop lives here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        demo = pool.submit(demo_world).result()
    seeded = time.monotonic() - started
    sizes = Sizes()
    pages: dict[tuple[str, int], Page] = {}

    def page_for(viewer: str, width: int) -> tuple[Page, BrowserContext]:
        if (viewer, width) not in contexts:
            context = browser.new_context(
                base_url=asgi_live_server, locale="nl-NL", viewport={"width": width, "height": HEIGHT[width]}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            if viewer != "anonymous":
                # Through the login form: a fresh login, so the account pages that ask for a
                # recent one (two factors, passkeys) show themselves instead of "log in again".
                page.goto(f"{asgi_live_server}/accounts/login/")
                page.locator("#id_login").fill(demo.users[viewer].email)
                page.locator("#id_password").fill(django_settings.KRING_DEMO_PASSWORD)
                with page.expect_navigation():
                    page.locator("main form button[type=submit]").first.click()
                assert "/accounts/login/" not in page.url, f"{viewer} could not log in"
            contexts[(viewer, width)] = context
            pages[(viewer, width)] = page
        return pages[(viewer, width)], contexts[(viewer, width)]

    results: list[Result] = []
    for label, viewer, path, status in visits(demo):
        for width in WIDTHS:
            page, context = page_for(viewer, width)
            result = Result(label=label, viewer=viewer, width=width, path=path, expected_status=status)
            measure(page, context, asgi_live_server, sizes, result)
            results.append(result)
    elapsed = time.monotonic() - started
    report(results, seeded, elapsed)
    bad = [r for r in results if r.problems()]
    lines = [f"{r.label} as {r.viewer} at {r.width} px ({r.path}): " + "; ".join(r.problems()) for r in bad]
    assert not bad, f"{len(bad)} of {len(results)} page runs have problems:\n" + "\n".join(lines)


def report(results: list[Result], seeded: float, elapsed: float) -> None:
    runs = len(results)
    biggest = max(results, key=lambda r: r.shipped_bytes)
    print(
        f"\nevery page: {runs} page runs ({len({(r.label, r.viewer) for r in results})} pages x viewers, "
        f"{len(WIDTHS)} widths) in {elapsed:.0f} s (demo loaded in {seeded:.0f} s); "
        f"most JS+CSS: {biggest.shipped_bytes:,} B gzip on {biggest.label}"
    )
    for r in results:
        mark = "FAIL" if r.problems() else "ok  "
        print(
            f"  {mark} {r.width:>4} {r.viewer:<11} {r.label:<40} {r.shipped_bytes:>7,} B {r.seconds:>5.1f} s {r.final_url}"
        )
        for problem in r.problems():
            print(f"         {problem}")
    if target := os.environ.get("KRING_EVERY_PAGE_REPORT"):
        rows = [{**r.__dict__, "problems": r.problems()} for r in results]
        with open(target, "w") as f:
            json.dump({"elapsed_s": round(elapsed, 1), "seed_s": round(seeded, 1), "runs": rows}, f, indent=1)
