"""Monitoring pages: thin views that parse, call a selector or service, and render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from core.errors import Conflict, Forbidden, Invalid, KringError
from core.http import add_to_form
from forum.models import Community, Topic
from knowledge_base.models import LessonPage
from mentoring.models import Relationship
from monitoring import charts, exports, permissions, selectors, services
from monitoring.forms import OptOutForm, RangeForm, ScanForm, StoryForm
from monitoring.models import Cycle, NetworkOptOut, ScanAnswer, ScanRound, ValueStory

STORIES_PER_PAGE = 20
EVIDENCE_CHOICES = 50


def _community(actor: Actor, slug: str) -> Community:
    found = Community.objects.filter(slug=slug, is_system=False).first()
    if found is None:
        raise Http404
    return found


def _monitored(request: HttpRequest, slug: str) -> tuple[Actor, Community]:
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    if not permissions.can_monitor(actor, community):
        raise PermissionDenied
    return actor, community


def _range(request: HttpRequest) -> tuple[RangeForm, dt.date, dt.date]:
    start, end = selectors.default_range()
    form = RangeForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    _actor, community = _monitored(request, slug)
    form, start, end = _range(request)
    board = selectors.dashboard(community=community, start=start, end=end)
    weeks = [w.start.strftime("%d-%m") for w in board.weeks]
    context = {
        "community": community,
        "form": form,
        "board": board,
        "week_labels": weeks,
        "group_tables": list(
            zip(
                [_("Role"), _("Organisation"), _("Sector")],
                [board.by_role, board.by_organisation, board.by_sector],
                board.hidden_groups,
                strict=True,
            )
        ),
        "activity_chart": charts.bar_chart(
            _("Messages per week"), [(w, x.messages) for w, x in zip(weeks, board.weeks, strict=True)]
        ),
        "active_chart": charts.bar_chart(
            _("Active members per week"), [(w, x.active) for w, x in zip(weeks, board.weeks, strict=True)]
        ),
        "query": request.GET.urlencode() if form.is_valid() else "",
    }
    return render(request, "monitoring/dashboard.html", context, status=400 if form.errors else 200)


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _actor, community = _monitored(request, slug)
    _form, start, end = _range(request)
    board = selectors.dashboard(community=community, start=start, end=end)
    return _download(exports.dashboard_csv(board), "text/csv; charset=utf-8", f"{community.slug}-{start}-{end}.csv")


@login_required
def network_graphml(request: HttpRequest, slug: str) -> HttpResponse:
    _actor, community = _monitored(request, slug)
    _form, start, end = _range(request)
    net = exports.network(community=community, start=start, end=end)
    return _download(exports.network_graphml(net), "application/graphml+xml", f"{community.slug}-netwerk.graphml")


@login_required
def network_csv(request: HttpRequest, slug: str) -> HttpResponse:
    _actor, community = _monitored(request, slug)
    _form, start, end = _range(request)
    net = exports.network(community=community, start=start, end=end)
    return _download(exports.network_csv(net), "text/csv; charset=utf-8", f"{community.slug}-netwerk.csv")


# --- the quick scan ----------------------------------------------------------------------------------


@login_required
def scan(request: HttpRequest, slug: str) -> HttpResponse:
    """Members answer the open round; facilitators open and close rounds and see the results."""
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    may_monitor = permissions.can_monitor(actor, community)
    may_answer = permissions.can_take_part(actor, community)
    if not may_monitor and not may_answer:
        raise PermissionDenied
    open_round = ScanRound.objects.filter(community=community, closed_at__isnull=True).first()
    mine = {}
    if open_round is not None and may_answer:
        mine = dict(ScanAnswer.objects.filter(round=open_round, user=actor.member).values_list("statement", "score"))
    form = ScanForm(request.POST or None, initial=mine) if open_round is not None and may_answer else None
    status = 200
    if request.method == "POST":
        if form is None or open_round is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.answer_scan(actor=actor, scan_round=open_round, scores=form.scores())
            except (Invalid, Conflict) as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request, _("Thank you: your answers are saved. You can change them while the scan is open.")
                )
                return redirect("monitoring:scan", slug=community.slug)
        status = 400
    results = selectors.scan_results(community=community) if may_monitor else None
    context = {
        "community": community,
        "open_round": open_round,
        "form": form,
        "answered": bool(mine),
        "results": results,
        "may_monitor": may_monitor,
        "chart": _scan_chart(results) if results else None,
    }
    return render(request, "monitoring/scan.html", context, status=status)


def _scan_chart(results: selectors.ScanResults) -> charts.Chart | None:
    if not results.rounds:
        return None
    latest = len(results.rounds) - 1
    return charts.bar_chart(
        _("Mean score per success factor in the latest round"),
        [(f.label, f.means[latest]) for f in results.factors],
        maximum=5,
    )


@login_required
@require_POST
def scan_action(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    try:
        if request.POST.get("action") == "open":
            services.open_scan_round(actor=actor, community=community)
            messages.success(request, _("The quick scan is open: members can answer it now."))
        elif request.POST.get("action") == "close":
            found = ScanRound.objects.filter(community=community, closed_at__isnull=True).first()
            if found is None:
                raise Conflict(_("There is no open quick scan."), code="scan_none_open")
            services.close_scan_round(actor=actor, scan_round=found)
            messages.success(request, _("The quick scan is closed."))
        else:
            raise Invalid(_("Unknown action."))
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except KringError as error:
        messages.error(request, error.message)
    return redirect("monitoring:scan", slug=community.slug)


# --- value-creation stories --------------------------------------------------------------------------


def _story_form(request: HttpRequest, actor: Actor, community: Community) -> StoryForm:
    user_id = actor.member_id
    topics = Topic.objects.filter(
        room__community=community, room__kind="community", room__is_restricted=False
    ).order_by("-last_message_at", "-pk")
    recent = list(topics.values_list("pk", flat=True)[:EVIDENCE_CHOICES])
    lessons = LessonPage.objects.live().public().order_by("-first_published_at")
    lesson_ids = list(lessons.values_list("pk", flat=True)[:EVIDENCE_CHOICES])
    pairs = Relationship.objects.filter(Q(person_a_id=user_id) | Q(person_b_id=user_id))
    return StoryForm(
        request.POST or None,
        topics=Topic.objects.filter(pk__in=recent).order_by("-last_message_at", "-pk"),
        lessons=LessonPage.objects.filter(pk__in=lesson_ids).order_by("title"),
        relationships=pairs.order_by("-created_at"),
    )


@login_required
def stories(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    may_monitor = permissions.can_monitor(actor, community)
    may_tell = permissions.can_take_part(actor, community)
    if not may_monitor and not may_tell:
        raise PermissionDenied
    form = _story_form(request, actor, community) if may_tell else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.tell_story(
                    actor=actor,
                    community=community,
                    cycle=data["cycle"],
                    title=data["title"],
                    story=data["story"],
                    topic=data.get("topic"),
                    lesson=data.get("lesson"),
                    relationship=data.get("relationship"),
                )
            except (Invalid, Conflict) as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Thank you for your story."))
                return redirect("monitoring:stories", slug=community.slug)
        status = 400
    cycle = request.GET.get("cycle", "")
    if cycle not in Cycle.values:
        cycle = ""
    shown = ValueStory.objects.filter(community=community).select_related(
        "author__profile", "topic", "lesson", "proposed_lesson"
    )
    if not may_monitor:
        shown = shown.filter(author=actor.member)
    if cycle:
        shown = shown.filter(cycle=cycle)
    page = Paginator(shown, STORIES_PER_PAGE).get_page(request.GET.get("page"))
    counts = selectors.story_counts(community=community) if may_monitor else {}
    context = {
        "community": community,
        "form": form,
        "page": page,
        "cycle": cycle,
        "cycles": [(value, label, counts.get(value, 0)) for value, label in Cycle.choices],
        "may_monitor": may_monitor,
    }
    return render(request, "monitoring/stories.html", context, status=status)


@login_required
@require_POST
def story_propose(request: HttpRequest, slug: str, story_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    if not permissions.can_monitor(actor, community):
        raise PermissionDenied
    story = get_object_or_404(ValueStory, pk=story_id, community=community)
    try:
        lesson = services.propose_story_as_lesson(actor=actor, story=story)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except KringError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A draft lesson “%(title)s” is ready for the editors.") % {"title": lesson.title})
    return redirect("monitoring:stories", slug=community.slug)


# --- national overview and the member's setting -------------------------------------------------------


@login_required
def national(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    if not permissions.can_see_national(actor):
        raise PermissionDenied
    overview = selectors.national()
    context = {
        "overview": overview,
        "tables": [
            (_("Kind"), overview.by_kind),
            (_("Sector"), overview.by_sector),
            (_("Province"), overview.by_province),
        ],
        "kind_chart": charts.bar_chart(_("Communities by kind"), [(r.label, r.communities) for r in overview.by_kind]),
        "province_chart": charts.bar_chart(
            _("Communities by province"), [(r.label, r.communities) for r in overview.by_province]
        ),
    }
    return render(request, "monitoring/national.html", context)


@login_required
def network_setting(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    current = NetworkOptOut.objects.filter(user=actor.member).exists()
    form = OptOutForm(request.POST if request.method == "POST" else None, initial={"opt_out": current})
    if request.method == "POST" and form.is_valid():
        services.set_network_opt_out(actor=actor, opt_out=form.cleaned_data["opt_out"])
        messages.success(request, _("Your choice is saved."))
        return redirect("monitoring:network_setting")
    return render(request, "monitoring/network_setting.html", {"form": form}, status=400 if form.errors else 200)
