"""The app shell: the sidebar of my communities and rooms, the header, the style page, the icons."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from forum import services
from forum.models import Community, Membership, MembershipState
from frontend import selectors
from notifications.models import Notification

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _community(owner: User, name: str) -> Community:
    return services.create_community(
        actor=owner, name=name, kind="kenniskring", description="d", waaromvraag="w", visibility="open"
    )


def _sidebar_of(html: str) -> str:
    match = re.search(r'<nav class="sidebar".*?</nav>', html, re.S)
    assert match, "no sidebar"
    return match.group(0)


def _room_link(html: str, room_id: int) -> str:
    match = re.search(rf'<a class="sidebar-room[^"]*"[^>]*data-room-id="{room_id}".*?</a>', html, re.S)
    assert match, f"room {room_id} not in the sidebar"
    return match.group(0)


def test_sidebar_lists_my_communities_rooms_and_counts(client: Any, make_user: Any) -> None:
    owner = make_user(name="Olga Owner")
    reader = make_user(name="Rik Reader")
    energie = _community(owner, "Energie")
    water = _community(owner, "Water")
    _community(owner, "Zorg")  # not joined: not in the sidebar
    services.join_community(actor=reader, community=energie)
    services.join_community(actor=reader, community=water)
    general = energie.rooms.get()
    listed = services.create_room(actor=owner, community=energie, name="Werkgroep", restricted=True)
    services.add_room_member(room=listed, user=reader)
    hidden = services.create_room(actor=owner, community=energie, name="Bestuur", restricted=True)
    topic = services.create_topic(actor=owner, room=general, title="T", body="een")
    services.post_message(actor=owner, topic=topic, body="twee @**Rik Reader**", client_id=uuid.uuid4())
    services.post_message(actor=owner, topic=topic, body="drie", client_id=uuid.uuid4())
    services.create_topic(actor=owner, room=hidden, title="Geheim", body="x")

    client.force_login(reader)
    html = client.get("/").content.decode()
    sidebar = _sidebar_of(html)
    assert "Energie" in sidebar and "Water" in sidebar
    assert "Zorg" not in sidebar
    assert "Bestuur" not in sidebar  # a restricted room the member is not listed in
    assert f'data-room-id="{listed.pk}"' in sidebar  # a restricted room they are listed in
    general.refresh_from_db()
    link = _room_link(sidebar, general.pk)
    assert f'href="{general.get_absolute_url()}"' in link
    assert f'data-head-seq="{general.last_seq}"' in link
    assert f'data-read-seq="{general.last_seq - 3}"' in link
    assert re.search(r'<span class="badge" data-unread-count>3</span>', link)
    assert re.search(r'<span class="badge badge-mention" data-mention-count>1</span>', link)
    quiet = _room_link(sidebar, water.rooms.get().pk)
    assert re.search(r"data-unread-count hidden>0<", quiet)
    assert re.search(r"data-mention-count hidden>0<", quiet)
    # The rooms add up to the header's total.
    assert "data-unread-total>3<" in html
    assert sum(r.unread for c in selectors.sidebar(user=reader) for r in c.rooms) == 3

    # Reading the mention's notification clears the room's mention count.
    Notification.objects.filter(user=reader, kind="mention").update(read_at=general.created_at)
    link = _room_link(_sidebar_of(client.get("/").content.decode()), general.pk)
    assert "data-mention-count hidden>0<" in link

    # A banned member no longer sees the community.
    Membership.objects.filter(user=reader, community=energie).update(state=MembershipState.BANNED)
    sidebar = _sidebar_of(client.get("/").content.decode())
    assert "Energie" not in sidebar and "Water" in sidebar


def test_no_sidebar_for_a_visitor_and_the_words_for_signing_in(client: Any) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'class="sidebar"' not in html
    assert "data-unread-total" not in html
    assert ">Inloggen</a>" in html
    assert ">Account maken</a>" in html
    assert "Aanmelden" not in html
    login = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Aanmelden" not in login and "Registreren" not in login
    assert "Maak eerst een account" in login


def test_a_member_without_communities_is_pointed_to_the_directory(client: Any, make_user: Any) -> None:
    client.force_login(make_user(name="Nieuw Lid"))
    sidebar = _sidebar_of(client.get("/").content.decode())
    assert "/gemeenschappen/" in sidebar
    assert "sidebar-room" not in sidebar


def test_sidebar_queries_do_not_grow_with_communities_and_rooms(client: Any, make_user: Any) -> None:
    owner = make_user(name="Olga Owner")
    reader = make_user(name="Rik Reader")

    def count() -> int:
        fresh = User.objects.get(pk=reader.pk)
        with CaptureQueriesContext(connection) as ctx:
            found = selectors.sidebar(user=fresh)
        assert found
        return len(ctx.captured_queries)

    first = _community(owner, "Eerste")
    services.join_community(actor=reader, community=first)
    few = count()
    for i in range(6):
        community = _community(owner, f"Gemeenschap {i}")
        services.join_community(actor=reader, community=community)
        for j in range(3):
            room = services.create_room(actor=owner, community=community, name=f"Ruimte {j}", restricted=j == 2)
            if j == 2:
                services.add_room_member(room=room, user=reader)
            services.create_topic(actor=owner, room=room, title="T", body="x")
    assert count() == few == 2
    # The whole page: the same number of queries with 1 and with 7 communities.
    client.force_login(reader)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    many_page = len(ctx.captured_queries)
    solo = make_user(name="Solo")
    services.join_community(actor=solo, community=first)
    client.force_login(solo)
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert len(ctx.captured_queries) == many_page


def test_no_shell_queries_for_a_visitor(client: Any) -> None:
    client.get("/stijl/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/stijl/").status_code == 200
    assert len(ctx.captured_queries) == 0


COMPONENTS = [
    "button button-primary",
    "button button-secondary",
    "button button-ghost",
    "button button-danger",
    "button-small",
    "button-icon",
    'class="input"',
    'class="field field-error"',
    'role="combobox"',
    'class="card"',
    'class="avatar avatar-s"',
    'class="avatar avatar-m"',
    'class="avatar avatar-l"',
    'class="badge"',
    'class="badge badge-mention"',
    'class="tag"',
    'class="tabs"',
    'class="menu"',
    'class="dialog"',
    "data-toast",
    'class="empty-state"',
    'class="skeleton"',
    'class="table-wrap"',
    'class="flash flash-error"',
    'class="icon icon-bell"',
    'data-format="relative"',
]
TOKENS = re.compile(r"^\s*(--[a-z0-9-]+):", re.M)


def test_style_page_shows_every_token_and_component(client: Any) -> None:
    response = client.get("/stijl/")
    assert response.status_code == 200
    html = response.content.decode()
    for needle in COMPONENTS:
        assert needle in html, needle
    css = (ROOT / "frontend/static/frontend/css/kring.css").read_text()
    root = css[css.index(":root {") : css.index("}", css.index(":root {"))]
    contract = [
        t for t in TOKENS.findall(root) if t.startswith(("--color-", "--space-", "--radius-", "--shadow-", "--text-"))
    ]
    assert len(contract) > 40
    for token in contract:
        assert f'data-token="{token}"' in html, token
    # The page sits in the shell, is linked from the footer, and has no inline styles.
    assert 'class="app-header"' in html
    assert 'href="/stijl/"' in html
    assert "style=" not in html and "<style" not in html


def test_every_contract_token_is_defined_for_light_and_dark() -> None:
    css = (ROOT / "frontend/static/frontend/css/kring.css").read_text()
    light = css[css.index(":root {") :]
    dark = css[css.index("@media (prefers-color-scheme: dark)") :]
    colours = "bg surface surface-2 text text-muted border accent accent-hover accent-contrast danger success warning focus highlight"
    for name in colours.split():
        assert f"--color-{name}:" in light[: light.index("}")], name
        assert f"--color-{name}:" in dark[: dark.index("}\n}")], name
    others = [f"--space-{i}" for i in range(1, 9)]
    others += ["--radius-s", "--radius-m", "--radius-l", "--radius-round", "--shadow-1", "--shadow-2", "--shadow-3"]
    others += ["--font-sans", "--font-mono", "--header-height", "--sidebar-width"]
    others += [f"--text-{s}" for s in ("xs", "s", "m", "l", "xl", "2xl")]
    for token in others:
        assert f"{token}:" in light, token
    assert "--header-height: 56px;" in css


def test_icon_tag_renders_inline_svg_hidden_from_assistive_technology() -> None:
    html = Template('{% load kring_ui %}{% icon "bell" %}').render(Context())
    assert html.startswith('<svg class="icon icon-bell" aria-hidden="true" focusable="false"')
    assert "<path" in html and "<!--" not in html and 'width="24"' not in html
    with pytest.raises(Exception, match=r"icons\.txt"):
        Template('{% load kring_ui %}{% icon "no-such-icon" %}').render(Context())


def test_vendored_icons_are_the_pinned_lucide_and_cover_every_use() -> None:
    """The icons in static are lucide-static as pinned in frontend/package.json (scripts/vendor-frontend
    --check compares the bytes with the package); every {% icon %} in a template is among them."""
    import json

    version = json.loads((ROOT / "frontend/package.json").read_text())["dependencies"]["lucide-static"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin lucide-static exactly"
    lock = json.loads((ROOT / "frontend/package-lock.json").read_text())
    assert lock["packages"]["node_modules/lucide-static"]["version"] == version
    folder = ROOT / "frontend/static/frontend/icons"
    listed = {
        line.strip()
        for line in (ROOT / "frontend/icons.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {p.stem for p in folder.glob("*.svg")} == listed
    assert "ISC" in (folder / "LICENSE").read_text()
    for name in listed:
        assert (folder / f"{name}.svg").read_text().startswith(f"<!-- @license lucide-static v{version} - ISC -->")
    used = set()
    for template in ROOT.glob("*/templates/**/*.html"):
        used |= set(re.findall(r'{%\s*icon\s+"([a-z0-9-]+)"', template.read_text()))
    assert used, "no icons used"
    assert used <= listed, used - listed


def test_sidebar_escapes_names(client: Any, make_user: Any) -> None:
    owner = make_user(name="Olga Owner")
    community = _community(owner, "Zorg <script>alert(1)</script>")
    services.create_room(actor=owner, community=community, name="Kamer <b>1</b>", restricted=False)
    client.force_login(owner)
    sidebar = _sidebar_of(client.get("/").content.decode())
    assert "<script>" not in sidebar and "<b>" not in sidebar
    assert "Zorg &lt;script&gt;alert(1)&lt;/script&gt;" in sidebar
    assert "Kamer &lt;b&gt;1&lt;/b&gt;" in sidebar


def test_sidebar_marks_the_room_of_the_page(client: Any, make_user: Any) -> None:
    """On a room page and on each of its topics, that room is the sidebar's current one (before:
    topic pages, at /gemeenschappen/onderwerp/<id>/, marked none)."""
    owner = make_user(name="Olga Owner")
    energie = _community(owner, "Energie")
    general = energie.rooms.get()
    other = services.create_room(actor=owner, community=energie, name="Werkgroep")
    topic = services.create_topic(actor=owner, room=general, title="T", body="een")
    client.force_login(owner)
    for url in (general.get_absolute_url(), topic.get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'aria-current="page"' in _room_link(html, general.pk)
        assert 'aria-current="page"' not in _room_link(html, other.pk)
    assert 'aria-current="page"' not in _room_link(client.get("/").content.decode(), general.pk)
