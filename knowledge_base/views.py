"""Thin views: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import KringError
from forum.errors import Forbidden
from forum.models import Message, Topic
from knowledge_base import permissions, selectors, services
from knowledge_base.forms import ProposalForm
from knowledge_base.models import LessonIndexPage, LessonPage, LessonProposal, ProposalStatus, ThemePage


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # PostgreSQL refuses NUL in a query and "²".isdigit() is true but int("²") fails: both were 500s.
    query = request.GET.get("q", "").replace("\x00", "")
    selected = selectors.clean_selection(request.GET)
    page = request.GET.get("page", "1")
    result = selectors.search_knowledge(
        query=query,
        selected=selected,
        page=int(page) if page.isdecimal() else 1,
        sort=request.GET.get("sort", "relevance"),
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "knowledge_base/search.html",
        {
            "result": result,
            "facet_keys": selectors.FACET_KEYS,
            "base_query": params.urlencode(),
            "sorts": selectors.SORTS,
        },
    )


def lesson_index(request: HttpRequest, page: LessonIndexPage) -> TemplateResponse:
    """The lessons index: every live lesson as a card with its image, narrowed by facets (theme, sector, region,
    community kind, …), sorted and paginated; the same selector as the search page, for lessons only."""
    query = request.GET.get("q", "").replace("\x00", "")
    selected = selectors.clean_selection(request.GET)
    selected["type"] = ["lesson"]
    number = request.GET.get("page", "1")
    result = selectors.search_knowledge(
        query=query,
        selected=selected,
        page=int(number) if number.isdecimal() else 1,
        per_page=selectors.INDEX_PER_PAGE,
        sort=request.GET.get("sort", "title"),
    )
    result.facets = [facet for facet in result.facets if facet.key != "type"]
    params = request.GET.copy()
    params.pop("page", None)
    context = page.get_context(request)
    context.update(result=result, base_query=params.urlencode(), sorts=selectors.SORTS)
    return TemplateResponse(request, page.get_template(request), context)


@login_required
@require_http_methods(["GET", "POST"])
def promote_topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = get_object_or_404(Topic.objects.select_related("room__community"), pk=topic_id)
    community = topic.room.community
    if not permissions.can_promote(actor=request.user, topic=topic):
        if not permissions.can_propose(actor=request.user, topic=topic):
            raise Http404
        return _propose(request, topic)
    existing = services.draft_lesson_for_topic(topic=topic)
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("message") if v.isdigit()]
        try:
            lesson = services.promote_topic_to_lesson(actor=request.user, topic=topic, message_ids=ids)  # type: ignore[arg-type]
        except services.PromotionError as error:
            messages.error(request, error.message)
            return redirect(topic.get_absolute_url())
        if lesson.permissions_for_user(request.user).can_edit():
            messages.success(
                request, _("A draft lesson was made from this topic. Fill it in and submit it for review.")
            )
            return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
        messages.success(request, _("A draft lesson was made from this topic. The editors will take it from here."))
        return redirect(topic.get_absolute_url())
    recent = list(
        Message.objects.filter(topic=topic, deleted_at__isnull=True, is_hidden=False)
        .select_related("author__profile")
        .order_by("seq")[: services.MAX_DIGEST_MESSAGES]
    )
    return render(
        request,
        "knowledge_base/promote_topic.html",
        {"topic": topic, "community": community, "topic_messages": recent, "existing": existing},
    )


@login_required
@require_POST
def discuss(request: HttpRequest, page_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage.objects.live().public(), pk=page_id)
    try:
        topic = services.ensure_discussion_topic(actor=request.user, lesson=lesson)  # type: ignore[arg-type]
    except Forbidden:
        room = services.discussion_room(lesson)
        messages.info(request, _("Join %(community)s to start the discussion.") % {"community": room.community.name})
        return redirect(room.community.get_absolute_url())
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def follow_theme(request: HttpRequest, page_id: int) -> HttpResponse:
    """Follow (``follow=1``) or unfollow (``follow=0``) a theme; back to the theme's page."""
    theme = get_object_or_404(ThemePage.objects.live().public(), pk=page_id)
    if request.POST.get("follow") == "0":
        services.unfollow_theme(actor=request.user, theme=theme)  # type: ignore[arg-type]
        messages.success(request, _("You no longer follow %(theme)s.") % {"theme": theme.title})
    else:
        services.follow_theme(actor=request.user, theme=theme)  # type: ignore[arg-type]
        messages.success(
            request, _("You follow %(theme)s: you hear of each new lesson on it.") % {"theme": theme.title}
        )
    return redirect(theme.url or "knowledge_base:home")


def _propose(request: HttpRequest, topic: Topic) -> HttpResponse:
    """A member proposes the conversation as a lesson; a facilitator or an editor decides."""
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_topic_as_lesson(actor=request.user, topic=topic, note=form.cleaned_data["note"])  # type: ignore[arg-type]
        except KringError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you. A facilitator or an editor will look at your proposal."))
        return redirect(topic.get_absolute_url())
    pending = LessonProposal.objects.filter(topic=topic, status=ProposalStatus.PENDING).exists()
    return render(request, "knowledge_base/propose_topic.html", {"topic": topic, "form": form, "pending": pending})


@login_required
@require_GET
def proposals(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("page", "1")
    page = int(number) if number.isdecimal() else 1
    rows, has_next = selectors.open_proposals(user=request.user, page=page)
    return render(request, "knowledge_base/proposals.html", {"proposals": rows, "page": page, "has_next": has_next})


@login_required
@require_POST
def decide_proposal(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = get_object_or_404(LessonProposal.objects.select_related("topic__room__community"), pk=proposal_id)
    if not permissions.can_decide(actor=request.user, proposal=proposal):
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        proposal = services.decide_proposal(actor=request.user, proposal=proposal, accept=accept)  # type: ignore[arg-type]
    except KringError as error:
        messages.error(request, error.message)
        return redirect("knowledge_base:proposals")
    if accept and proposal.lesson is not None and proposal.lesson.permissions_for_user(request.user).can_edit():
        messages.success(request, _("A draft lesson was made from this topic. Fill it in and submit it for review."))
        return HttpResponseRedirect(reverse("wagtailadmin_pages:edit", args=[proposal.lesson.pk]))
    messages.success(request, _("The proposal was accepted.") if accept else _("The proposal was declined."))
    return redirect("knowledge_base:proposals")
