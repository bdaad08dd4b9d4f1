from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestsConfig(AppConfig):
    name = "digests"
    verbose_name = _("Digests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from digests import privacy

        account_privacy.register("digests", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
