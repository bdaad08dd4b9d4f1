from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from api import privacy, schema, webhooks

        account_privacy.register("api", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
        schema.register_extensions()
        webhooks.connect()
