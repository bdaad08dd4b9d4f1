from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from notifications import privacy

        account_privacy.register(
            "notifications", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS
        )
