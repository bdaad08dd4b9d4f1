from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from mentoring import privacy

        account_privacy.register("mentoring", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
