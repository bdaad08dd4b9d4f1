"""The app shell in Chromium: the sidebar at 1280 px; at 360 px a 56 px header, no sideways
scrolling and an off-canvas sidebar that works by keyboard alone; the profile menu; dark mode
passes axe's contrast rules. axe (WCAG 2.1 AA) on every page."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from forum import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _member_with_rooms(make_user: Any) -> Any:
    def setup() -> Any:
        olga = make_user(name="Olga Oosterhuis")
        eva = make_user(name="Eva Jansen")
        for name in ("Fieldlab Warmtetransitie", "Kenniskring Zorg en Technologie met een lange naam"):
            community = services.create_community(
                actor=olga, name=name, kind="fieldlab", visibility="open", description="d", waaromvraag="w"
            )
            services.join_community(actor=eva, community=community)
            room = community.rooms.get()
            topic = services.create_topic(actor=olga, room=room, title="Eerste ervaringen", body="Welkom.")
            services.post_message(actor=olga, topic=topic, body="Hoi @**Eva Jansen**", client_id=uuid.uuid4())
        return eva

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(setup).result()


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_sidebar_at_1280_and_profile_menu_by_keyboard(open_page: Any, make_user: Any) -> None:
    eva = _member_with_rooms(make_user)
    tab = open_page()
    tab.use_session_of(eva)
    page = tab.page
    page.set_viewport_size({"width": 1280, "height": 800})
    tab.visit("/")
    sidebar = page.get_by_role("navigation", name="Gemeenschappen en ruimtes")
    assert sidebar.is_visible()
    assert sidebar.get_by_role("link", name="Fieldlab Warmtetransitie").is_visible()
    room = sidebar.locator(".sidebar-room").first
    assert room.locator("[data-unread-count]").inner_text() == "2"
    assert room.locator("[data-mention-count]").inner_text() == "1"
    assert not page.locator("[data-sidebar-toggle]").is_visible()  # no menu button on wide screens
    _no_sideways_scroll(page)
    # The header's search field leads to the search page.
    page.get_by_role("searchbox", name="Zoeken").fill("warmte")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gemeenschappen/zoeken/?q=warmte")
    tab.check()

    # Profile menu: opens with the keyboard, arrows move, Esc closes and returns focus.
    button = page.locator(".header-profile")
    button.focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Jouw account")
    assert menu.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Jouw profiel"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Accountinstellingen"
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Uitloggen"
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('header-profile')")
    # And by mouse: a click outside closes it; the language switch and logging out work.
    button.click()
    page.mouse.click(700, 500)
    expect(menu).to_be_hidden()
    button.click()
    page.get_by_role("menuitemradio", name="English").click()
    tab.check()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator(".header-profile").click()
    page.get_by_role("menuitemradio", name="Nederlands").click()
    tab.check()
    page.locator(".header-profile").click()
    page.get_by_role("menuitem", name="Uitloggen").click()
    tab.check()
    assert page.get_by_role("link", name="Inloggen").is_visible()
    assert page.get_by_role("link", name="Account maken").is_visible()
    assert page.locator(".sidebar").count() == 0


def test_off_canvas_sidebar_at_360_by_keyboard(open_page: Any, make_user: Any) -> None:
    eva = _member_with_rooms(make_user)
    tab = open_page()
    tab.use_session_of(eva)
    page = tab.page
    page.set_viewport_size({"width": 360, "height": 740})
    tab.visit("/")
    header = page.locator(".app-header").bounding_box()
    assert header is not None and header["height"] <= 56
    _no_sideways_scroll(page)
    sidebar = page.locator("#sidebar")
    assert not sidebar.is_visible()
    toggle = page.locator("[data-sidebar-toggle]")
    assert toggle.get_attribute("aria-expanded") == "false"

    # Keyboard only: skip link, then Tab reaches the menu button; Enter opens the sidebar.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-sidebar-toggle')")
    page.keyboard.press("Enter")
    assert sidebar.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    sidebar.evaluate("el => new Promise(r => setTimeout(r, 300))")  # the slide-in
    box = sidebar.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
    # Focus stays inside while it is open: Tab round the whole sidebar and back.
    links = sidebar.locator("a[href], button").count()
    for _ in range(links + 2):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.getElementById('sidebar').contains(document.activeElement)")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
    assert results.violations_count == 0, results.generate_report()
    # Esc closes it and returns focus to the menu button.
    page.keyboard.press("Escape")
    expect(sidebar).to_be_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-sidebar-toggle')")
    assert toggle.get_attribute("aria-expanded") == "false"
    _no_sideways_scroll(page)

    # Open again and follow a room link with the keyboard: the room page opens.
    page.keyboard.press("Enter")
    room = sidebar.locator(".sidebar-room").first
    href = room.get_attribute("href")
    room.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    tab.check()
    _no_sideways_scroll(page)


def test_visitor_header_at_360(open_page: Any) -> None:
    tab = open_page()
    page = tab.page
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/stijl/", "/accounts/login/"):
        tab.visit(path)
        box = page.locator(".app-header").bounding_box()
        assert box is not None and box["height"] <= 56, path
        _no_sideways_scroll(page)
        assert page.get_by_role("link", name="Inloggen").is_visible()
        assert page.get_by_role("link", name="Account maken").is_visible()
        assert page.locator("#sidebar").count() == 0


@pytest.mark.parametrize("width", [1280, 360])
def test_dark_mode_contrast_on_home_and_style_page(open_page: Any, make_user: Any, width: int) -> None:
    eva = _member_with_rooms(make_user)
    tab = open_page()
    tab.use_session_of(eva)
    page = tab.page
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", "/stijl/"):
        tab.visit(path)  # axe, with its colour-contrast rule, on the dark theme
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(15, 17, 23)", background
        _no_sideways_scroll(page)
    # The style page's dialog and toast work and pass axe while open.
    page.get_by_role("button", name="Open een dialoogvenster").click()
    dialog = page.get_by_role("dialog", name="Sneltoetsen")
    assert dialog.is_visible()
    tab.check()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.dataset.openDialog") == "style-dialog"
    page.get_by_role("button", name="Toon een pop-upbericht").click()
    assert page.locator(".toast-region .toast").inner_text().startswith("Opgeslagen.")
    tab.check()


@pytest.mark.parametrize("width", [1280, 360])
def test_layout_chat_fills_the_viewport_and_only_the_list_scrolls(open_page: Any, make_user: Any, width: int) -> None:
    """The contract for a chat page (body_class layout-chat): main fills the viewport under the
    header, the page itself never scrolls, a flex child with overflow scrolls inside."""
    eva = _member_with_rooms(make_user)
    tab = open_page()
    tab.use_session_of(eva)
    page = tab.page
    page.set_viewport_size({"width": width, "height": 700})
    tab.visit("/stijl/")
    page.evaluate(
        """() => {
          document.body.classList.add('layout-chat');
          const main = document.querySelector('main');
          main.replaceChildren();
          const list = document.createElement('div');
          list.id = 'list';
          list.style.flex = '1'; list.style.overflowY = 'auto'; list.style.minHeight = '0';
          for (let i = 0; i < 200; i++) { const p = document.createElement('p'); p.textContent = 'bericht ' + i; list.append(p); }
          const composer = document.createElement('form');
          composer.id = 'composer';
          composer.append(document.createElement('textarea'));
          main.append(list, composer);
        }"""
    )
    found = page.evaluate(
        """() => ({
          page: document.documentElement.scrollHeight, inner: innerHeight,
          top: document.querySelector('main').getBoundingClientRect().top,
          height: document.querySelector('main').getBoundingClientRect().height,
          composer: document.getElementById('composer').getBoundingClientRect().bottom,
          list: document.getElementById('list').scrollHeight > document.getElementById('list').clientHeight,
          footer: getComputedStyle(document.querySelector('.site-footer')).display,
        })"""
    )
    assert found["page"] == found["inner"] == 700
    assert found["top"] == 56 and found["height"] == 700 - 56
    assert found["composer"] == 700
    assert found["list"] is True
    assert found["footer"] == "none"
    _no_sideways_scroll(page)


def test_relative_times_in_the_page_language_with_the_exact_time_in_the_title(open_page: Any) -> None:
    """ui.js formatTimes: every <time data-format="relative"> reads relative in the page's language
    (Intl.RelativeTimeFormat), with the exact date and time in its title."""
    tab = open_page()
    page = tab.page
    tab.visit("/stijl/")
    times = page.locator('time[data-format="relative"]')
    texts = [t.strip() for t in times.all_inner_texts()]
    assert texts[:4] == ["nu", "4 minuten geleden", "3 uur geleden", "gisteren"], texts
    assert any(c.isdigit() for c in texts[4]) and not texts[4].endswith("geleden")  # 40 days ago: a date
    title = times.first.get_attribute("title") or ""
    assert any(day in title for day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"))
    # In English, the same times in English.
    page.locator("#language-select").select_option("en")
    page.get_by_role("button", name="Wisselen").click()
    tab.check()
    texts = [t.strip() for t in page.locator('time[data-format="relative"]').all_inner_texts()]
    assert texts[:4] == ["now", "4 minutes ago", "3 hours ago", "yesterday"], texts
