"""The moderation queue and the audit log."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    Count,
    Prefetch,
    Q,
)
from django.utils.translation import gettext_lazy as _

from forum.models import (
    AuditEntry,
    Community,
    Flag,
    FlagState,
    Message,
    Role,
)


class AuditAction(models.TextChoices):
    """The actions the services write to the audit log (``AuditEntry.action``), with their labels."""

    CREATE_ROOM = "create_room", _("Room created")
    ARCHIVE = "archive", _("Room archived")
    UNARCHIVE = "unarchive", _("Room taken out of the archive")
    SLOW_MODE = "slow_mode", _("Slow mode changed")
    BAN = "ban", _("Banned")
    MUTE = "mute", _("Muted")
    PIN = "pin", _("Pinned")
    UNPIN = "unpin", _("Unpinned")
    HIDE = "hide", _("Hidden")
    RESTORE = "restore", _("Shown again")
    DISMISS_FLAGS = "dismiss_flags", _("Reports dismissed")
    MOVE_TOPIC = "move_topic", _("Topic moved")
    DELETE_MESSAGE = "delete_message", _("Message deleted")
    APPROVE = "approve", _("Admitted as member")
    DECLINE = "decline", _("Request to join declined")
    INVITE = "invite", _("Invited")
    CHANGE_ROLE = "change_role", _("Role changed")
    UPDATE_COMMUNITY = "update_community", _("Community edited")


_ACTION_LABELS = dict(AuditAction.choices)
_ROLE_LABELS = dict(Role.choices)


def action_label(action: str) -> str:
    """The label of an audit action; an unknown code (a newer service) reads as itself, tidied."""
    label = _ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace("_", " ").capitalize()


def _detail(entry: AuditEntry) -> str:
    if entry.action == AuditAction.CHANGE_ROLE and " → " in entry.detail:
        old, new = entry.detail.split(" → ", 1)
        return f"{_ROLE_LABELS.get(old, old)} → {_ROLE_LABELS.get(new, new)}"
    return entry.detail


def moderation_queue(*, community: Community, page: int = 1) -> Page[Any]:
    flagged = (
        Message.objects.filter(room__community=community, flags__state=FlagState.OPEN)
        .annotate(open_flags=Count("flags", filter=Q(flags__state=FlagState.OPEN)))
        .select_related("author__profile", "topic", "room")
        .prefetch_related(
            Prefetch("flags", queryset=Flag.objects.filter(state=FlagState.OPEN).select_related("reporter__profile"))
        )
        .order_by("-open_flags", "-pk")
    )
    return Paginator(flagged, 25).get_page(page)


def audit_log(*, community: Community, page: int = 1) -> Page[AuditEntry]:
    """The community's audit log, newest first, each entry with ``action_label`` and ``detail_label``."""
    result = Paginator(AuditEntry.objects.filter(community=community).select_related("actor__profile"), 50).get_page(
        page
    )
    entries = list(result.object_list)
    for entry in entries:
        entry.action_label = action_label(entry.action)
        entry.detail_label = _detail(entry)
    result.object_list = entries
    return result
