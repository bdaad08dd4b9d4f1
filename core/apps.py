from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Kring core"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from core.text import refuse_control_characters

        pre_save.connect(refuse_control_characters, dispatch_uid="kring-text-rule")
