"""Writes for the knowledge base: the page tree and (from the forum) drafts of lessons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext
from wagtail.models import Page, Site

from accounts import sites
from accounts.models import User
from core.errors import Conflict, Forbidden
from forum import services as forum_services
from forum.models import Message, Room, Topic
from knowledge_base.models import (
    KnowledgeHomePage,
    LessonIndexPage,
    LessonPage,
    LessonProposal,
    PilotIndexPage,
    ProposalStatus,
    ThemeFollow,
    ThemePage,
)
from knowledge_base.permissions import can_decide, can_follow_theme, can_promote, can_propose
from knowledge_base.selectors import lesson_followers
from notifications import services as notifications
from notifications.models import NotificationKind

HOME_SLUG = "kennisbank"
LESSONS_SLUG = "lessen"
PILOTS_SLUG = "pilots"


@dataclass(frozen=True)
class KnowledgeTree:
    home: KnowledgeHomePage
    lessons: LessonIndexPage
    pilots: PilotIndexPage


def _publish_new(parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def ensure_knowledge_tree() -> KnowledgeTree:
    """The knowledge home (the default Site's root, so it is served at /kennisbank/) and its two indexes.

    Idempotent: pages that exist are left alone (and not re-published).
    """
    home = KnowledgeHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = KnowledgeHomePage(
            title="Kennisbank",
            slug=HOME_SLUG,
            intro=(
                "<p>Lessen uit pilots en goede praktijken van learning communities: wat werkt, waarom, hoe je "
                "het aanpakt en waaraan je ziet dat het lukt.</p>"
            ),
        )
        _publish_new(root, home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        # From SITE_URL, like accounts.sites.sync_sites: page URLs (the API's html_url too) name the site's address.
        Site.objects.create(
            hostname=sites.site_hostname(),
            port=sites.site_port(),
            root_page=home,
            is_default_site=True,
            site_name=settings.SITE_NAME,
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or "Kring"
        site.save()

    lessons = LessonIndexPage.objects.child_of(home).first()
    if lessons is None:
        lessons = LessonIndexPage(
            title="Lessen",
            slug=LESSONS_SLUG,
            intro="<p>Lessen en tips in de vorm Waarom, Hoe en Waartoe.</p>",
        )
        _publish_new(home, lessons)
    pilots = PilotIndexPage.objects.child_of(home).first()
    if pilots is None:
        pilots = PilotIndexPage(
            title="Pilots",
            slug=PILOTS_SLUG,
            intro="<p>De pilots van de investeringsagenda van de topsectoren.</p>",
        )
        _publish_new(home, pilots)
    return KnowledgeTree(home=home, lessons=lessons.specific, pilots=pilots.specific)


# --- From conversation to knowledge, and back ---------------------------------------------------------------------


class PromotionError(Forbidden):
    """The actor may not promote this topic (a ``core.errors.Forbidden``: 403 where it escapes a view)."""

    code = "promotion_forbidden"


MAX_DIGEST_MESSAGES = 50


def _digest_html(messages: list[Message]) -> str:
    items = []
    for message in messages:
        author = escape(message.author.display_name if message.author else gettext("Former member"))
        when = timezone.localtime(message.created_at).strftime("%d-%m-%Y %H:%M")
        body = escape(" ".join(message.body.split()))
        items.append(f"<li><b>{author}</b> ({when}): {body}</li>")
    return "<ul>" + "".join(items) + "</ul>" if items else ""


def draft_lesson_for_topic(*, topic: Topic) -> LessonPage | None:
    return LessonPage.objects.filter(origin_topic=topic).order_by("pk").first()


@transaction.atomic
def promote_topic_to_lesson(*, actor: User, topic: Topic, message_ids: Iterable[int] | None = None) -> LessonPage:
    """A draft lesson from a forum topic: its title, a digest of the selected messages with their authors,
    and links back (origin topic and community; the topic also becomes the lesson's discussion).

    Only facilitators of the topic's community (and platform admins) may promote. Promoting a topic
    again returns the lesson that already came from it.
    """
    community = topic.room.community
    if not can_promote(actor=actor, topic=topic):
        raise PromotionError(
            gettext("Only facilitators of this community and editors can promote a topic to a lesson.")
        )
    existing = draft_lesson_for_topic(topic=topic)
    if existing is not None:
        return existing
    messages = Message.objects.filter(topic=topic, deleted_at__isnull=True, is_hidden=False)
    if message_ids is not None:
        messages = messages.filter(pk__in=list(message_ids))
    selected = list(messages.select_related("author__profile").order_by("seq")[:MAX_DIGEST_MESSAGES])
    tree = ensure_knowledge_tree()
    intro = gettext("Promoted from the conversation “%(topic)s” in %(community)s.") % {
        "topic": topic.title,
        "community": community.name,
    }
    lesson = LessonPage(
        title=topic.title,
        slug=_free_slug(tree.lessons, slugify(topic.title)[:60] or "les"),
        live=False,
        owner=actor,
        intro=f"<p>{escape(intro)}</p>",
        conversation_digest=_digest_html(selected),
        origin_topic=topic,
        origin_community=community,
        discussion_topic=topic,
    )
    tree.lessons.add_child(instance=lesson)
    lesson.save_revision(user=actor, log_action=True)
    return lesson


def _free_slug(parent: Page, base: str) -> str:
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def discussion_room(lesson: LessonPage) -> Room:
    if lesson.origin_topic_id:
        return lesson.origin_topic.room
    if lesson.origin_community_id:
        room = (
            Room.objects.filter(community_id=lesson.origin_community_id, is_archived=False, is_restricted=False)
            .order_by("pk")
            .first()
        )
        if room is not None:
            return room
    return forum_services.ensure_knowledge_room()


@transaction.atomic
def ensure_discussion_topic(*, actor: User, lesson: LessonPage) -> Topic:
    """The topic where a published lesson is discussed; started by actor when it does not exist yet.

    Raises forum.errors.Forbidden when actor may not start a topic there (e.g. not a member).
    """
    lesson = LessonPage.objects.select_for_update().get(pk=lesson.pk)
    if lesson.discussion_topic_id:
        return lesson.discussion_topic
    room = discussion_room(lesson)
    title = gettext("Discussion: %(title)s") % {"title": lesson.title}
    topic = forum_services.create_topic(actor=actor, room=room, title=title[:160])
    # Only the pointer changes; the page's content and revisions stay as they are.
    LessonPage.objects.filter(pk=lesson.pk).update(discussion_topic=topic)
    return topic


# --- Members propose, facilitators and editors decide -------------------------------------------------------------


@transaction.atomic
def propose_topic_as_lesson(*, actor: User, topic: Topic, note: str = "") -> LessonProposal:
    """A member who can read the conversation proposes it as a lesson. An open proposal for the same topic is
    returned as it is (one per topic); a topic that already became a lesson cannot be proposed again."""
    if not can_propose(actor=actor, topic=topic):
        raise Forbidden(gettext("You can only propose a conversation you take part in."))
    if draft_lesson_for_topic(topic=topic) is not None:
        raise Conflict(gettext("A lesson has already been made from this conversation."))
    existing = LessonProposal.objects.filter(topic=topic, status=ProposalStatus.PENDING).first()
    if existing is not None:
        return existing
    return LessonProposal.objects.create(topic=topic, proposer=actor, note=note.strip()[:1000])


@transaction.atomic
def decide_proposal(*, actor: User, proposal: LessonProposal, accept: bool) -> LessonProposal:
    """Accept (the draft lesson is made from the whole conversation, owned by the one who accepts) or decline."""
    proposal = LessonProposal.objects.select_for_update().select_related("topic__room__community").get(pk=proposal.pk)
    if not can_decide(actor=actor, proposal=proposal):
        raise Forbidden(gettext("Only facilitators of this community and editors decide on proposals."))
    if proposal.status != ProposalStatus.PENDING:
        raise Conflict(gettext("This proposal has already been decided."))
    if accept:
        proposal.lesson = promote_topic_to_lesson(actor=actor, topic=proposal.topic)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["lesson", "status", "decided_by", "decided_at"])
    return proposal


# --- Following a theme ------------------------------------------------------------------------


@transaction.atomic
def follow_theme(*, actor: User, theme: ThemePage) -> ThemeFollow:
    """Follow ``theme``: a notification (kind ``lesson``, as the member's preferences say) for each
    lesson published on it from now on. Following twice is one follow (``kb_follow_theme_once``)."""
    if not can_follow_theme(actor=actor, theme=theme):
        raise Forbidden(gettext("You cannot follow this theme."))
    follow, _created = ThemeFollow.objects.get_or_create(user=actor, theme=theme)
    return follow


@transaction.atomic
def unfollow_theme(*, actor: User, theme: ThemePage) -> None:
    if not actor.is_authenticated:
        raise Forbidden(gettext("You cannot follow this theme."))
    ThemeFollow.objects.filter(user=actor, theme=theme).delete()


def lesson_ref(lesson: LessonPage) -> str:
    return f"knowledge_base:lesson:{lesson.pk}"


@transaction.atomic
def announce_lesson(*, lesson: LessonPage) -> set[int]:
    """Tell the followers of a published lesson's themes, once per member per lesson (a lesson
    published again, or given another theme later, tells only those not told yet). Called when
    Wagtail publishes a lesson (``page_published``, see ``apps.py``); the channels are each member's
    choice for the kind ``lesson`` (``notifications.preferences``). Returns who was told in the app."""
    lesson = LessonPage.objects.live().public().filter(pk=lesson.pk).first()
    if lesson is None:
        return set()
    ref = lesson_ref(lesson)
    followers = lesson_followers(lesson=lesson, ref=ref)
    told: set[int] = set()
    by_theme: dict[int, list[int]] = {}
    themes: dict[int, ThemePage] = {}
    for user_id, theme in followers.items():
        by_theme.setdefault(theme.pk, []).append(user_id)
        themes[theme.pk] = theme
    for theme_id, user_ids in by_theme.items():
        theme = themes[theme_id]
        params = {"lesson": lesson.title, "theme": theme.title}
        told |= notifications.notify(
            recipients=user_ids,
            kind=NotificationKind.LESSON,
            text=gettext("New lesson on “%(theme)s”: %(lesson)s") % params,
            url=lesson.url or "",
            ref=ref,
            params=params,
        )
    return told
