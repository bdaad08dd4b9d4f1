from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class KnowledgeBaseConfig(AppConfig):
    name = "knowledge_base"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from accounts.models import Region, Sector
        from knowledge_base import privacy
        from knowledge_base.models import ThemePage
        from knowledge_base.selectors import forget_taxonomy_labels

        # The facet labels cached in knowledge_base.selectors: a rename shows at once in this process.
        for model in (Sector, Region, ThemePage):
            post_save.connect(forget_taxonomy_labels, sender=model, dispatch_uid=f"kb-labels-save-{model.__name__}")
            post_delete.connect(forget_taxonomy_labels, sender=model, dispatch_uid=f"kb-labels-del-{model.__name__}")

        from wagtail.signals import page_published

        from knowledge_base.models import LessonPage

        # Followers of a lesson's themes hear of it when it is published (knowledge_base.services).
        page_published.connect(_announce_lesson, sender=LessonPage, dispatch_uid="kb-announce-lesson")

        account_privacy.register(
            "knowledge_base", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS
        )


def _announce_lesson(sender: Any, instance: Any, **kwargs: Any) -> None:
    from knowledge_base import services

    services.announce_lesson(lesson=instance)
