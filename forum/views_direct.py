"""Pages of direct conversations and people: the conversation list, starting one, the member's
message settings and blocks, reporting, the moderators' queue and the member card. Thin: parse,
call a service or selector, render. The conversation itself is the forum's topic page."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from accounts.models import User
from core.http import add_to_form
from forum import permissions, selectors, services
from forum.errors import ForumError, Invalid
from forum.forms import MessageSettingForm, ReportForm, StartConversationForm
from forum.models import Room, RoomKind


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _conversation(actor: Actor, room_id: int) -> Room:
    room = Room.objects.select_related("community").filter(pk=room_id, kind=RoomKind.DIRECT).first()
    if room is None or not permissions.can_read_room(actor, room):
        raise Http404
    return room


@login_required
def conversations(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    page = selectors.my_conversations(actor=actor, page=_int(request.GET.get("page")))
    return render(request, "forum/direct_list.html", {"page": page})


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Open the conversation with the chosen members (the existing one for the same people)."""
    actor = Actor(user=request.user)
    form = StartConversationForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Choose one to seven members to write to."))
        return redirect("forum:direct_list")
    try:
        room = services.open_conversation(actor=actor, others=form.cleaned_data["members"])
    except ForumError as error:
        flash.error(request, error.message)
        return redirect("forum:direct_list")
    topic = selectors.direct_topic(room=room)
    return redirect(topic if topic is not None else "forum:direct_list")


@login_required
def conversation(request: HttpRequest, room_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    topic = selectors.direct_topic(room=_conversation(actor, room_id))
    if topic is None:
        raise Http404
    return redirect(topic)


@login_required
def settings(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    user = actor.member
    form = MessageSettingForm(request.POST or None, initial={"who_may_message": selectors.message_setting(user=user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_message_setting(actor=actor, who_may_message=form.cleaned_data["who_may_message"])
        except ForumError as error:
            add_to_form(form, error)
        else:
            flash.success(request, _("Your settings have been saved."))
            return redirect("forum:direct_settings")
    context = {"form": form, "blocked": selectors.blocked_members(user=user)}
    return render(request, "forum/direct_settings.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def block(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    target = get_object_or_404(User, pk=user_id, is_active=True)
    action = request.POST.get("action")
    try:
        if action == "block":
            services.block_member(actor=actor, user=target)
            flash.success(request, _("%(name)s is blocked.") % {"name": target.display_name})
        elif action == "unblock":
            services.unblock_member(actor=actor, user=target)
            flash.success(request, _("%(name)s is no longer blocked.") % {"name": target.display_name})
        else:
            raise Invalid(_("Unknown action."), field="action")
    except ForumError as error:
        flash.error(request, error.message)
    return redirect("forum:direct_settings")


@login_required
def report(request: HttpRequest, room_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    room = _conversation(actor, room_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_conversation(actor=actor, room=room, reason=form.cleaned_data["reason"])
        except ForumError as error:
            add_to_form(form, error)
        else:
            flash.success(request, _("Thank you. The platform's moderators will look at it."))
            return redirect("forum:direct_room", room_id=room.pk)
    names = selectors.participant_names([room.pk], viewer_id=actor.pk)[room.pk]
    context = {"form": form, "room": room, "title": selectors.conversation_title(names)}
    return render(request, "forum/direct_report.html", context, status=400 if form.errors else 200)


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """The platform moderators' queue of reported conversations."""
    actor = Actor(user=request.user)
    if not actor.is_platform_admin:
        raise Http404
    if request.method == "POST":
        room = get_object_or_404(Room, pk=_int(request.POST.get("room")), kind=RoomKind.DIRECT)
        services.resolve_conversation_reports(actor=actor, room=room)
        flash.success(request, _("The reports are closed."))
        return redirect("forum:direct_reports")
    page = selectors.reported_conversations(actor=actor, page=_int(request.GET.get("page")))
    return render(request, "forum/direct_reports.html", {"page": page})


@login_required
def member_card(request: HttpRequest, user_id: int) -> HttpResponse:
    """The member card as an HTML fragment (the card module shows it in a dialog); without
    ``?fragment=1`` the same card as a page, so the link works without JavaScript too."""
    actor = Actor(user=request.user)
    card = selectors.member_card(actor=actor, user_id=user_id)
    if card is None:
        raise Http404
    if request.GET.get("fragment") == "1":
        # Without the request: the page shell's context (header and sidebar queries) is not needed.
        html = render_to_string("forum/member_card.html", {"card": card, "csrf_token": get_token(request)})
        response = HttpResponse(html)
    else:
        response = render(request, "forum/member_card_page.html", {"card": card})
    response["Cache-Control"] = "private, no-store"
    return response
