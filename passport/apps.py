from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassportConfig(AppConfig):
    name = "passport"
    verbose_name = _("Learning passport")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from passport import privacy, rules

        account_privacy.register("passport", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
        rules.connect()
