from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import privacy as account_privacy
        from meetings import privacy

        account_privacy.register("meetings", export=privacy.export, forget=privacy.forget, relations=privacy.RELATIONS)
