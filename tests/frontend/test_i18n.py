from __future__ import annotations

import pytest
from django.urls import reverse

from frontend import i18n_tools

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("app", i18n_tools.APPS)
def test_every_string_in_the_code_has_a_dutch_translation(app: str) -> None:
    missing = i18n_tools.untranslated(app, "nl")
    extracted = {m.msgid for m in i18n_tools.extract(app)}
    path = i18n_tools.po_path(app, "nl")
    if path.exists():
        import polib

        catalogue = {e.msgid for e in polib.pofile(str(path)) if e.msgstr or e.msgstr_plural}
        missing = sorted(set(missing) | (extracted - catalogue))
    assert not missing, f"{app}: {len(missing)} strings without Dutch translation, e.g. {missing[:10]}"


def test_home_is_dutch_by_default_and_english_on_request(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("frontend:home"))
    assert 'lang="nl"' in response.content.decode()
    assert "Samen leren in gemeenschappen" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("frontend:home"))
    assert 'lang="en"' in response.content.decode()
    assert "Learning together in communities" in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client) -> None:  # type: ignore[no-untyped-def]
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.parametrize("app", i18n_tools.APPS)
def test_our_translations_win_over_third_party_catalogues(app: str) -> None:
    """Django's admin translates "Filter" as "Filter"; ours must not be shadowed by it."""
    import polib
    from django.utils import translation

    path = i18n_tools.po_path(app, "nl")
    if not path.exists():
        return
    mine = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgstr and not e.msgctxt and not e.msgid_plural}
    ours = {a: i18n_tools.po_path(a, "nl") for a in i18n_tools.APPS}
    # A msgid our apps translate differently has no single right answer; skip only those.
    shared = set()
    for other, other_path in ours.items():
        if other != app and other_path.exists():
            shared |= {
                e.msgid for e in polib.pofile(str(other_path)) if e.msgstr and mine.get(e.msgid, e.msgstr) != e.msgstr
            }
    with translation.override("nl"):
        shadowed = {
            m: translation.gettext(m) for m, s in mine.items() if m not in shared and translation.gettext(m) != s
        }
    assert not shadowed, f"{app}: {len(shadowed)} translations shadowed, e.g. {list(shadowed.items())[:5]}"
