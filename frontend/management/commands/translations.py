"""``translations update|check|compile``: keep the Dutch catalogue in step, without gettext."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontend import i18n_tools

LANGUAGES = ["nl"]  # English is the source language of the msgids.


class Command(BaseCommand):
    help = "Update, check or compile the translation catalogues (pure Python, no gettext needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "check", "compile"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "update":
            for app in i18n_tools.APPS:
                for language in LANGUAGES:
                    _po, added, removed = i18n_tools.update_catalogue(app, language)
                    self.stdout.write(f"{app}/{language}: {added} new, {removed} removed")
        elif action == "check":
            problems = {
                f"{app}/{lang}": i18n_tools.untranslated(app, lang) for app in i18n_tools.APPS for lang in LANGUAGES
            }
            missing = {lang: items for lang, items in problems.items() if items}
            if missing:
                lines = [f"{lang}: {len(items)} untranslated, e.g. {items[:5]}" for lang, items in missing.items()]
                raise CommandError("\n".join(lines))
            self.stdout.write("all strings are translated")
        else:
            for path in i18n_tools.compile_all():
                self.stdout.write(f"compiled {path}")
