"""Extract and compile Kring's translations with polib, without GNU gettext.

A fresh machine has no ``xgettext``/``msgfmt``; Django's ``templatize`` and Python's
``ast`` find the strings, ``polib`` writes the catalogue and compiles it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

# Each app keeps its own catalogue in <app>/locale/, so apps can be worked on apart.
# Strings in config/ (not an app) belong to frontend's catalogue.
APPS = [
    "accounts",
    "notifications",
    "forum",
    "realtime",
    "mentoring",
    "knowledge_base",
    "frontend",
    "digests",
    "passport",
    "monitoring",
    "meetings",
    "api",
]
EXTRA_SOURCES = {"frontend": ["config", "core"]}  # core is not an app: its strings live in frontend's catalogue
SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext", "pgettext_lazy"}
PLURAL = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
CALL = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?|_)\(")


@dataclass(frozen=True)
class Message:
    msgid: str
    msgid_plural: str = ""
    msgctxt: str = ""


def _messages_in_source(source: str) -> Iterator[Message]:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        # The leading string constants are the message (a plural's count comes after them).
        args: list[str] = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break
            args.append(arg.value)
        if not args or (name in SINGULAR and len(args) != len(node.args)):
            continue
        context = name.startswith(("pgettext", "npgettext"))
        if name in SINGULAR:
            yield Message(msgid=args[1], msgctxt=args[0]) if context else Message(msgid=args[0])
        elif name in PLURAL:
            if context and len(args) >= 3:
                yield Message(msgid=args[1], msgid_plural=args[2], msgctxt=args[0])
            elif len(args) >= 2:
                yield Message(msgid=args[0], msgid_plural=args[1])


def _calls_in_templatized(text: str) -> Iterator[Message]:
    """templatize() turns a template into pseudo-Python; parse each gettext call in it."""
    for match in CALL.finditer(text):
        start = match.start()
        depth, index, in_string = 0, match.end() - 1, ""
        while index < len(text):
            char = text[index]
            if in_string:
                if char == "\\":
                    index += 1
                elif char == in_string:
                    in_string = ""
            elif char in "'\"":
                in_string = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    break
            index += 1
        try:
            yield from _messages_in_source(text[start : index + 1])
        except SyntaxError:
            continue


def extract(app: str | None = None) -> list[Message]:
    """The strings of one app (or of all apps)."""
    base = Path(settings.BASE_DIR)
    found: dict[Message, None] = {}
    folders = [app, *EXTRA_SOURCES.get(app, [])] if app else [*APPS, "config"]
    for folder in folders:
        for path in sorted((base / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for message in _messages_in_source(path.read_text(encoding="utf-8")):
                found[message] = None
        templates = [*(base / folder).rglob("*.html"), *(base / folder).rglob("*.txt")]  # .txt: mail parts
        for path in sorted(templates):
            if "templates" not in path.parts:
                continue
            text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            for message in _calls_in_templatized(text):
                found[message] = None
    return list(found)


def po_path(app: str, language: str) -> Path:
    return Path(settings.BASE_DIR) / app / "locale" / language / "LC_MESSAGES" / "django.po"


def update_catalogue(app: str, language: str) -> tuple[polib.POFile, int, int]:
    """Add new strings, drop strings no longer in the code. Returns (po, added, removed)."""
    path = po_path(app, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    po = polib.pofile(str(path)) if path.exists() else polib.POFile()
    po.metadata = {
        "Project-Id-Version": "Kring",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    wanted = {(m.msgctxt, m.msgid): m for m in extract(app)}
    existing = {(e.msgctxt or "", e.msgid): e for e in po}
    added = 0
    for key, message in wanted.items():
        if key not in existing:
            entry = polib.POEntry(msgid=message.msgid, msgstr="", msgctxt=message.msgctxt or None)
            if message.msgid_plural:
                entry.msgid_plural = message.msgid_plural
                entry.msgstr_plural = {0: "", 1: ""}
            po.append(entry)
            added += 1
    stale = [e for key, e in existing.items() if key not in wanted]
    for entry in stale:
        po.remove(entry)
    po.sort(key=lambda e: (e.msgctxt or "", e.msgid))
    po.save(str(path))
    return po, added, len(stale)


def untranslated(app: str, language: str) -> list[str]:
    path = po_path(app, language)
    if not path.exists():
        return [m.msgid for m in extract(app)]
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif not entry.msgstr or "fuzzy" in entry.flags:
            missing.append(entry.msgid)
    return missing


def compile_all() -> list[Path]:
    compiled = []
    for path in sorted(Path(settings.BASE_DIR).glob("*/locale/*/LC_MESSAGES/django.po")):
        target = path.with_suffix(".mo")
        polib.pofile(str(path)).save_as_mofile(str(target))
        compiled.append(target)
    return compiled
