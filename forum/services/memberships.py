"""Joining, leaving, invitations, admission and roles."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from accounts.sites import absolute_url
from core.mail import mail_language, queue_mail
from forum import events, permissions
from forum.errors import Forbidden, Invalid, NotFound
from forum.models import (
    Community,
    Invitation,
    Membership,
    MembershipState,
    Role,
    Visibility,
)
from forum.services._common import _audit, _catch_up_read_state, _notify, _owners, _refresh_member_count
from notifications.models import NotificationKind


@transaction.atomic
def join_community(*, actor: Actor | User, community: Community) -> Membership:
    """Join an open community, ask to join an on-request one, or accept an invitation."""
    actor = as_actor(actor)
    if not permissions.can_join(actor, community):
        raise Forbidden(_("You cannot join this community."))
    membership = Membership.objects.select_for_update().filter(community=community, user=actor.member).first()
    if community.visibility == Visibility.ON_REQUEST and (
        membership is None or membership.state != MembershipState.INVITED
    ):
        state = MembershipState.REQUESTED
    else:
        state = MembershipState.ACTIVE
    if membership is None:
        membership = Membership.objects.create(community=community, user=actor.member, state=state)
    else:
        membership.state = state
        membership.role = Role.MEMBER if membership.role != Role.OWNER else membership.role
        membership.save(update_fields=["state", "role", "updated_at"])
    if state == MembershipState.ACTIVE:
        _catch_up_read_state(actor.member, community)
        _refresh_member_count(community)
    else:
        for facilitator in Membership.objects.filter(
            community=community, state=MembershipState.ACTIVE, role__in=[Role.FACILITATOR, Role.OWNER]
        ).values_list("user_id", flat=True):
            _notify(
                facilitator,
                NotificationKind.MEMBERSHIP,
                _("%(name)s asks to join %(community)s")
                % {"name": actor.member.display_name, "community": community.name},
                reverse("forum:members", args=[community.slug]),
                actor=actor.member,
                community_id=community.pk,
            )
    actor.forget()
    return membership


@transaction.atomic
def decide_membership(*, actor: Actor | User, membership: Membership, approve: bool) -> Membership:
    actor = as_actor(actor)
    community = membership.community
    if not permissions.can_moderate_community(actor, community):
        raise Forbidden(_("Only facilitators can admit members."))
    if membership.state != MembershipState.REQUESTED:
        raise Invalid(_("There is no open request to decide on."))
    membership.state = MembershipState.ACTIVE if approve else MembershipState.DECLINED
    membership.save(update_fields=["state", "updated_at"])
    if approve:
        _catch_up_read_state(membership.user, community)
    _refresh_member_count(community)
    text = (
        _("You are now a member of %(community)s") if approve else _("Your request to join %(community)s was declined")
    ) % {"community": community.name}
    _notify(
        membership.user_id,
        NotificationKind.MEMBERSHIP,
        text,
        community.get_absolute_url(),
        actor=actor.member,
        community_id=community.pk,
    )
    _audit(community, actor, "approve" if approve else "decline", membership.user.display_name)
    return membership


@transaction.atomic
def leave_community(*, actor: Actor | User, community: Community) -> None:
    actor = as_actor(actor)
    membership = Membership.objects.select_for_update().filter(community=community, user=actor.member).first()
    if membership is None or membership.state != MembershipState.ACTIVE:
        raise Invalid(_("You are not a member of this community."))
    if membership.role == Role.OWNER and _owners(community) <= 1:
        raise Invalid(_("Hand over ownership before you leave: a community always keeps an owner."))
    membership.state = MembershipState.LEFT
    membership.role = Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    _refresh_member_count(community)
    actor.forget()
    events.announce_user(actor.member_id, "access_changed", {"community": community.pk})


@transaction.atomic
def invite(*, actor: Actor | User, community: Community, email: str) -> Membership | Invitation:
    """Invite by e-mail: members with an account get an invitation in Kring, others by mail."""
    actor = as_actor(actor)
    if not permissions.can_moderate_community(actor, community):
        raise Forbidden(_("Only facilitators can invite."))
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        membership, _created = Membership.objects.get_or_create(
            community=community, user=user, defaults={"state": MembershipState.INVITED}
        )
        if membership.state == MembershipState.BANNED:
            raise Invalid(_("This person is banned from the community."))
        if membership.state != MembershipState.ACTIVE:
            membership.state = MembershipState.INVITED
            membership.save(update_fields=["state", "updated_at"])
            _notify(
                user.pk,
                NotificationKind.INVITATION,
                _("You are invited to join %(community)s") % {"community": community.name},
                community.get_absolute_url(),
                actor=actor.member,
                community_id=community.pk,
            )
        _audit(community, actor, "invite", email)
        return membership
    invitation, _created = Invitation.objects.get_or_create(
        community=community, email=email, defaults={"invited_by": actor.member}
    )
    # A mail client has no page to resolve a relative link against: SITE_URL, never the request host.
    queue_mail(
        to=email,
        template="mail/invitation",
        context={
            "inviter": actor.member.display_name,
            "community": community.name,
            "url": absolute_url(reverse("forum:accept_invitation", args=[invitation.token])),
        },
        language=mail_language(actor.member),
    )
    _audit(community, actor, "invite", email)
    return invitation


@transaction.atomic
def accept_invitation(*, actor: Actor | User, token: uuid.UUID) -> Membership:
    actor = as_actor(actor)
    invitation = Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    if invitation is None:
        raise NotFound(_("This invitation is no longer valid."))
    if invitation.email.lower() != actor.member.email.lower():
        raise Forbidden(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.get_or_create(
        community=invitation.community, user=actor.member, defaults={"state": MembershipState.ACTIVE}
    )
    if membership.state == MembershipState.BANNED:
        raise Forbidden(_("You cannot join this community."))
    membership.state = MembershipState.ACTIVE
    membership.save(update_fields=["state", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _catch_up_read_state(actor.member, invitation.community)
    _refresh_member_count(invitation.community)
    actor.forget()
    return membership


@transaction.atomic
def change_role(*, actor: Actor | User, membership: Membership, role: str) -> Membership:
    actor = as_actor(actor)
    community = membership.community
    if not permissions.can_manage_roles(actor, community):
        raise Forbidden(_("Only owners can change roles."))
    if role not in Role.values:
        raise Invalid(_("Unknown role."))
    if membership.state != MembershipState.ACTIVE:
        raise Invalid(_("Only active members can get a role."))
    Membership.objects.select_for_update().filter(community=community, role=Role.OWNER)
    if membership.role == Role.OWNER and role != Role.OWNER and _owners(community) <= 1:
        raise Invalid(_("A community always keeps at least one owner."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    _audit(community, actor, "change_role", membership.user.display_name, f"{old} → {role}")
    return membership
