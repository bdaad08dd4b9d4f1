"""Privacy (AVG/GDPR): a member's data as a JSON archive, and deleting an account for good.

The rules are in ``docs/privacy.md``. Each app that stores data about a member registers a
**privacy hook** here, from its ``AppConfig.ready()``:

- ``export(user)`` returns the app's part of the archive (top-level keys; a key that is a dict
  in two hooks, such as ``notifications``, is merged);
- ``forget(user)`` runs inside the deletion's transaction, before the user row goes, and does
  what the app needs beyond the database's ``CASCADE``/``SET_NULL`` (mentoring ends the
  member's pairs through its services, the forum closes the member's sockets);
- ``relations`` classifies every relation from the app's models (or a third-party app it
  answers for) to the user: exported, or why not.

``accounts`` knows no app above it: it calls the hooks in the order the apps were installed.
``PERSONAL_RELATIONS`` is the union of the hooks' classifications; a test fails when a model
pointing at the user is not classified, or when an app holding member data has no hook.

``delete_account`` removes the account row, which takes the profile, memberships,
notifications, reactions, the mentoring profile and the member's own mentoring notes with
it. Pairs are ended (by mentoring's hook), not deleted; messages stay, with "former member"
as their author. There is no soft delete and no copy: it cannot be undone.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User

FORMAT = "kring-member-export"
VERSION = 1

# How a hook's ``relations`` treat each "app_label.Model.field" that points at the user.
EXPORTED = "exported"
ACTOR = "not exported: records who acted on others' content; set to NULL on deletion"
CREDENTIAL = "not exported: a credential (second-factor secret or API token); deleted with the account"
EDITORIAL = "not exported: knowledge-base editing records (Wagtail); kept or set to NULL on deletion"
SECRET_FIELDS = {"password"}
FORMER_MEMBER = "former member"


@dataclass(frozen=True)
class Hook:
    """One app's part in a member's privacy rights."""

    app: str
    export: Callable[[User], dict[str, Any]]
    forget: Callable[[User], None]
    relations: Mapping[str, str]


_hooks: dict[str, Hook] = {}
# "app_label.Model.field" -> how the export treats it; filled by ``register``.
PERSONAL_RELATIONS: dict[str, str] = {}


def register(
    app: str,
    *,
    export: Callable[[User], dict[str, Any]],
    forget: Callable[[User], None],
    relations: Mapping[str, str],
) -> None:
    """Register ``app``'s privacy hook (from its ``AppConfig.ready()``; registering again replaces it)."""
    if app in _hooks:
        for key in _hooks[app].relations:
            PERSONAL_RELATIONS.pop(key, None)
    claimed = {key: _hooks[owner].app for owner in _hooks if owner != app for key in _hooks[owner].relations}
    clash = sorted(key for key in relations if key in claimed)
    if clash:
        raise ValueError(f"{app}: relations already classified by another hook: {clash}")
    _hooks[app] = Hook(app=app, export=export, forget=forget, relations=dict(relations))
    PERSONAL_RELATIONS.update(relations)


def hooks() -> list[Hook]:
    """The registered hooks, in the order they were registered (the order of ``INSTALLED_APPS``)."""
    return list(_hooks.values())


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


def records(queryset: Any, **kwargs: Any) -> list[dict[str, Any]]:
    return [record(obj, **kwargs) for obj in queryset]


def export_member_data(*, user: User) -> dict[str, Any]:
    """All personal data of ``user`` as plain JSON-serialisable data: every hook's part."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": timezone.now().isoformat()}
    for hook in _hooks.values():
        for key, value in hook.export(user).items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            elif key in data:
                raise ValueError(f"{hook.app}: export key {key!r} is already used by another hook")
            else:
                data[key] = value
    return data


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Delete ``user`` for good; messages stay, authored by "former member".

    Irreversible: every hook's ``forget`` runs first (pairs end, sockets are told to close,
    the avatar file is removed once committed), then the user row goes and, by ``CASCADE``,
    the profile, e-mail addresses, memberships, reactions, read positions, notifications, the
    mentoring profile, participations and the member's own reflections and closing words.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    for hook in _hooks.values():
        hook.forget(user)
    user.delete()


# --- The accounts app's own hook -----------------------------------------------------------------

ACCOUNT_RELATIONS: dict[str, str] = {
    "accounts.Profile.user": EXPORTED,
    "account.EmailAddress.user": EXPORTED,
    "socialaccount.SocialAccount.user": EXPORTED,
    "admin.LogEntry.user": ACTOR,
    "mfa.Authenticator.user": CREDENTIAL,
}


def export_account(user: User) -> dict[str, Any]:
    """The account (never the password hash or second-factor secrets), e-mail addresses, profile."""
    profile = getattr(user, "profile", None)
    return {
        "account": record(user),
        "email_addresses": records(EmailAddress.objects.filter(user=user).order_by("pk")),
        "social_accounts": records(SocialAccount.objects.filter(user=user).order_by("pk"), skip={"extra_data"}),
        "profile": record(profile) if profile is not None else None,
    }


def forget_account(user: User) -> None:
    """The profile row goes with the user (``CASCADE``); its avatar file goes from storage once committed."""
    profile = getattr(user, "profile", None)
    avatar = profile.avatar if profile is not None and profile.avatar else None
    if avatar is not None:
        storage, name = avatar.storage, avatar.name
        transaction.on_commit(lambda: storage.delete(name) if name else None)
