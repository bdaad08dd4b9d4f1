"""Sections other apps add to a community's page: monitoring's dashboard, its scan and stories,
meetings.

The forum sits below those apps and may not import them; each registers its links here in its
``ready()``, with who sees them as a plain function of the actor (the forum's permission
functions reuse the memberships the page already loaded, so a section costs no query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from forum.models import Community


@dataclass(frozen=True)
class CommunitySection:
    """One link on a community's page. ``for_facilitators`` puts it in the "Facilitate" box."""

    key: str
    label: Any  # a lazy translation
    url_name: str  # reversed with the community's slug
    visible: Callable[[Any, Community], bool]
    for_facilitators: bool = False


@dataclass(frozen=True)
class SectionLink:
    label: Any
    url: str


_SECTIONS: dict[str, CommunitySection] = {}


def register(section: CommunitySection) -> None:
    """Add a section (once per key: a second ``ready()`` replaces, never doubles)."""
    _SECTIONS[section.key] = section


def links_for(*, actor: Any, community: Community, for_facilitators: bool) -> list[SectionLink]:
    """The sections this actor may open on this community, in registration order."""
    return [
        SectionLink(label=s.label, url=reverse(s.url_name, args=[community.slug]))
        for s in _SECTIONS.values()
        if s.for_facilitators == for_facilitators and s.visible(actor, community)
    ]
