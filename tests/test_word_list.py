"""One word per concept in Dutch: the word list of issue 14, checked over every app's catalogue.

A synonym that crept back in (``kringcoördinator`` for *begeleider*, ``reageren`` for a reply,
``Aanmelden`` for logging in or signing up) fails here, naming the entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(ROOT.glob("*/locale/nl/LC_MESSAGES/django.po"))

# A Dutch word that must not be used, and the word the list asks for instead.
FORBIDDEN = {
    r"\bkringcoördinator": "begeleider (facilitator)",
    r"\bregistreren\b": "Account maken (sign up)",
    r"\bafmelden\b": "Uitloggen (log out)",
    r"\bdraad\b|\bdraadje": "onderwerp (topic)",
    r"\bkanaal\b|\bkamer\b": "ruimte (room)",
    r"\bnotificatie": "melding (notification)",
}


def _entries() -> list[tuple[str, polib.POEntry]]:
    out = []
    for path in CATALOGUES:
        app = path.parts[-5]
        out += [(app, e) for e in polib.pofile(str(path)) if not e.obsolete and e.msgid]
    return out


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_catalogues_found() -> None:
    assert {p.parts[-5] for p in CATALOGUES} >= {"forum", "mentoring", "knowledge_base"}


@pytest.mark.parametrize("pattern", sorted(FORBIDDEN))
def test_no_synonym_for_a_listed_concept(pattern: str) -> None:
    found = [
        f"{app}: {e.msgid!r} -> {text!r}"
        for app, e in _entries()
        for text in _translations(e)
        if re.search(pattern, text, flags=re.IGNORECASE)
    ]
    assert not found, f"use {FORBIDDEN[pattern]}:\n" + "\n".join(found)


def test_a_reply_is_antwoorden_and_reageren_is_only_for_emoji() -> None:
    """ "Reply" is antwoord(en); "reageren"/"reactie" only where the English says react/reaction."""
    wrong = []
    for app, e in _entries():
        english = e.msgid.lower()
        for text in _translations(e):
            dutch = text.lower()
            if re.search(r"\brepl(y|ies|ied)\b", english) and re.search(r"reag|reactie", dutch):
                wrong.append(f"{app}: {e.msgid!r} -> {text!r}")
            if re.search(r"reag|reactie", dutch) and not re.search(r"react|reaction", english):
                wrong.append(f"{app}: {e.msgid!r} -> {text!r}")
    assert not wrong, "\n".join(wrong)


def test_log_in_and_sign_up_are_told_apart() -> None:
    """ "Aanmelden" meant both logging in and signing up: neither may use it."""
    wrong = [
        f"{app}: {e.msgid!r} -> {text!r}"
        for app, e in _entries()
        for text in _translations(e)
        if re.search(r"\b(log in|login|sign up|sign in)\b", e.msgid, flags=re.IGNORECASE) and "aanmeld" in text.lower()
    ]
    assert not wrong, "\n".join(wrong)


def test_a_text_in_two_catalogues_has_one_translation() -> None:
    """Django merges the apps' catalogues and one silently wins: the webhooks page said "Community"
    because the knowledge base translated it so, while the API's catalogue said "Gemeenschap"."""
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for app, e in _entries():
        key = (e.msgctxt or "", e.msgid, e.msgid_plural or "")
        text = " | ".join(_translations(e))
        if text and "fuzzy" not in e.flags:
            seen.setdefault(key, {})[app] = text
    clashes = [
        f"{key[1]!r}: " + ", ".join(f"{app} {text!r}" for app, text in sorted(by_app.items()))
        for key, by_app in sorted(seen.items())
        if len(set(by_app.values())) > 1
    ]
    assert not clashes, "\n".join(clashes)


# Texts on purpose translated otherwise than in Django's own catalogue, each with its reason.
# Django merges the catalogues and ours win, so every entry here changes Django's own pages too.
OVERRIDES_DJANGO: dict[str, str] = {
    # The word list: "Inloggen" and "Uitloggen", never "Aanmelden"/"Afmelden" (they meant signing up
    # too). Django's admin says "Aanmelden"/"Afmelden"; with ours it says what the rest of Kring says.
    "Log in": "Inloggen, as everywhere in Kring (Django's admin: Aanmelden)",
    "Log out": "Uitloggen, as everywhere in Kring (Django's admin: Afmelden)",
}


def _django_catalogues() -> list[Path]:
    """Django's Dutch catalogue and those of its contrib apps that Kring installs."""
    import django
    from django.apps import apps

    found = [Path(django.__file__).parent / "conf" / "locale" / "nl" / "LC_MESSAGES" / "django.po"]
    for config in apps.get_app_configs():
        if config.name.startswith("django."):
            path = Path(config.path) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
            if path.exists():
                found.append(path)
    return found


def _key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _texts(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_django_catalogues_found() -> None:
    names = {p.parts[-5] for p in _django_catalogues()}
    assert {"conf", "auth", "admin", "humanize"} <= names, names


def test_our_catalogues_do_not_change_djangos_own_translations() -> None:
    """Django merges the catalogues and an app's msgid wins over Django's: an app's "May" translated
    otherwise would change the month "mei" in every date. A text that Django also has gets Django's
    Dutch, or our English changes (or it is in ``OVERRIDES_DJANGO`` with the reason)."""
    django_texts: dict[tuple[str, str, str], tuple[str, list[str]]] = {}
    for path in _django_catalogues():
        for e in polib.pofile(str(path)):
            if not e.obsolete and e.msgid and "fuzzy" not in e.flags and all(_texts(e)):
                django_texts.setdefault(_key(e), (f"{path.parts[-5]}", _texts(e)))
    clashes = []
    for app, e in _entries():
        theirs = django_texts.get(_key(e))
        if theirs is None or "fuzzy" in e.flags or not all(_texts(e)) or e.msgid in OVERRIDES_DJANGO:
            continue
        if _texts(e) != theirs[1]:
            clashes.append(f"{app} {e.msgid!r} -> {_texts(e)!r}, Django's {theirs[0]}: {theirs[1]!r}")
    assert not clashes, "\n".join(clashes)


def test_each_override_of_django_is_still_needed() -> None:
    ours = {e.msgid for _app, e in _entries()}
    assert not set(OVERRIDES_DJANGO) - ours, "an override whose text is gone from our catalogues"
