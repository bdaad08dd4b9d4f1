from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from monitoring import privacy

        account_privacy.register(
            "monitoring", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS
        )
