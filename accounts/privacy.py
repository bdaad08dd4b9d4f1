"""Privacy (AVG/GDPR): a member's data as a JSON archive, and deleting an account for good.

The rules are in ``docs/privacy.md``. In short:

- ``export_member_data`` gathers everything Kring stores *about* or *by* a member: the
  account (never the password hash or second-factor secrets), the profile, every message
  with its earlier versions, reactions, memberships, read positions, notifications, and
  the mentoring records (profile, participations, pairs with their agreement, goals,
  sessions, the member's own reflections, check-ins and closings).
- ``delete_account`` removes the account row, which takes the profile, memberships,
  notifications, reactions, the mentoring profile and the member's own mentoring notes
  (reflections, closing words) with it. The member's pairs are ended, not deleted: the
  partner keeps the pair's record (sessions, their own reflections, goals, check-ins),
  with "former member" on the deleted side (``Relationship.person_a``/``person_b`` are
  ``SET_NULL``). Messages stay in their rooms so conversations keep making sense; their
  author becomes "former member" (``forum.Message.author`` is ``SET_NULL``). There is no
  soft delete and no copy: it cannot be undone.

``PERSONAL_RELATIONS`` classifies every model that points at the user; a test fails when a
new one appears, so a new kind of personal data cannot be forgotten in the export.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User

FORMAT = "kring-member-export"
VERSION = 1

# "app_label.Model.field" (every relation that points at the user) -> how the export treats it.
EXPORTED = "exported"
ACTOR = "not exported: records who acted on others' content; set to NULL on deletion"
CREDENTIAL = "not exported: a credential (second-factor secret or API token); deleted with the account"
EDITORIAL = "not exported: knowledge-base editing records (Wagtail); kept or set to NULL on deletion"
PERSONAL_RELATIONS: dict[str, str] = {
    "accounts.Profile.user": EXPORTED,
    "account.EmailAddress.user": EXPORTED,
    "socialaccount.SocialAccount.user": EXPORTED,
    "forum.Community.created_by": EXPORTED,
    "forum.Membership.user": EXPORTED,
    "forum.Invitation.invited_by": EXPORTED,
    "forum.Room.members": EXPORTED,
    "forum.RoomMember.user": EXPORTED,
    "forum.Topic.created_by": EXPORTED,
    "forum.Message.author": EXPORTED,
    "forum.Message.deleted_by": ACTOR,
    "forum.Reaction.user": EXPORTED,
    "forum.ReadState.user": EXPORTED,
    "forum.TopicReadState.user": EXPORTED,
    "forum.Notification.user": EXPORTED,
    "forum.Flag.reporter": EXPORTED,
    "forum.AuditEntry.actor": ACTOR,
    "mentoring.MentoringProfile.user": EXPORTED,
    "mentoring.Programme.coordinators": EXPORTED,
    "mentoring.Participation.user": EXPORTED,
    "mentoring.MatchingRound.run_by": ACTOR,
    "mentoring.Relationship.person_a": EXPORTED,
    "mentoring.Relationship.person_b": EXPORTED,
    "mentoring.Relationship.proposed_by": EXPORTED,
    "mentoring.Session.logged_by": EXPORTED,
    "mentoring.Reflection.author": EXPORTED,
    "mentoring.CheckIn.completed_by": EXPORTED,
    "mentoring.Closing.author": EXPORTED,
    "mentoring.Notification.user": EXPORTED,
    "admin.LogEntry.user": ACTOR,
    "mfa.Authenticator.user": CREDENTIAL,
    "wagtailcore.APIToken.user": CREDENTIAL,
    "wagtailusers.UserProfile.user": EDITORIAL,
    "wagtaildocs.Document.uploaded_by_user": EDITORIAL,
    "wagtailimages.Image.uploaded_by_user": EDITORIAL,
    "wagtailadmin.EditingSession.user": EDITORIAL,
    "wagtailadmin.FormState.user": EDITORIAL,
    "wagtailcore.ModelLogEntry.user": EDITORIAL,
    "wagtailcore.Revision.user": EDITORIAL,
    "wagtailcore.UploadedFile.uploaded_by_user": EDITORIAL,
    "wagtailcore.WorkflowState.requested_by": EDITORIAL,
    "wagtailcore.TaskState.finished_by": EDITORIAL,
    "wagtailcore.Page.locked_by": EDITORIAL,
    "wagtailcore.Page.owner": EDITORIAL,
    "wagtailcore.PageLogEntry.user": EDITORIAL,
    "wagtailcore.Comment.user": EDITORIAL,
    "wagtailcore.Comment.resolved_by": EDITORIAL,
    "wagtailcore.CommentReply.user": EDITORIAL,
    "wagtailcore.PageSubscription.user": EDITORIAL,
}
SECRET_FIELDS = {"password"}
FORMER_MEMBER = "former member"


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def record(obj: models.Model, *, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every concrete field of ``obj``; foreign keys as ids, many-to-many as names."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip or field.name in SECRET_FIELDS:
            continue
        if field.is_relation:
            data[field.attname] = getattr(obj, field.attname)
        else:
            data[field.name] = _value(getattr(obj, field.attname))
    for m2m in obj._meta.many_to_many:
        if m2m.name not in skip:
            data[m2m.name] = sorted(str(o) for o in getattr(obj, m2m.name).all())
    return data


def _records(queryset: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return [record(obj, **kwargs) for obj in queryset]


def export_member_data(*, user: User) -> dict[str, Any]:
    """All personal data of ``user`` as plain JSON-serialisable data."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    from forum import models as fm
    from mentoring import models as mm

    profile = getattr(user, "profile", None)
    messages = fm.Message.objects.filter(author=user).select_related("room__community", "topic").order_by("pk")
    message_records = []
    for message in messages:
        data = record(message, skip={"search_text"})
        data["community"] = message.room.community.name
        data["room"] = message.room.name
        data["topic"] = message.topic.title
        data["revisions"] = _records(message.revisions.order_by("pk"))
        message_records.append(data)

    pairs = mm.Relationship.objects.filter(models.Q(person_a=user) | models.Q(person_b=user)).order_by("pk")
    relationships = []
    for pair in pairs:
        data = record(pair)
        partner = pair.partner_of(user.pk)
        data["partner"] = partner.display_name if partner is not None else FORMER_MEMBER
        agreement = mm.Agreement.objects.filter(relationship=pair).first()
        data["agreement"] = record(agreement) if agreement else None
        data["goals"] = _records(mm.Goal.objects.filter(relationship=pair).order_by("pk"))
        sessions = []
        for session in mm.Session.objects.filter(relationship=pair).order_by("pk"):
            item = record(session)
            item["my_reflections"] = _records(mm.Reflection.objects.filter(session=session, author=user))
            sessions.append(item)
        data["sessions"] = sessions
        data["checkins"] = _records(mm.CheckIn.objects.filter(relationship=pair).order_by("pk"))
        data["my_closings"] = _records(mm.Closing.objects.filter(relationship=pair, author=user).order_by("pk"))
        relationships.append(data)

    mentoring_profile = mm.MentoringProfile.objects.filter(user=user).first()
    mentoring_profile_data = None
    if mentoring_profile is not None:
        mentoring_profile_data = record(mentoring_profile)
        mentoring_profile_data["offers"] = _records(mentoring_profile.offers.select_related("skill").order_by("pk"))
        mentoring_profile_data["wants"] = _records(mentoring_profile.wants.select_related("skill").order_by("pk"))

    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": record(user),
        "email_addresses": _records(EmailAddress.objects.filter(user=user).order_by("pk")),
        "social_accounts": _records(SocialAccount.objects.filter(user=user).order_by("pk"), skip={"extra_data"}),
        "profile": record(profile) if profile is not None else None,
        "messages": message_records,
        "flags_reported": _records(fm.Flag.objects.filter(reporter=user).order_by("pk")),
        "reactions": _records(fm.Reaction.objects.filter(user=user).order_by("pk")),
        "memberships": [
            {**record(m), "community": m.community.name}
            for m in fm.Membership.objects.filter(user=user).select_related("community").order_by("pk")
        ],
        "room_memberships": _records(fm.RoomMember.objects.filter(user=user).order_by("pk")),
        "invitations_sent": _records(fm.Invitation.objects.filter(invited_by=user).order_by("pk")),
        "communities_created": [c.name for c in fm.Community.objects.filter(created_by=user).order_by("pk")],
        "topics_created": [t.title for t in fm.Topic.objects.filter(created_by=user).order_by("pk")],
        "read_positions": _records(fm.ReadState.objects.filter(user=user).order_by("pk"))
        + _records(fm.TopicReadState.objects.filter(user=user).order_by("pk")),
        "notifications": {
            "forum": _records(fm.Notification.objects.filter(user=user).order_by("pk")),
            "mentoring": _records(mm.Notification.objects.filter(user=user).order_by("pk")),
        },
        "mentoring": {
            "profile": mentoring_profile_data,
            "participations": [
                {**record(p), "programme": p.programme.name}
                for p in mm.Participation.objects.filter(user=user).select_related("programme").order_by("pk")
            ],
            "coordinates": [p.name for p in mm.Programme.objects.filter(coordinators=user).order_by("pk")],
            "relationships": relationships,
        },
    }


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete ``user`` for good; messages stay, authored by "former member".

    Irreversible: the user row goes, and with it (by ``CASCADE``) the profile, e-mail
    addresses, memberships, reactions, read positions, notifications, the mentoring profile,
    participations and the member's own reflections and closing words. The pairs the member
    was in are ended first (a proposal counts as declined) and stay, with their sessions,
    goals, check-ins and the partner's own notes, for the partner; the member's side becomes
    NULL. The avatar file is removed from storage, and the member's live sockets are closed.
    """
    from forum import events
    from mentoring import models as mm

    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    for pair in mm.Relationship.objects.select_for_update().filter(models.Q(person_a=user) | models.Q(person_b=user)):
        if pair.status == mm.Status.PROPOSED:
            pair.status = mm.Status.DECLINED
        elif pair.status in mm.RUNNING_STATUSES:
            pair.status = mm.Status.ENDED_EARLY
        else:
            continue
        pair.ended_at = now
        pair.save(update_fields=["status", "ended_at"])
    profile = getattr(user, "profile", None)
    avatar = profile.avatar if profile is not None and profile.avatar else None
    user_id = user.pk
    user.delete()
    events.announce_user(user_id, "logout")  # every socket of the member closes (4403)
    if avatar is not None:
        storage, name = avatar.storage, avatar.name
        transaction.on_commit(lambda: storage.delete(name) if name else None)
