"""Meetings' pages: thin views that parse, call a selector or service, and render.

A ``Forbidden`` or ``NotFound`` from a service escapes to ``core.http.KringErrorMiddleware`` (403/404);
``Invalid`` and ``Conflict`` show beside the form's field, or as a message after a button.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from core.errors import Conflict, Invalid, KringError
from core.http import add_to_form
from forum import permissions as forum_permissions
from forum.models import Community, Message, Room, RoomKind
from meetings import calendar, permissions, selectors, services
from meetings.forms import (
    ACTION_ROWS,
    AgendaItemForm,
    AgendaMessageForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    MoveForm,
    TablesForm,
)
from meetings.models import AgendaItem, Answer, Meeting
from meetings.services import MAX_ACTION_ITEMS

PER_PAGE = 20
FEED_SESSION_KEY = "meetings_feed_token"


def _community(actor: Actor, slug: str) -> Community:
    community = Community.objects.filter(slug=slug, is_system=False).first()
    if community is None or not permissions.can_see_meetings(actor, community):
        raise Http404
    return community


def _meeting(request: HttpRequest, pk: int) -> tuple[Actor, Meeting]:
    actor = Actor(user=request.user)
    return actor, selectors.meeting_for(actor=actor, meeting_id=pk)


def _managed(request: HttpRequest, pk: int) -> tuple[Actor, Meeting]:
    actor, meeting = _meeting(request, pk)
    if not permissions.can_manage(actor, meeting.community):
        raise PermissionDenied
    return actor, meeting


def _rooms(community: Community) -> QuerySet[Room]:
    return Room.objects.filter(community=community, kind=RoomKind.COMMUNITY, is_archived=False).order_by("name")


# --- lists ---------------------------------------------------------------------------------------


@login_required
def community_meetings(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    past = request.GET.get("when") == "past"
    page = Paginator(selectors.community_meetings(community=community, past=past), PER_PAGE).get_page(
        request.GET.get("page")
    )
    answers = selectors.my_answers(user=actor.member, meeting_ids=[m.pk for m in page])
    context = {
        "community": community,
        "page": page,
        "past": past,
        "rows": [(m, answers.get(m.pk)) for m in page],
        "may_manage": permissions.can_manage(actor, community),
        "answer_labels": dict(Answer.choices),
    }
    return render(request, "meetings/community.html", context)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The member's upcoming meetings, and their calendar feed (made, renewed or stopped here)."""
    actor = Actor(user=request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset":
            token = services.reset_feed_token(actor=actor)
            request.session[FEED_SESSION_KEY] = token
            messages.success(request, _("Your calendar link is ready. Copy it now: it is shown only once."))
        elif action == "stop":
            services.stop_feed(actor=actor)
            messages.success(request, _("Your calendar link no longer works."))
        return redirect("meetings:mine")
    page = Paginator(selectors.my_upcoming(user=actor.member), PER_PAGE).get_page(request.GET.get("page"))
    answers = selectors.my_answers(user=actor.member, meeting_ids=[m.pk for m in page])
    token = request.session.pop(FEED_SESSION_KEY, None)
    feed_url = request.build_absolute_uri(f"/bijeenkomsten/agenda/{token}.ics") if token else ""
    context = {
        "page": page,
        "rows": [(m, answers.get(m.pk)) for m in page],
        "answer_labels": dict(Answer.choices),
        "feed_url": feed_url,
        "has_feed": selectors.has_feed(user=actor.member),
    }
    return render(request, "meetings/mine.html", context)


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal calendar feed: the secret in the address is the credential (no login)."""
    user = selectors.feed_user(token_hash=services.hash_token(token))
    if user is None:
        raise Http404
    response = HttpResponse(calendar.feed_ics(selectors.feed_meetings(user=user)), content_type=calendar.MIMETYPE)
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- one meeting ---------------------------------------------------------------------------------


def _meeting_context(request: HttpRequest, actor: Actor, meeting: Meeting, **forms: object) -> dict[str, object]:
    page = selectors.meeting_page(actor=actor, meeting=meeting, going_page=request.GET.get("komen"))
    may_take_part = permissions.can_take_part(actor, meeting.community)
    return {
        "community": meeting.community,
        "meeting": meeting,
        "view": page,
        "may_take_part": may_take_part,
        "may_manage": permissions.can_manage(actor, meeting.community),
        "is_over": meeting.ends_at <= timezone.now(),
        "answers": [
            (Answer.GOING, _("I'm coming")),
            (Answer.MAYBE, _("Maybe")),
            (Answer.NOT_GOING, _("I'm not coming")),
        ],
        "answer_labels": dict(Answer.choices),
        "agenda_form": forms.get("agenda_form") or AgendaItemForm(),
        "message_form": forms.get("message_form") or AgendaMessageForm(),
        "places_left": None if meeting.capacity is None else max(0, meeting.capacity - page.going_count),
    }


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _meeting(request, pk)
    return render(request, "meetings/meeting.html", _meeting_context(request, actor, found))


@login_required
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    _actor, found = _meeting(request, pk)
    response = HttpResponse(calendar.meeting_ics(found), content_type=calendar.MIMETYPE)
    response["Content-Disposition"] = f'attachment; filename="bijeenkomst-{found.pk}.ics"'
    return response


@login_required
def create(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    community = _community(actor, slug)
    if not permissions.can_manage(actor, community):
        raise PermissionDenied
    form = MeetingForm(request.POST if request.method == "POST" else None, rooms=_rooms(community))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.create_meeting(actor=actor, community=community, data=form.as_input())
        except (Invalid, Conflict) as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The meeting is planned. Members can now say whether they come."))
            return redirect(made)
    context = {"community": community, "form": form, "meeting": None}
    return render(request, "meetings/form.html", context, status=400 if form.errors else 200)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    if found.is_cancelled:
        messages.error(request, _("This meeting is cancelled and cannot be changed."))
        return redirect(found)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        rooms=_rooms(found.community),
        initial=MeetingForm.initial_for(found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_meeting(actor=actor, meeting=found, data=form.as_input())
        except (Invalid, Conflict) as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The meeting is changed. Calendars get the change."))
            return redirect(found)
    context = {"community": found.community, "form": form, "meeting": found}
    return render(request, "meetings/form.html", context, status=400 if form.errors else 200)


def _act(request: HttpRequest, found: Meeting, done: str, action: Callable[[], object]) -> HttpResponse:
    """Run a button's action: a refusal as an error message, success as a message; back to the meeting."""
    try:
        action()
    except (Invalid, Conflict) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(found)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    return _act(
        request,
        found,
        _("The meeting is cancelled. Calendars get the cancellation."),
        lambda: services.cancel_meeting(actor=actor, meeting=found),
    )


@login_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the meeting page at the saved answer (``#rsvp-status``, focusable), so the keyboard
    and a screen reader continue there instead of at the top of a new page; after a refusal at the
    section's heading, with the message above."""
    actor, found = _meeting(request, pk)
    try:
        answer = services.rsvp(actor=actor, meeting=found, answer=request.POST.get("answer", ""))
    except (Invalid, Conflict) as error:
        messages.error(request, error.message)
        return redirect(f"{found.get_absolute_url()}#rsvp-h")
    if answer.answer == Answer.WAITING:
        messages.warning(
            request, _("The meeting is full: you are on the waiting list. We let you know when a place comes free.")
        )
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect(f"{found.get_absolute_url()}#rsvp-status")


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_agenda_item(
                actor=actor, meeting=found, title=form.cleaned_data["title"], note=form.cleaned_data["note"]
            )
        except (Invalid, Conflict) as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Your item is on the agenda."))
            return redirect(f"{found.get_absolute_url()}#agenda")
    context = _meeting_context(request, actor, found, agenda_form=form)
    return render(request, "meetings/meeting.html", context, status=400)


@login_required
@require_POST
def agenda_message(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _meeting(request, pk)
    form = AgendaMessageForm(request.POST)
    if form.is_valid():
        try:
            services.add_message_to_agenda(actor=actor, meeting=found, message=form.cleaned_data["link"])
        except (Invalid, Conflict) as error:
            form.add_error("link", error.message)
        else:
            messages.success(request, _("The message is on the agenda."))
            return redirect(f"{found.get_absolute_url()}#agenda")
    context = _meeting_context(request, actor, found, message_form=form)
    return render(request, "meetings/meeting.html", context, status=400)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    actor, found = _meeting(request, pk)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__community"), pk=item_id, meeting=found)
    services.remove_agenda_item(actor=actor, item=item)
    messages.success(request, _("The item is removed from the agenda."))
    return redirect(f"{found.get_absolute_url()}#agenda")


@login_required
def from_message(request: HttpRequest, message_id: int) -> HttpResponse:
    """ "Op de agenda zetten" from a message's menu: choose one of the community's coming meetings."""
    actor = Actor(user=request.user)
    message = (
        Message.objects.select_related("room__community", "topic", "author__profile").filter(pk=message_id).first()
    )
    if message is None or not forum_permissions.can_read_room(actor, message.room):
        raise Http404
    community = message.room.community
    upcoming = list(selectors.community_meetings(community=community, past=False).filter(state="scheduled")[:20])
    error = ""
    if request.method == "POST":
        chosen = next((m for m in upcoming if str(m.pk) == request.POST.get("meeting")), None)
        if chosen is None:
            error = _("Choose a meeting.")
        else:
            try:
                services.add_message_to_agenda(actor=actor, meeting=chosen, message=message)
            except (Invalid, Conflict) as exc:
                error = exc.message
            else:
                messages.success(request, _("The message is on the agenda."))
                return redirect(f"{chosen.get_absolute_url()}#agenda")
    context = {"message": message, "community": community, "upcoming": upcoming, "error": error}
    return render(request, "meetings/from_message.html", context, status=400 if error else 200)


# --- tables ---------------------------------------------------------------------------------------


@login_required
def tables(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    form = TablesForm(request.POST if request.method == "POST" else None, initial={"size": found.table_size or 6})
    if request.method == "POST" and form.is_valid():
        try:
            split = services.split_into_tables(actor=actor, meeting=found, size=form.cleaned_data["size"])
        except (Invalid, Conflict) as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(n)d tables are made.") % {"n": len(split)})
            return redirect("meetings:tables", pk=found.pk)
    page = selectors.meeting_page(actor=actor, meeting=found)
    highest = max((t.number for t in page.tables), default=0)
    context = {
        "community": found.community,
        "meeting": found,
        "view": page,
        "form": form,
        "table_choices": range(1, highest + 2),
        "going": page.going_count,
    }
    return render(request, "meetings/tables.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def table_move(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a table."))
    else:
        try:
            services.move_to_table(
                actor=actor, meeting=found, user_id=form.cleaned_data["user"], table=form.cleaned_data["table"]
            )
        except (Invalid, Conflict) as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Moved."))
    return redirect("meetings:tables", pk=found.pk)


# --- attendance and minutes ----------------------------------------------------------------------


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    members = selectors.attendance_choices(meeting=found)
    initial = selectors.present_or_coming(meeting=found)
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        members=members,
        initial={"present": [str(i) for i in initial]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            count = services.record_attendance(actor=actor, meeting=found, present=form.ids())
        except (Invalid, Conflict) as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved: %(n)d people were there.") % {"n": count})
            return redirect(found)
    context = {"community": found.community, "meeting": found, "form": form}
    return render(request, "meetings/attendance.html", context, status=400 if form.errors else 200)


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    members = list(selectors.active_members(community=found.community)[: selectors.MAX_CHOICES])
    page = selectors.meeting_page(actor=actor, meeting=found)
    initial: dict[str, object] = {}
    if page.minutes is not None:
        initial = {"body": page.minutes.body, "decisions": "\n".join(d.text for d in page.decisions)}
        for i, action in enumerate(page.actions, 1):
            initial[f"action_{i}"] = action.text
            initial[f"owner_{i}"] = action.owner_id
            initial[f"due_{i}"] = action.due_on
    rows = min(MAX_ACTION_ITEMS, max(ACTION_ROWS, len(page.actions) + 1))
    form = MinutesForm(request.POST if request.method == "POST" else None, members=members, rows=rows, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.write_minutes(
                actor=actor, meeting=found, body=form.cleaned_data["body"], decisions=form.decision_lines(),
                actions=form.actions(),
            )  # fmt: skip
        except (Invalid, Conflict) as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The minutes are saved. Post them in the room when they are ready."))
            return redirect(f"{found.get_absolute_url()}#minutes")
    context = {"community": found.community, "meeting": found, "form": form}
    return render(request, "meetings/minutes.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def minutes_post(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    return _act(
        request,
        found,
        _("The minutes are posted in the room."),
        lambda: services.post_minutes(actor=actor, meeting=found),
    )


@login_required
@require_POST
def minutes_lesson(request: HttpRequest, pk: int) -> HttpResponse:
    actor, found = _managed(request, pk)
    try:
        lesson = services.propose_minutes_as_lesson(actor=actor, meeting=found)
    except (Invalid, Conflict) as error:
        messages.error(request, error.message)
    except KringError as error:
        raise PermissionDenied(error.message) from error
    else:
        messages.success(request, _("A draft lesson “%(title)s” is ready for the editors.") % {"title": lesson.title})
    return redirect(f"{found.get_absolute_url()}#minutes")
