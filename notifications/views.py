"""Thin views: the notifications list, the preferences page, and the one-click unsubscribe."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actor import Actor
from core.errors import Invalid
from core.http import add_to_form, one_click_unsubscribe
from notifications import registry, selectors, services
from notifications.forms import PreferencesForm
from notifications.models import NotificationKind, WatchState
from notifications.preferences import Channels
from notifications.services import push
from notifications.services.mail import read_token


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    if request.method == "POST":
        group = request.POST.get("group")
        if group:  # one group: its unread notifications
            ids = selectors.notification_ids_in_group(user=actor.member, key=group)
            if ids is None:
                raise Http404
            services.mark_read(actor=actor, ids=ids)
        else:
            services.mark_read(actor=actor)
        page_number = _int(request.POST.get("page"))
        target = reverse("notifications:list")
        return redirect(f"{target}?page={page_number}" if page_number > 1 else target)
    page = selectors.notification_groups(user=actor.member, page=_int(request.GET.get("page")))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    actor = Actor(user=request.user)
    member = actor.member_id
    rows = selectors.kind_rows(user_id=member)
    communities = registry.communities_of(member)
    prefs = selectors.preferences_of(user_id=member)
    levels = selectors.community_levels(user_id=member, community_ids=[cid for cid, _name in communities])
    push_on = bool(push.public_key())
    initial: dict[str, object] = {
        "quiet_from": prefs.quiet_from,
        "quiet_until": prefs.quiet_until,
        "push_content": prefs.push_content,
    }
    initial.update({f"community_{cid}": level for cid, level in levels.items()})
    form = PreferencesForm(request.POST or None, rows=rows, communities=communities, initial=initial, push=push_on)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_preferences(
                    actor=actor,
                    quiet_from=data["quiet_from"],
                    quiet_until=data["quiet_until"],
                    push_content=data.get("push_content", prefs.push_content),
                )
                services.save_kind_settings(
                    actor=actor,
                    settings={
                        row.kind: Channels(
                            app=data[f"{row.kind}_app"],
                            email=data[f"{row.kind}_email"],
                            push=data[f"{row.kind}_push"] if push_on else row.channels.push,
                        )
                        for row in rows
                    },
                )
                for cid, _name in communities:
                    services.save_community_level(actor=actor, community_id=cid, level=data[f"community_{cid}"])
            except Invalid as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Your notification settings are saved."))
                return redirect("notifications:preferences")
        status = 400
    context = {"form": form, "push_key": push.public_key(), "devices": push.device_count(user_id=member)}
    return render(request, "notifications/preferences.html", context, status=status)


@login_required
def topic_watch(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Follow a topic (replies without taking part), mute it (no replies), or back to the default."""
    actor = Actor(user=request.user)
    found = registry.readable_topic(actor.member_id, topic_id)
    if found is None:
        raise Http404
    title, topic_url = found
    if request.method == "POST":
        state = request.POST.get("state", "")
        if state not in ("", *WatchState.values):
            raise Invalid(_("Choose follow or mute."), field="state")
        services.set_topic_watch(actor=actor, topic_id=topic_id, state=state or None)
        messages.success(request, _("Your notification settings are saved."))
        return redirect(topic_url)
    current = selectors.topic_watch(user_id=actor.member_id, topic_id=topic_id) or ""
    choices = [
        ("", _("Default: replies once you have written in it")),
        (WatchState.FOLLOW.value, _("Follow: every reply, also when you have not written in it")),
        (WatchState.MUTE.value, _("Mute: no replies (mentions still reach you)")),
    ]
    context = {"title": title, "topic_url": topic_url, "current": current, "choices": choices, "topic_id": topic_id}
    return render(request, "notifications/topic.html", context)


@login_required
@require_POST
def push_subscription(request: HttpRequest) -> HttpResponse:
    """The page's module posts this device's subscription (JSON, with the CSRF header), or
    ``{"endpoint": …, "remove": true}`` to stop pushes to it."""
    try:
        data = json.loads(request.body or b"{}")
        endpoint = str(data["endpoint"])
        keys = data.get("keys") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Invalid(_("This device gave an address Kring cannot use."), code="push_subscription") from None
    actor = Actor(user=request.user)
    if data.get("remove"):
        push.unsubscribe(actor=actor, endpoint=endpoint)
    else:
        push.subscribe(
            actor=actor, endpoint=endpoint, p256dh=str(keys.get("p256dh", "")), auth=str(keys.get("auth", ""))
        )
    return HttpResponse(status=204)


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site's root so that its scope is the whole site."""
    response = render(request, "notifications/sw.js", content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _unsubscribe(request: HttpRequest, token: str, *, done: bool) -> HttpResponse:
    parsed = read_token(token)
    if parsed is None:
        raise Http404
    labels = [str(NotificationKind(kind).label) for kind in parsed[1]]
    if done:
        if services.unsubscribe(token=token) is None:
            raise Http404
        return render(request, "notifications/unsubscribe.html", {"done": True, "labels": labels})
    return render(request, "notifications/unsubscribe.html", {"done": False, "labels": labels, "token": token})


def _unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    return _unsubscribe(request, token, done=request.method == "POST")


def _unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    return _unsubscribe(request, token, done=True)


unsubscribe = one_click_unsubscribe(page=_unsubscribe_page, one_click=_unsubscribe_one_click)
