"""Mentions in a post: who a name or an id refers to among the people who can read the room."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.actor import Actor
from accounts.models import User
from forum import permissions
from forum.errors import Invalid
from forum.models import Room
from forum.rendering import Mention


@dataclass(slots=True)
class MentionTargets:
    """Per room: the mentioned people who can read it, by id and by name (several may share one)."""

    by_id: dict[int, User] = field(default_factory=dict)
    by_name: dict[str, list[User]] = field(default_factory=dict)

    def resolve(self, mentions: Iterable[Mention]) -> tuple[dict[Mention, tuple[str, str]], set[int]]:
        """The links to render and the members to notify; a plain name that two readers share is refused."""
        links: dict[Mention, tuple[str, str]] = {}
        people: set[int] = set()
        for mention in sorted(mentions):
            if mention.user_id is not None:
                found = self.by_id.get(mention.user_id)
            else:
                named = self.by_name.get(mention.name, [])
                if len(named) > 1:
                    raise Invalid(
                        _(
                            "Several members are called %(name)s: choose the one you mean from the suggestions, "
                            "so that the mention reads @**%(name)s|number**."
                        )
                        % {"name": mention.name},
                        field="body",
                        code="ambiguous_mention",
                    )
                found = named[0] if named else None
            if found is not None:
                links[mention] = (found.display_name, reverse("accounts:profile", args=[found.pk]))
                people.add(found.pk)
        return links, people


def mention_targets(rooms: dict[int, Room], mentions_by_room: dict[int, set[Mention]]) -> dict[int, MentionTargets]:
    """Per room, the mentioned people who can read it: one query for the people, one for their memberships."""
    every = set().union(*mentions_by_room.values()) if mentions_by_room else set()
    names = {m.name for m in every if m.user_id is None}
    ids = {m.user_id for m in every if m.user_id is not None}
    if not every:
        return {}
    users = list(
        User.objects.filter(Q(profile__display_name__in=names) | Q(pk__in=ids), is_active=True).select_related(
            "profile"
        )
    )
    readers = {u.pk: Actor(user=u) for u in users}
    permissions.load_memberships(list(readers.values()), {rooms[room_id].community_id for room_id in mentions_by_room})
    targets: dict[int, MentionTargets] = {}
    for room_id, mentions in mentions_by_room.items():
        room = rooms[room_id]
        wanted_names = {m.name for m in mentions if m.user_id is None}
        wanted_ids = {m.user_id for m in mentions if m.user_id is not None}
        found = MentionTargets()
        for u in users:
            named = u.profile.display_name in wanted_names
            if not (named or u.pk in wanted_ids) or not permissions.can_read_room(readers[u.pk], room):
                continue
            if u.pk in wanted_ids:
                found.by_id[u.pk] = u
            if named:
                found.by_name.setdefault(u.profile.display_name, []).append(u)
        targets[room_id] = found
    return targets


def mention_links(targets: MentionTargets, mentions: Iterable[Mention]) -> dict[Mention, tuple[str, str]]:
    """Mention -> (name, profile URL), for ``render``; raises ``Invalid`` for an ambiguous name."""
    return targets.resolve(mentions)[0]
