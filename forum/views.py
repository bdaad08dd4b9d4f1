"""Forum pages. Thin: parse, call a service or selector, render. Work without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from accounts.models import User
from core.http import add_to_form, json_error, json_form_errors, wants_json
from forum import permissions, selectors, services
from forum.errors import Forbidden, ForumError, Invalid, NotFound
from forum.forms import (
    BanForm,
    CommunityForm,
    DirectoryForm,
    EditForm,
    FlagForm,
    InviteForm,
    MemberFilterForm,
    MuteForm,
    PostForm,
    ReactForm,
    RoomForm,
    RoomSettingsForm,
    SearchForm,
    TopicForm,
    TopicRenameForm,
)
from forum.message_markup import MessageView, render_list
from forum.models import REACTION_EMOJI, Attachment, Community, Membership, Message, Room, Topic


def realtime_strings() -> dict[str, str]:
    """The live client's texts, translated here so the JavaScript needs no catalogue."""
    return {
        "connecting": _("Connecting…"),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "offline": _("You are offline. Messages you write are sent when you are back online."),
        "ended": _("You are logged out. Reload the page to continue."),
        "revoked": _("You no longer have access to this room."),
        "deleted": _("This message was deleted."),
        "former_member": _("former member"),
        "sending": _("Sending…"),
        "sent": _("Sent"),
        "retrying": _("Trying again…"),
        "typing": _("%s is typing…"),
        "present": _("Here now:"),
        "resync": _("Much has happened here. Reload the page to see everything."),
    }


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.headers.get("Referer") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = fallback
    return redirect(target)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _community_or_404(actor: Actor, slug: str) -> Community:
    community = selectors.community_detail(actor=actor, slug=slug)
    if community is None:
        raise Http404
    return community


def _readable_topic(actor: Actor, topic_id: int) -> Topic:
    topic = selectors.topic_with_room(topic_id=topic_id)
    if topic is None or not permissions.can_read_room(actor, topic.room):
        raise Http404
    return topic


def _message(actor: Actor, message_id: int) -> Message:
    message = (
        Message.objects.select_related("room__community", "topic", "author__profile").filter(pk=message_id).first()
    )
    if message is None or not permissions.can_read_room(actor, message.room):
        raise Http404
    return message


# --- directory and communities -------------------------------------------------------------


def directory(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    form = DirectoryForm(request.GET or None)
    filters = selectors.DirectoryFilters()
    if form.is_valid():
        filters = selectors.DirectoryFilters(**{k: v or "" for k, v in form.cleaned_data.items()})
    data = selectors.directory(actor=actor, filters=filters, page=_int(request.GET.get("page")))
    return render(request, "forum/directory.html", {"form": form, "filters": filters, **data})


@login_required
def community_create(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            community = services.create_community(actor=actor, **data)
        except ForumError as error:
            add_to_form(form, error)
        else:
            return redirect(community)
    return render(request, "forum/community_form.html", {"form": form}, status=400 if form.errors else 200)


def community(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    return render(request, "forum/community.html", selectors.community_page_data(actor=actor, community=found))


@login_required
def community_edit(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    if not permissions.can_moderate_community(actor, found):
        raise PermissionDenied
    form = CommunityForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_community(actor=actor, community=found, **form.cleaned_data)
        except ForumError as error:
            form.add_error(None, error.message)
        else:
            return redirect(found)
    return render(
        request, "forum/community_form.html", {"form": form, "community": found}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    try:
        membership = services.join_community(actor=actor, community=found)
    except ForumError as error:
        flash.error(request, error.message)
    else:
        if membership.is_active:
            flash.success(request, _("Welcome to %(community)s!") % {"community": found.name})
        else:
            flash.info(request, _("Your request has been sent to the facilitators."))
    return redirect(found)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    try:
        services.leave_community(actor=actor, community=found)
    except ForumError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, _("You have left %(community)s.") % {"community": found.name})
    return redirect(found)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    if not permissions.is_active_member(actor, found) and not permissions.can_moderate_community(actor, found):
        raise PermissionDenied
    can_moderate = permissions.can_moderate_community(actor, found)
    filter_form = MemberFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    context = {
        "community": found,
        "filter_form": filter_form,
        "members": selectors.community_members(
            community=found,
            q=filters.get("q") or "",
            sector=filters.get("sector") or "",
            work_situation=filters.get("work_situation") or "",
            page=_int(request.GET.get("page")),
        ),
        "requests": selectors.members(community=found, state="requested") if can_moderate else None,
        "can_moderate": can_moderate,
        "can_manage_roles": permissions.can_manage_roles(actor, found),
        "invite_form": InviteForm(),
        "mute_form": MuteForm(),
        "now": timezone.now(),
    }
    return render(request, "forum/members.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile", "community"), pk=membership_id, community=found
    )
    try:
        services.decide_membership(
            actor=actor, membership=membership, approve=request.POST.get("decision") == "approve"
        )
    except ForumError as error:
        flash.error(request, error.message)
    return redirect("forum:members", slug=found.slug)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile", "community"), pk=membership_id, community=found
    )
    try:
        services.change_role(actor=actor, membership=membership, role=request.POST.get("role", ""))
    except ForumError as error:
        flash.error(request, error.message)
    return redirect("forum:members", slug=found.slug)


@login_required
@require_POST
def ban(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    target = get_object_or_404(User, pk=user_id)
    form = BanForm(request.POST)
    if not form.is_valid():  # the reason refused (a NUL byte used to be a 500 in PostgreSQL)
        flash.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("forum:members", slug=found.slug)
    try:
        services.ban_member(actor=actor, community=found, user=target, reason=form.cleaned_data["reason"])
    except ForumError as error:
        flash.error(request, error.message)
    return redirect("forum:members", slug=found.slug)


@login_required
@require_POST
def mute(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    target = get_object_or_404(User, pk=user_id)
    form = MuteForm(request.POST)
    if not form.is_valid():
        flash.error(request, _("Enter the number of minutes (1 to 129600)."))
        return redirect("forum:members", slug=found.slug)
    try:
        services.mute_member(actor=actor, community=found, user=target, **form.cleaned_data)
    except ForumError as error:
        flash.error(request, error.message)
    return redirect("forum:members", slug=found.slug)


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invite(actor=actor, community=found, email=form.cleaned_data["email"])
        except Forbidden:
            raise  # answered 403 by core.http's middleware
        except ForumError as error:
            flash.error(request, error.message)
        else:
            flash.success(request, _("Invitation sent."))
    else:
        flash.error(request, _("Enter a valid e-mail address."))
    return redirect("forum:members", slug=found.slug)


@login_required
def accept_invitation(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    actor = Actor(user=request.user)
    if request.method != "POST":
        return render(request, "forum/accept_invitation.html", {"token": token})
    # NotFound (no such invitation) and Forbidden (another address) reach core.http's middleware: 404 and 403.
    membership = services.accept_invitation(actor=actor, token=token)
    return redirect(membership.community)


@login_required
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    if not permissions.can_moderate_community(actor, found):
        raise PermissionDenied
    context = {
        "community": found,
        "queue": selectors.moderation_queue(community=found, page=_int(request.GET.get("page"))),
        "audit": selectors.audit_log(community=found, page=_int(request.GET.get("audit_page"))),
    }
    return render(request, "forum/moderation.html", context)


@login_required
def room_create(request: HttpRequest, slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _community_or_404(actor, slug)
    if not permissions.can_create_room(actor, found):
        raise PermissionDenied
    form = RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = services.create_room(actor=actor, community=found, **form.cleaned_data)
        except ForumError as error:
            add_to_form(form, error)
        else:
            return redirect(room)
    return render(
        request, "forum/room_form.html", {"form": form, "community": found}, status=400 if form.errors else 200
    )


# --- rooms and topics -------------------------------------------------------------------------


def _readable_room(actor: Actor, slug: str, room_slug: str) -> Room:
    room = selectors.room_by_slugs(community_slug=slug, room_slug=room_slug)
    if room is None or not permissions.can_read_room(actor, room):
        raise Http404
    return room


def room(request: HttpRequest, slug: str, room_slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    if not actor.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    found = _readable_room(actor, slug, room_slug)
    if found.is_direct:  # its page is the conversation
        return redirect(found)
    form = TopicForm(request.POST or None, initial={"client_id": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = services.create_topic(
                actor=actor,
                room=found,
                title=data["title"],
                body=data["body"],
                client_id=data["client_id"],
                is_question=data["is_question"],
            )
        except ForumError as error:
            add_to_form(form, error)
        else:
            return redirect(topic)
    context = {
        "room": found,
        "community": found.community,
        "topics": selectors.room_topics(actor=actor, room=found, page=_int(request.GET.get("page"))),
        "form": form,
        "can_post": permissions.can_post_in_room(actor, found),
        # Why not, when not: muted (until when), archived, banned, not a member (forum-pages).
        "post_blocked_reason": selectors.post_blocked_reason(actor, found),
        "can_moderate": permissions.can_moderate_community(actor, found.community),
    }
    return render(request, "forum/room.html", context, status=400 if form.errors else 200)


def _post_reply(request: HttpRequest, actor: Actor, found: Topic, form: PostForm) -> HttpResponse | None:
    """The reply form's POST: the one write path; JSON for ``Accept: application/json``.

    Answers a redirect (HTML) or 201 ``{"seq", "id"}`` (JSON) when posted, a 400 JSON answer when
    refused, and None when an HTML form with errors should be shown again.
    """
    as_json = wants_json(request)
    if not form.is_valid():
        return json_form_errors(form) if as_json else None
    data = form.cleaned_data
    try:
        message = services.post_message(
            actor=actor,
            topic=found,
            body=data["body"],
            client_id=data["client_id"],
            attachments=data.get("attachments") or [],
            captions=request.POST.getlist("caption"),
            reply_to=data.get("reply_to"),
        )
    except ForumError as error:
        if as_json:
            return json_error(error, fields={error.field or "__all__": [error.message]})
        add_to_form(form, error)
        return None
    if as_json:
        return JsonResponse({"seq": message.seq, "id": message.pk}, status=201)
    return redirect(f"{found.get_absolute_url()}#m{message.seq}")


def _before(request: HttpRequest) -> int | None:
    before = request.GET.get("before")
    return int(before) if before and before.isdigit() and len(before) < 18 else None


def _accepted_under_question(found: Topic, page: selectors.MessagePage) -> tuple[int | None, MessageView | None]:
    """The topic's first message's seq and the accepted answer to show again under it, when the
    first message is in ``page`` (the answer from the page, or one more query)."""
    shown = page.messages
    if not shown or page.has_older:
        return None, None
    if found.accepted_answer_id is None:
        return shown[0].seq, None
    accepted = next((m for m in shown if m.pk == found.accepted_answer_id), None) or selectors.message_view(
        message_id=found.accepted_answer_id, accepted_id=found.accepted_answer_id
    )
    return shown[0].seq, accepted


@login_required
def topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    # The reader's markers come with the topic: viewed again, with nothing new, this costs no query.
    with_markers = selectors.topic_for_reader(topic_id=topic_id, actor=actor)
    if with_markers is None or not permissions.can_read_room(actor, with_markers.topic.room):
        raise Http404
    found = with_markers.topic
    form = PostForm(request.POST or None, request.FILES or None, initial={"client_id": uuid.uuid4()})
    if request.method == "POST":
        answered = _post_reply(request, actor, found, form)
        if answered is not None:
            return answered
    before = _before(request)
    page = selectors.topic_messages(topic=found, before_seq=before)
    shown = page.messages
    # Opening a topic marks nothing read: the page opens at the first unread and the browser says
    # what came into sight (read frames), so a long topic is not read by being opened.
    read_seq = with_markers.topic_read_seq if with_markers.topic_read_seq is not None else with_markers.room_read_seq
    # Permissions once per page for the viewer's role; the client combines them with each article's data.
    can_moderate = permissions.can_moderate_community(actor, found.room.community)
    can_manage = permissions.can_manage_topic(actor, found) and not found.room.is_direct
    viewer = selectors.TopicViewer(
        user_id=actor.pk,
        can_post=permissions.can_post_in_room(actor, found.room),
        can_moderate=can_moderate,
        can_manage=can_manage,
        can_accept=found.is_question and can_manage,
    )
    first_message_seq, accepted = _accepted_under_question(found, page)
    first_unread = (
        selectors.first_unread_seq(read_seq=read_seq, shown_seqs=[m.seq for m in shown]) if before is None else None
    )
    context = {
        "actor": actor,
        "topic": found,
        "room": found.room,
        "community": found.room.community,
        "form": form,
        "can_post": viewer.can_post,
        "can_moderate": can_moderate,
        "can_manage": can_manage,
        "can_accept": viewer.can_accept,
        "topic_viewer": viewer,
        "realtime_strings": realtime_strings(),
        "other_rooms": Room.objects.filter(community=found.room.community).exclude(pk=found.room_id).order_by("name")
        if can_moderate
        else [],
        "message_rows": page,
        "accepted_view": accepted,
        "first_message_seq": first_message_seq,
        "first_unread_seq": first_unread,
        "has_older": page.has_older,
        "oldest_seq": page.oldest_seq,
        "members_url": reverse("forum:topic_members", args=[found.pk]),
        "older_url": reverse("forum:topic_older", args=[found.pk]),
        "post_blocked_reason": None if viewer.can_post else selectors.post_blocked_reason(actor, found.room),
        "reaction_emoji": " ".join(REACTION_EMOJI),
    }
    if found.room.is_direct:  # a direct conversation: named after the other participants
        names = selectors.participant_names([found.room_id], viewer_id=actor.pk)[found.room_id]
        context["direct_title"] = selectors.conversation_title(names)
    context["messages_section_attrs"] = selectors.section_attributes(
        room_id=found.room_id,
        topic_id=found.pk,
        head_seq=found.room.last_seq,
        viewer=viewer,
        first_unread=first_unread,
        oldest_seq=page.oldest_seq,
        has_older=page.has_older,
    )
    return render(request, "forum/topic.html", context, status=400 if form.errors else 200)


@login_required
def topic_older(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Up to 50 articles older than ``?before=<seq>`` (keyset; without it the newest), as HTML;
    ``X-Has-Older: 1|0``."""
    actor = Actor(user=request.user)
    found = _readable_topic(actor, topic_id)
    before = _before(request)
    if before is None and request.GET.get("before"):
        raise Invalid(_("Say which message to load older ones before (?before=seq)."), field="before")
    page = selectors.topic_messages(topic=found, before_seq=before)
    first_seq, accepted = _accepted_under_question(found, page)
    html = render_list(
        page.messages,
        show_hidden=permissions.can_moderate_community(actor, found.room.community),
        names=page.names,
        viewer_id=actor.pk,
        accepted=accepted,
        first_seq=first_seq,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Has-Older"] = "1" if page.has_older else "0"
    response["Cache-Control"] = "private, no-store"
    return response


def _topic_for_json(actor: Actor, topic_id: int, login_message: str) -> Topic | JsonResponse:
    """The readable topic for the composer's JSON endpoints, or their JSON refusal (never a login
    redirect: the script asks, not a person)."""
    if not actor.is_authenticated:
        return json_error(Forbidden(login_message))
    found = selectors.topic_with_room(topic_id=topic_id)
    if found is None or not permissions.can_read_room(actor, found.room):
        return json_error(NotFound(_("This topic does not exist.")))
    return found


@require_POST
def topic_preview(request: HttpRequest, topic_id: int) -> HttpResponse:
    """The composer's preview: the body as it will look (the one renderer, mentions resolved
    against the room's readers), as JSON ``{"html": …}``; nothing is stored."""
    actor = Actor(user=request.user)
    found = _topic_for_json(actor, topic_id, _("Log in to write here."))
    if isinstance(found, JsonResponse):
        return found
    if not permissions.can_post_in_room(actor, found.room):
        return json_error(Forbidden(_("You cannot write in this room.")))
    body = request.POST.get("body", "")
    try:
        html = services.preview_html(room=found.room, body=body)
    except ForumError as error:
        return json_error(error)
    return JsonResponse({"html": html})


def topic_members(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Mention autocomplete: up to 8 members who can read the topic's room, by name prefix or word (JSON).

    Only the room's own members may ask (403 JSON for anyone else, signed in or not)."""
    actor = Actor(user=request.user)
    found = _topic_for_json(actor, topic_id, _("Log in to see the members."))
    if isinstance(found, JsonResponse):
        return found
    if not permissions.is_room_member(actor, found.room):
        return json_error(Forbidden(_("Only members of this community can see its members.")))
    results = selectors.room_readers(room=found.room, q=request.GET.get("q", "")[:80])
    return JsonResponse({"results": results})


@login_required
@require_POST
def topic_manage(request: HttpRequest, topic_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _readable_topic(actor, topic_id)
    action = request.POST.get("action")
    as_json = wants_json(request)
    try:
        if action == "rename":
            form = TopicRenameForm(request.POST)
            if not form.is_valid():  # e.g. a NUL byte, which used to reach PostgreSQL and answer 500
                if as_json:
                    return json_form_errors(form)
                flash.error(request, " ".join(str(e) for e in form.errors["title"]))
                return redirect(found)
            services.rename_topic(actor=actor, topic=found, title=form.cleaned_data["title"])
        elif action == "move":
            target = get_object_or_404(Room, pk=_int(request.POST.get("room")), community=found.room.community)
            services.move_topic(actor=actor, topic=found, room=target)
        elif action in {"resolve", "unresolve"}:
            services.set_topic_resolved(actor=actor, topic=found, resolved=action == "resolve")
        elif action == "accept":
            answer = get_object_or_404(Message, pk=_int(request.POST.get("message")), topic=found)
            services.accept_answer(actor=actor, topic=found, message=answer)
        else:
            raise Invalid(_("Unknown action."), field="action")
    except Forbidden:
        raise  # answered 403 by core.http's middleware (JSON when asked)
    except ForumError as error:
        if as_json:
            return json_error(error)
        flash.error(request, error.message)
    if as_json:
        return JsonResponse({"ok": True})
    return redirect(found)


@login_required
def room_settings(request: HttpRequest, slug: str, room_slug: str) -> HttpResponse:
    actor = Actor(user=request.user)
    found = _readable_room(actor, slug, room_slug)
    if not permissions.can_moderate_community(actor, found.community):
        raise PermissionDenied
    initial = {"archived": found.is_archived, "slow_mode_seconds": found.slow_mode_seconds}
    form = RoomSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_room(
                actor=actor,
                room=found,
                archived=form.cleaned_data["archived"],
                slow_mode_seconds=form.cleaned_data["slow_mode_seconds"],
            )
        except ForumError as error:
            add_to_form(form, error)
        else:
            flash.success(request, _("The room settings have been saved."))
            return redirect(found)
    context = {"form": form, "room": found, "community": found.community}
    return render(request, "forum/room_settings.html", context, status=400 if form.errors else 200)


# --- messages ----------------------------------------------------------------------------------


@login_required
def message_edit(request: HttpRequest, message_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    message = _message(actor, message_id)
    if not permissions.can_edit_message(actor, message):
        raise PermissionDenied
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_message(actor=actor, message=message, body=form.cleaned_data["body"])
        except ForumError as error:
            form.add_error("body", error.message)
        else:
            return redirect(f"{message.topic.get_absolute_url()}#m{message.seq}")
    return render(
        request, "forum/message_edit.html", {"form": form, "message": message}, status=400 if form.errors else 200
    )


@login_required
def message_history(request: HttpRequest, message_id: int) -> HttpResponse:
    actor = Actor(user=request.user)
    message = _message(actor, message_id)
    if message.deleted_at is not None or message.is_hidden:
        raise Http404
    return render(request, "forum/message_history.html", {"message": message, "revisions": message.revisions.all()})


@login_required
@require_POST
def message_action(request: HttpRequest, message_id: int, action: str) -> HttpResponse:
    """Delete, react, pin, hide, dismiss flags, flag: a redirect back, or ``{"ok": true}`` for JSON."""
    actor = Actor(user=request.user)
    message = _message(actor, message_id)
    fallback = f"{message.topic.get_absolute_url()}#m{message.seq}"
    as_json = wants_json(request)
    try:
        if action == "delete":
            services.delete_message(actor=actor, message=message)
        elif action == "react":
            form = ReactForm(request.POST)
            if not form.is_valid():
                raise Invalid(_("A reaction is one emoji."), field="emoji")
            services.react(actor=actor, message=message, emoji=form.cleaned_data["emoji"])
        elif action in {"pin", "unpin"}:
            services.pin_message(actor=actor, message=message, pinned=action == "pin")
        elif action in {"hide", "restore"}:
            services.hide_message(actor=actor, message=message, hidden=action == "hide")
        elif action == "dismiss":
            services.dismiss_flags(actor=actor, message=message)
        elif action == "flag":
            flag_form = FlagForm(request.POST)
            if not flag_form.is_valid():
                raise Invalid(_("Say why this message should be looked at."), field="reason")
            services.flag_message(actor=actor, message=message, reason=flag_form.cleaned_data["reason"])
            if not as_json:
                flash.success(request, _("Thank you. The facilitators will look at it."))
        else:
            raise Http404
    except Forbidden:
        raise  # answered 403 by core.http's middleware (JSON when asked)
    except ForumError as error:
        if as_json:
            return json_error(error)
        flash.error(request, error.message)
    if as_json:
        return JsonResponse({"ok": True})
    return _back(request, fallback)


def _serve_attachment(request: HttpRequest, attachment_id: int, *, thumbnail: bool) -> HttpResponseBase:
    actor = Actor(user=request.user)
    found = get_object_or_404(Attachment.objects.select_related("message__room__community"), pk=attachment_id)
    if not permissions.can_read_room(actor, found.message.room) or found.message.deleted_at or found.message.is_hidden:
        raise Http404
    stored = found.thumbnail if thumbnail else found.file
    if thumbnail and not found.thumbnail:
        raise Http404
    # Only re-encoded raster images are shown inline; everything else is a download.
    response: HttpResponseBase
    if settings.KRING_X_ACCEL_REDIRECT:
        # nginx sends the file from its internal location (deploy/nginx/kring.conf); the header
        # is a URI, so the stored name is percent-encoded. nginx keeps Content-Type and
        # Content-Disposition from this answer and adds the other headers below itself.
        response = HttpResponse(content_type=found.content_type)
        response["X-Accel-Redirect"] = settings.KRING_X_ACCEL_PREFIX + quote(stored.name)
        response["Content-Disposition"] = content_disposition_header(not found.is_image, found.original_name) or ""
    else:
        response = FileResponse(
            stored.open("rb"),
            as_attachment=not found.is_image,
            filename=found.original_name,
            content_type=found.content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    return _serve_attachment(request, attachment_id, thumbnail=False)


@login_required
def attachment_thumbnail(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """An image attachment's thumbnail (at most 640 px wide), with the same access check as the file."""
    return _serve_attachment(request, attachment_id, thumbnail=True)


# --- search ---------------------------------------------------------------------


@login_required
def search(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    form = SearchForm(request.GET or None)
    result: dict[str, Any] = {"page": None, "q": ""}
    if form.is_valid():
        result = selectors.search(actor=actor, q=form.cleaned_data["q"], page=_int(request.GET.get("page")))
    return render(request, "forum/search.html", {"form": form, **result})
